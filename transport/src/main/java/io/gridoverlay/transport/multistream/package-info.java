/**
 * multistream-select 1.0.0: the frame decoder, the negotiation state machine
 * ({@link io.gridoverlay.transport.multistream.MultistreamNegotiator}, no I/O) and the Netty handler that
 * drives it. Internal to the transport; {@link io.gridoverlay.transport.multistream.ProtocolNegotiationException}
 * reaches the API when a peer supports none of the protocols offered.
 */
package io.gridoverlay.transport.multistream;
