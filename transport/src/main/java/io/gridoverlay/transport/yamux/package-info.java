/**
 * Yamux: frames and their codec ({@link io.gridoverlay.transport.yamux.YamuxFrameCodec}), the session handler,
 * streams, and flow control in its own class ({@link io.gridoverlay.transport.yamux.YamuxFlowController}).
 * Limits are in {@link io.gridoverlay.transport.yamux.YamuxConfig}; session-level and stream-level errors are
 * {@link io.gridoverlay.transport.yamux.YamuxException} subclasses.
 */
package io.gridoverlay.transport.yamux;
