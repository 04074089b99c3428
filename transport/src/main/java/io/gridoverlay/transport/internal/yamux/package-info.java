/**
 * Yamux (not API; see {@link io.gridoverlay.transport.internal}): frames and their codec
 * ({@link io.gridoverlay.transport.internal.yamux.YamuxFrameCodec}), the session handler
 * ({@link io.gridoverlay.transport.internal.yamux.YamuxHandler}), streams, the memory budgets, and flow control
 * in its own class ({@link io.gridoverlay.transport.internal.yamux.YamuxFlowController}).
 */
package io.gridoverlay.transport.internal.yamux;
