/**
 * multistream-select 1.0.0 (not API; see {@link io.gridoverlay.transport.internal}): the frame decoder, the
 * negotiation state machine ({@link io.gridoverlay.transport.internal.multistream.MultistreamNegotiator}, no I/O)
 * and the Netty handler that drives it.
 */
package io.gridoverlay.transport.internal.multistream;
