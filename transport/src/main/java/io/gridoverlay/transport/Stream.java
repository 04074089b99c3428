package io.gridoverlay.transport;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.transport.internal.multistream.MultistreamFrames;
import io.gridoverlay.transport.internal.multistream.MultistreamNegotiator;
import io.gridoverlay.transport.multistream.ProtocolNegotiationException;
import io.gridoverlay.transport.internal.yamux.YamuxStream;
import io.gridoverlay.transport.internal.yamux.YamuxStreamHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One bidirectional byte stream to a peer, carrying one application protocol agreed by
 * multistream-select. Writes are asynchronous and bounded by the peer's receive window (the returned
 * future completes when the bytes were handed to the connection); reads arrive at the {@link StreamHandler}.
 *
 * <p>Back-pressure: outbound, wait for the write futures or watch {@link #isWritable()}; inbound, turn
 * {@linkplain #setAutoConsume(boolean) auto-consume} off and call {@link #consumed(int)} when the data has
 * been processed — the peer is stopped after one receive window of unconsumed data.
 *
 * <p>Thread-safety: public methods may be called from any thread. Handler callbacks run on the
 * connection's event loop.
 */
public final class Stream {
    private final Connection connection;
    private final boolean outbound;
    private final Negotiation negotiation;
    private YamuxStream yamux;
    private volatile String protocol;
    private volatile boolean lazy;
    private StreamHandler handler;
    /** Application data went out / came in on this stream (see {@link #noteTraffic}). */
    private volatile boolean sentData;
    private volatile boolean receivedData;

    private Stream(Connection connection, boolean outbound, Negotiation negotiation) {
        this.connection = connection;
        this.outbound = outbound;
        this.negotiation = negotiation;
    }

    /**
     * The agreed protocol id; for a lazily negotiated stream, the proposed one until the peer confirms it
     * (see {@link #protocolConfirmed()}).
     */
    public String protocol() {
        return protocol;
    }

    public Connection connection() {
        return connection;
    }

    public PeerId remotePeer() {
        return connection.remotePeer();
    }

    /**
     * Completes with the protocol once the peer agreed on it. For a stream opened with lazy negotiation
     * (see {@link HostConfig#streamNegotiation()}) that is after {@code newStream} returned it: if the peer
     * rejects the protocol (or resets the stream) before agreeing, this fails with
     * {@link ProtocolNegotiationException} (or {@link StreamResetException}), the stream is reset and its
     * handler's {@link StreamHandler#onReset} runs. Already complete for every other stream.
     */
    public CompletableFuture<String> protocolConfirmed() {
        return negotiation.confirmed.copy();
    }

    /** Whether this stream was opened with lazy negotiation (its first data sent before the peer's echo). */
    public boolean isLazy() {
        return lazy;
    }

    /** Whether this side opened the stream. */
    public boolean isOutbound() {
        return outbound;
    }

    /**
     * The connection's event loop, on which this stream's handler callbacks and write completions run.
     * A producer that keeps state between callbacks (a write loop paced by {@link #isWritable()} and write
     * futures) should start there too, so that all its steps run on one thread.
     */
    public Executor executor() {
        return connection.eventLoop();
    }

    /**
     * Writes {@code data} (ownership passes to the stream). Completes when handed to the connection; fails
     * with {@link LimitExceededException} when the stream's write queue budget is used up (wait for earlier
     * writes or for {@link #isWritable()}).
     */
    public CompletableFuture<Void> write(ByteBuf data) {
        if (data.isReadable()) {
            noteTraffic(true);
        }
        return typed(yamux.write(data));
    }

    private static CompletableFuture<Void> typed(CompletableFuture<Void> f) {
        CompletableFuture<Void> out = new CompletableFuture<>();
        f.whenComplete((v, e) -> {
            if (e != null) {
                out.completeExceptionally(Host.translate(e));
            } else {
                out.complete(null);
            }
        });
        return out;
    }

    /**
     * Marks an application exchange on the connection once data went both ways on this stream, unless it
     * carries Identify or Ping (the host's housekeeping, which any peer can make cheaply): what the connection
     * manager counts as useful traffic.
     */
    private void noteTraffic(boolean sent) {
        String p = protocol;
        if (p == null || IdentifyService.isIdentifyProtocol(p) || io.gridoverlay.transport.protocol.Ping.PROTOCOL.equals(p)) {
            return;
        }
        if (sent) {
            sentData = true;
        } else {
            receivedData = true;
        }
        if (sentData && receivedData) {
            connection.noteApplicationExchange();
        }
    }

    /** Writes a copy-free wrapper of {@code data}; the array must not change until the future completes. */
    public CompletableFuture<Void> write(byte[] data) {
        return write(Unpooled.wrappedBuffer(data));
    }

    /** Closes the write side (the peer sees end of stream) after the queued data. */
    public CompletableFuture<Void> closeWrite() {
        return yamux.closeWrite();
    }

    /** Aborts the stream in both directions. */
    public void reset() {
        yamux.reset();
        if (!negotiation.confirmed.isDone()) {
            // a lazy stream reset before the peer confirmed: end the negotiation without calling our own handler
            connection.eventLoop().execute(() -> {
                Negotiation n = negotiation;
                TransportException cause = new TransportException("stream reset locally before its protocol was confirmed");
                n.result.completeExceptionally(cause);
                if (n.confirmed.completeExceptionally(cause)) {
                    releaseCumulation();
                    cancelTimeout();
                }
            });
        }
    }

    /** See {@link StreamHandler#onData}. */
    public void setAutoConsume(boolean autoConsume) {
        yamux.setAutoConsume(autoConsume);
    }

    /** Reports {@code bytes} of received data as processed, reopening the receive window. */
    public void consumed(int bytes) {
        yamux.consumed(bytes);
    }

    /** Whether a write now would be sent without queueing beyond the stream's budget. */
    public boolean isWritable() {
        return yamux.isWritable();
    }

    /** Completes when both directions are closed or the stream was reset. */
    public CompletableFuture<Void> closeFuture() {
        return yamux.closeFuture();
    }

    /** Whether the peer closed its write side or the stream was reset. */
    public boolean isReadClosed() {
        return yamux.isReadClosed();
    }

    /** Received bytes not yet consumed (a snapshot; for tests and metrics). */
    long unconsumedBytes() {
        return yamux.unconsumedBytes();
    }

    @Override
    public String toString() {
        return "Stream[" + (outbound ? "out " : "in ") + protocol + " to " + connection.remotePeer() + "]";
    }

    // ------------------------------------------------------------------ set-up (package-private)

    /**
     * Opens an outbound stream on {@code connection} and negotiates one of {@code protocols}; runs on the
     * connection's event loop. With {@code lazy} (only for a single protocol) the future completes as soon as
     * the header and the proposal are queued: the caller's first data follows them without waiting for the
     * echo, and a refusal arrives later through {@link #protocolConfirmed()} and {@link StreamHandler#onReset}.
     */
    static CompletableFuture<Stream> openOutbound(Connection connection, List<String> protocols,
                                                  StreamHandler handler, long timeoutMillis, boolean lazy) {
        if (lazy && protocols.size() != 1) {
            throw new IllegalArgumentException("lazy negotiation needs exactly one protocol, got " + protocols);
        }
        Negotiation n = new Negotiation(MultistreamNegotiator.initiator(protocols), timeoutMillis);
        Stream s = new Stream(connection, true, n);
        s.handler = handler;
        connection.session().openStream(s.adapter()).whenComplete((ys, err) -> {
            if (err != null) {
                n.result.completeExceptionally(err);
                n.confirmed.completeExceptionally(err);
                return;
            }
            s.attach(ys);
            if (protocols.stream().allMatch(IdentifyService::isIdentifyProtocol)) {
                connection.identifyStreamOpened(ys);
            }
            if (lazy && !n.result.isDone()) {
                s.lazy = true;
                s.protocol = protocols.get(0);
                n.result.complete(s);
                connection.host().fireStreamOpened(s);
            }
        });
        return n.result;
    }

    /** Wraps an inbound yamux stream; the returned handler drives the responder negotiation. */
    static YamuxStreamHandler acceptInbound(Connection connection, YamuxStream ys, long timeoutMillis) {
        Negotiation n = new Negotiation(MultistreamNegotiator.responder(connection.host().protocols()),
                timeoutMillis);
        Stream s = new Stream(connection, false, n);
        YamuxStreamHandler adapter = s.adapter();
        // after the acceptor returns, so that the stream's ACK precedes our first data
        connection.eventLoop().execute(() -> s.attach(ys));
        return adapter;
    }

    private void attach(YamuxStream ys) {
        if (yamux != null) {
            return;
        }
        yamux = ys;
        if (negotiation.confirmed.isDone() || ys.isReset()) {
            // reset (or failed) before the deferred attach ran: no timer, no header (regression: each of
            // 410 k open-then-reset streams armed a 10 s timer and filled the heap)
            return;
        }
        connection.negotiationTimer(1);
        negotiation.timeout = connection.eventLoop().schedule(() -> {
            connection.negotiationTimer(-1);
            if (!negotiation.negotiator.isDone()) {
                failNegotiation(new ProtocolNegotiationException("stream protocol negotiation timed out after "
                        + negotiation.timeoutMillis + " ms"));
            }
        }, negotiation.timeoutMillis, TimeUnit.MILLISECONDS);
        send(negotiation.negotiator.start());
    }

    private void send(List<String> messages) {
        if (messages.isEmpty()) {
            return;
        }
        int size = 0;
        for (String m : messages) {
            size += MultistreamFrames.encodedLength(m);
        }
        ByteBuf out = Unpooled.buffer(size);
        for (String m : messages) {
            MultistreamFrames.write(m, out, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
        }
        // The opener's messages are bounded by its protocol list and may not be refused (data follows them);
        // the responder's replies follow the peer's messages and stay under the write limits. A refused
        // negotiation write ends the negotiation: the stream would otherwise go on without its messages.
        CompletableFuture<Void> written = outbound ? yamux.writeOpening(out) : yamux.write(out);
        written.whenComplete((v, e) -> {
            if (e == null || yamux.isReset()) {
                return; // a reset reaches the negotiation through the stream handler, with its own cause
            }
            CompletableFuture<String> confirmed = negotiation.confirmed;
            if (confirmed.isDone() && !confirmed.isCompletedExceptionally()) {
                yamux.reset(); // agreed already: the peer would read our data without our last reply
            } else {
                failNegotiation(new ProtocolNegotiationException("could not send the negotiation: "
                        + e.getMessage(), e));
            }
        });
    }

    /**
     * Ends a negotiation that has not agreed: fails the futures, resets the stream and, when the caller
     * already holds it (lazy), tells its handler. Idempotent.
     */
    private void failNegotiation(Throwable cause) {
        Negotiation n = negotiation;
        boolean failedResult = n.result.completeExceptionally(cause);
        if (!n.confirmed.completeExceptionally(cause)) {
            return;
        }
        releaseCumulation();
        cancelTimeout();
        if (yamux != null) {
            yamux.reset();
        }
        if (!failedResult && handler != null) {
            handler.onReset(this); // a lazy stream the caller already has
        }
    }

    /** Cancels the negotiation timer if it is armed; event loop only. */
    private void cancelTimeout() {
        if (negotiation.timeout != null && negotiation.timeout.cancel(false)) {
            connection.negotiationTimer(-1);
        }
    }

    private void releaseCumulation() {
        if (negotiation.cumulation != null) {
            negotiation.cumulation.release();
            negotiation.cumulation = null;
        }
    }

    /**
     * Feeds negotiation bytes; returns once agreed (leftover delivered) or when more bytes are needed: the
     * number of bytes handed on to the handler as data, or -1 while (or if) not agreed.
     */
    private int negotiate(ByteBuf data) {
        Negotiation n = negotiation;
        if (n.cumulation == null) {
            n.cumulation = Unpooled.buffer(Math.max(64, data.readableBytes()));
        }
        // Everything after the final negotiation message is protocol data (a lazy dialer sends it right after
        // its proposal): it is bounded by the receive window, and an incomplete message by the length limit.
        n.cumulation.writeBytes(data);
        try {
            while (!n.negotiator.isDone()) {
                String msg = MultistreamFrames.tryDecode(n.cumulation, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
                if (msg == null) {
                    n.cumulation.discardReadBytes();
                    return -1;
                }
                send(n.negotiator.onMessage(msg));
            }
        } catch (ProtocolNegotiationException e) {
            failNegotiation(e);
            return -1;
        }
        String agreed = n.negotiator.selectedProtocol().orElseThrow();
        cancelTimeout();
        if (!outbound) {
            ProtocolHandler ph = connection.host().protocolHandler(agreed);
            if (ph == null) {
                failNegotiation(new ProtocolNegotiationException("protocol " + agreed + " was removed"));
                return -1;
            }
            protocol = agreed;
            if (IdentifyService.isIdentifyProtocol(agreed)) {
                connection.identifyStreamOpened(yamux);
            }
            try {
                handler = ph.onStream(this);
            } catch (RuntimeException e) {
                failNegotiation(e);
                return -1;
            }
            if (handler == null) {
                failNegotiation(new ProtocolNegotiationException("handler of " + agreed + " refused the stream"));
                return -1;
            }
        }
        protocol = agreed;
        n.confirmed.complete(agreed); // before the result, so that a caller of newStream sees it done
        if (n.result.complete(this)) {
            connection.host().fireStreamOpened(this);
        }
        ByteBuf leftover = n.cumulation;
        n.cumulation = null;
        int handedOn = leftover.readableBytes();
        try {
            if (handedOn > 0) {
                noteTraffic(false);
                handler.onData(this, leftover);
            }
        } finally {
            leftover.release();
        }
        return handedOn;
    }

    /**
     * The error for a stream reset before its protocol was agreed: refused (never acknowledged, or reset
     * with a limit code), reset by the remote, or ended with the connection.
     */
    private TransportException resetDuringNegotiation(YamuxStream ys) {
        long code = ys.peerResetCode();
        String what = (outbound ? "stream for " + negotiation.negotiator.proposals() : "inbound stream")
                + " to " + connection.remotePeer();
        if (code < 0) {
            return new TransportException(what + " ended during protocol negotiation: the connection closed");
        }
        if (outbound && !ys.isAcknowledged()) {
            return new StreamRefusedException(what + " refused by the remote: reset before it was acknowledged"
                    + " (its stream limit, or it is going away)", code);
        }
        if (outbound && StreamRefusedException.isLimitCode(code)) {
            return new StreamRefusedException(what + " refused by the remote during protocol negotiation"
                    + (code == StreamResetException.RATE_LIMITED ? ": rate limited" : ": resource limit exceeded"), code);
        }
        return new StreamResetException(what + " reset by the remote during protocol negotiation", code);
    }

    private YamuxStreamHandler adapter() {
        return new YamuxStreamHandler() {
            @Override
            public void onData(YamuxStream ys, ByteBuf data) {
                if (yamux == null) {
                    attach(ys);
                }
                if (negotiation.negotiator.isDone()) {
                    if (handler != null && protocol != null) {
                        if (data.isReadable()) {
                            noteTraffic(false);
                        }
                        handler.onData(Stream.this, data);
                    }
                } else if (!negotiation.confirmed.isDone()) {
                    int length = data.readableBytes();
                    int handedOn = negotiate(data);
                    if (handedOn >= 0 && !ys.isAutoConsume() && !ys.isReset()) {
                        // The handler turned auto-consume off while this chunk was being delivered: it
                        // consumes the data handed on to it, and the negotiation bytes before that data are
                        // ours to return to the window (regression: each stream's window shrank by them).
                        ys.consumed(Math.max(0, length - handedOn));
                    }
                }
            }

            @Override
            public void onRemoteClose(YamuxStream ys) {
                if (negotiation.negotiator.isDone()) {
                    if (handler != null) {
                        handler.onRemoteClose(Stream.this);
                    }
                } else {
                    failNegotiation(new ProtocolNegotiationException("stream closed during protocol negotiation"));
                }
            }

            @Override
            public void onReset(YamuxStream ys) {
                if (negotiation.negotiator.isDone()) {
                    if (handler != null) {
                        handler.onReset(Stream.this);
                    }
                } else {
                    failNegotiation(resetDuringNegotiation(ys));
                }
            }

            @Override
            public void onWritabilityChanged(YamuxStream ys) {
                if (protocol != null && handler != null) {
                    handler.onWritabilityChanged(Stream.this);
                }
            }
        };
    }

    /** Negotiation state; confined to the event loop. */
    private static final class Negotiation {
        final MultistreamNegotiator negotiator;
        final long timeoutMillis;
        /** What newStream returns: completes on agreement, or at once for a lazy stream. */
        final CompletableFuture<Stream> result = new CompletableFuture<>();
        /** Completes when the peer agreed on the protocol. */
        final CompletableFuture<String> confirmed = new CompletableFuture<>();
        ByteBuf cumulation;
        ScheduledFuture<?> timeout;

        Negotiation(MultistreamNegotiator negotiator, long timeoutMillis) {
            this.negotiator = negotiator;
            this.timeoutMillis = timeoutMillis;
        }
    }
}
