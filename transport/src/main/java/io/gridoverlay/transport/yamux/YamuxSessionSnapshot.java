package io.gridoverlay.transport.yamux;


import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An immutable, consistent picture of one Yamux session's flow-control and send state, taken on the
 * session's event loop by {@link io.gridoverlay.transport.Connection#muxerSnapshot()}: for diagnosing stalls (a stream whose send
 * window stays 0, a write queue that never drains, a connection that stays unwritable) and for metrics.
 *
 * <p>{@link #toString()} renders a multi-line report, one line per stream, meant for logs and thread
 * dumps. Taking a snapshot is O(streams).
 *
 * @param client whether this side is the Yamux client (odd stream ids)
 * @param terminated whether the session has ended
 * @param goAwaySent whether this side sent a go-away
 * @param goAwayReceived whether the peer sent a go-away
 * @param channelWritable whether the connection channel is writable (its outbound buffer is below the
 *     high water mark); stream data is sent only while it is
 * @param channelBytesBeforeUnwritable bytes that can be written to the channel before it turns unwritable
 * @param channelBytesBeforeWritable bytes that must be written to the socket before the channel turns
 *     writable again
 * @param readyStreams streams waiting in the round-robin send queue
 * @param drainScheduled whether a send pass is scheduled on the event loop
 * @param rtt the last measured round-trip time ({@link Duration#ZERO} before the first)
 * @param grownReceiveWindowBytes bytes by which auto-tuning has grown all receive windows beyond the
 *     initial window
 * @param streams the open streams, by id
 */
public record YamuxSessionSnapshot(boolean client, boolean terminated, boolean goAwaySent,
        boolean goAwayReceived, boolean channelWritable, long channelBytesBeforeUnwritable,
        long channelBytesBeforeWritable, int readyStreams, boolean drainScheduled, Duration rtt,
        long grownReceiveWindowBytes, List<StreamState> streams) {

    /** Copies {@code streams}. */
    public YamuxSessionSnapshot {
        Objects.requireNonNull(rtt, "rtt");
        streams = List.copyOf(streams);
    }

    /**
     * The state of one stream.
     *
     * @param id the stream id (unsigned)
     * @param outbound whether this side opened it
     * @param acknowledged whether the peer acknowledged it (always {@code true} for inbound streams)
     * @param writeState {@code OPEN}, {@code FIN_QUEUED}, {@code CLOSED} or {@code RESET}
     * @param readState {@code OPEN}, {@code CLOSED} or {@code RESET}
     * @param sendWindow bytes this side may still send before the peer grants more
     * @param queuedBytes bytes written by the application and not yet sent
     * @param inTransitBytes bytes passed to {@link io.gridoverlay.transport.Stream#write} on another thread and not yet
     *     queued by the event loop (they count against the write budget already)
     * @param queuedWrites pending write operations (a queued FIN counts as one)
     * @param writable {@link io.gridoverlay.transport.Stream#isWritable()}
     * @param inReadyQueue whether the stream waits in the send queue
     * @param receiveWindow this side's receive window size
     * @param receiveCredit bytes the peer may still send before this side grants more
     * @param unconsumedBytes bytes received and not yet consumed by the application
     * @param consumedUnacknowledged bytes consumed and not yet granted back to the peer
     * @param autoConsume {@link io.gridoverlay.transport.Stream#setAutoConsume(boolean)}
     */
    public record StreamState(long id, boolean outbound, boolean acknowledged, String writeState,
            String readState, long sendWindow, long queuedBytes, long inTransitBytes, int queuedWrites, boolean writable,
            boolean inReadyQueue, long receiveWindow, long receiveCredit, long unconsumedBytes,
            long consumedUnacknowledged, boolean autoConsume) {

        /** Validates the state names. */
        public StreamState {
            Objects.requireNonNull(writeState, "writeState");
            Objects.requireNonNull(readState, "readState");
        }

        /**
         * Whether this stream has data to send but cannot make progress by itself: bytes are queued while
         * the peer's window is exhausted, or it is ready but not in the send queue.
         */
        public boolean isSendStalled() {
            return queuedBytes > 0 && (sendWindow == 0 || !inReadyQueue);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "stream %d %s%s write=%s read=%s sendWindow=%d queued=%d/%d inTransit=%d writable=%s"
                            + " ready=%s recvWindow=%d credit=%d unconsumed=%d consumedUnacked=%d autoConsume=%s",
                    id, outbound ? "out" : "in", acknowledged ? "" : " (unacked)", writeState, readState, sendWindow,
                    queuedBytes, queuedWrites, inTransitBytes, writable, inReadyQueue, receiveWindow, receiveCredit, unconsumedBytes,
                    consumedUnacknowledged, autoConsume);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(128 + 160 * streams.size());
        b.append(String.format(Locale.ROOT, "YamuxSession[%s%s%s%s] channelWritable=%s bytesBeforeUnwritable=%d"
                        + " bytesBeforeWritable=%d readyStreams=%d drainScheduled=%s rtt=%.3fms grownWindow=%d streams=%d",
                client ? "client" : "server", terminated ? ", terminated" : "", goAwaySent ? ", go-away sent" : "",
                goAwayReceived ? ", go-away received" : "", channelWritable, channelBytesBeforeUnwritable,
                channelBytesBeforeWritable, readyStreams, drainScheduled, rtt.toNanos() / 1e6, grownReceiveWindowBytes,
                streams.size()));
        for (StreamState s : streams) {
            b.append("\n  ").append(s);
        }
        return b.toString();
    }
}
