/**
 * multistream-select as an embedder meets it: {@link io.gridoverlay.transport.multistream.ProtocolNegotiationException}
 * when a peer supports none of the protocols offered. The negotiator, frame decoder and handler live in
 * {@code io.gridoverlay.transport.internal.multistream}.
 */
package io.gridoverlay.transport.multistream;
