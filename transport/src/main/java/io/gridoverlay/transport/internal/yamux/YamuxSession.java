package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxConfig;
import io.gridoverlay.transport.yamux.YamuxException;
import io.gridoverlay.transport.yamux.YamuxSessionClosedException;
import io.gridoverlay.transport.yamux.YamuxSessionSnapshot;
import io.gridoverlay.transport.yamux.YamuxStreamLimitException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A Yamux session on one connection: opens streams, measures the round trip, goes away.
 *
 * <p>Thread-safe: every method may be called from any thread; work is done on the connection's event
 * loop. Implemented by {@link YamuxHandler}.
 */
public interface YamuxSession {

    /**
     * Opens an outbound stream: a SYN is sent at once (as go-yamux does, without waiting for the ACK),
     * then the future completes with the stream. It fails with {@link YamuxStreamLimitException} when
     * {@link YamuxConfig#maxStreams()} streams are open or {@link YamuxConfig#ackBacklog()} streams await
     * their ACK, and with {@link YamuxSessionClosedException} once the session is closed or either side
     * sent a go-away. A peer refusing the stream resets it ({@link YamuxStreamHandler#onReset}).
     *
     * @param handler receives the stream's inbound events from the start
     */
    CompletableFuture<YamuxStream> openStream(YamuxStreamHandler handler);

    /** Sends a ping and completes with the measured round-trip time. */
    CompletableFuture<Duration> ping();

    /** The last measured round-trip time, or {@link Duration#ZERO} before the first measurement. */
    Duration rtt();

    /** Number of open streams (snapshot). */
    int streamCount();

    /**
     * A consistent picture of the session's send and flow-control state, per stream (send and receive
     * windows, queued bytes, writability) — for diagnosing stalls and for metrics. Taken on the event
     * loop; completes immediately when called there. After the session ended it reports no streams.
     */
    CompletableFuture<YamuxSessionSnapshot> snapshot();

    /** Whether this session is a client (odd stream ids) or a server (even stream ids). */
    boolean isClient();

    /**
     * Sends a normal go-away without closing: no new streams in either direction, open streams carry on.
     * Completes when the frame is written.
     */
    CompletableFuture<Void> goAway();

    /** Sends a normal go-away (unless one was sent) and closes the connection; completes when closed. */
    CompletableFuture<Void> close();

    /**
     * Completes when the session has ended: normally on an orderly close, exceptionally with the
     * {@link YamuxException} (or I/O error) that ended it.
     */
    CompletableFuture<Void> closeFuture();
}
