/**
 * Yamux as an embedder configures and observes it; the session handler, streams, frame codec and flow
 * control live in {@code io.gridoverlay.transport.internal.yamux}.
 *
 * <p>Public API: {@link io.gridoverlay.transport.yamux.YamuxConfig} (limits and windows),
 * {@link io.gridoverlay.transport.yamux.YamuxSessionSnapshot} (a session's counters), and the errors:
 * {@link io.gridoverlay.transport.yamux.YamuxException} (root, a {@link io.gridoverlay.transport.TransportException})
 * with {@link io.gridoverlay.transport.yamux.YamuxProtocolException},
 * {@link io.gridoverlay.transport.yamux.YamuxStreamException},
 * {@link io.gridoverlay.transport.yamux.YamuxSessionClosedException},
 * {@link io.gridoverlay.transport.yamux.YamuxStreamLimitException},
 * {@link io.gridoverlay.transport.yamux.YamuxControlBacklogException}, and the wire's
 * {@link io.gridoverlay.transport.yamux.YamuxErrorCode}.
 */
package io.gridoverlay.transport.yamux;
