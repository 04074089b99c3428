package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxConfig;
import io.gridoverlay.transport.yamux.YamuxControlBacklogException;
import io.gridoverlay.transport.yamux.YamuxErrorCode;
import io.gridoverlay.transport.yamux.YamuxException;
import io.gridoverlay.transport.yamux.YamuxProtocolException;
import io.gridoverlay.transport.yamux.YamuxSessionClosedException;
import io.gridoverlay.transport.yamux.YamuxSessionSnapshot;
import io.gridoverlay.transport.yamux.YamuxStreamException;
import io.gridoverlay.transport.yamux.YamuxStreamLimitException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Yamux session state machine as a Netty handler: sits after a {@link YamuxFrameCodec} on the
 * connection's pipeline, consumes {@link YamuxFrame}s and writes frames back.
 *
 * <pre>
 * socket ⇄ [Noise] ⇄ YamuxFrameCodec ⇄ YamuxHandler ⇄ YamuxStream / YamuxStreamHandler (per stream)
 * </pre>
 *
 * <p>It implements stream open (SYN, client odd ids, server even ids), acknowledgement (ACK), data,
 * per-stream flow control ({@link YamuxFlowController}), half-close (FIN), reset (RST), go-away (sent
 * on close; on receipt no new streams, and an error code ends the session), keep-alive pings with RTT
 * measurement, and the limits of {@link YamuxConfig}. A protocol violation by the peer (see
 * {@link YamuxProtocolException}) sends a go-away with the error code and closes the connection.
 * Closing the channel sends a normal go-away first.
 *
 * <p>Memory shared with other sessions: queued writes count against a {@link YamuxWriteBudget}, and the
 * body of every received Data frame against a {@link YamuxReceiveBudget} from its header until the
 * application consumed it; a frame that does not fit stops this session's reading until another session
 * releases bytes.
 *
 * <p>Thread-safety: all state is confined to the channel's event loop; the public methods of
 * {@link YamuxSession} and {@link YamuxStream} hop onto it. Per-frame work is O(1) (hash lookup of the
 * stream); sending is round-robin over streams with queued data and window.
 *
 * <p>Size: one session's state machine (frame dispatch, stream lifecycle, write scheduling, keep-alive,
 * go-away, limits) over state that is lock-free because it is confined to one event loop; splitting it would
 * spread that state across classes. Frames, flow control and write budgets are already their own classes.
 */
public final class YamuxHandler extends ChannelDuplexHandler implements YamuxSession {

    private static final Logger LOG = LoggerFactory.getLogger(YamuxHandler.class);
    /** libp2p stream error code RESOURCE_LIMIT_EXCEEDED (go-libp2p 0x1002), sent with a refused SYN's RST. */
    static final long RESET_RESOURCE_LIMIT_EXCEEDED = 0x1002;
    /** libp2p stream error code RATE_LIMITED (0x1003), sent with the RST of a SYN beyond the open rate. */
    static final long RESET_RATE_LIMITED = 0x1003;
    private static final int MAX_OUTSTANDING_PINGS = 64;
    /**
     * Most ping answers held until the end of a read batch or, while the connection is unwritable, until it
     * drains (go-yamux keeps a few pongs queued too); a further ping request replaces the newest held answer,
     * so a ping flood costs O(1) memory.
     */
    static final int MAX_HELD_PONGS = 64;

    private final YamuxConfig config;
    private final boolean client;
    private final YamuxStreamAcceptor acceptor;
    private final YamuxFlowController flow;
    private final IntObjectHashMap<YamuxStream> streams = new IntObjectHashMap<>();
    private final ArrayDeque<YamuxStream> ready = new ArrayDeque<>();
    private final LongObjectHashMap<PendingPing> pings = new LongObjectHashMap<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private ChannelHandlerContext ctx;
    private long nextStreamId;
    private int unacknowledged;
    private long nextPingOpaque;
    private long keepAlivePingOpaque = -1;
    private ScheduledFuture<?> keepAliveTask;
    private ScheduledFuture<?> idleTask;
    private boolean started;
    private boolean goAwaySent;
    private boolean goAwayReceived;
    private YamuxErrorCode endCode = YamuxErrorCode.NORMAL;
    private boolean terminated;
    private boolean flushNeeded;
    private boolean drainScheduled;
    private boolean draining;
    private volatile long rttNanos;
    private final YamuxWriteBudget hostBudget;
    /** Bytes queued on all streams of this session; loop only. */
    private long sessionQueued;
    private volatile boolean sessionWritable = true;
    private volatile int streamCount;
    /** Ping answers owed but not yet written (the connection was unwritable); oldest first. */
    private final long[] heldPongs = new long[MAX_HELD_PONGS];
    private int heldPongCount;
    /** Control replies owed (written or held) since the connection was last writable. */
    private int controlBacklog;
    /** Whether this handler turned auto-read off because of {@link #controlBacklog}. */
    private boolean readPaused;
    /** Bytes buffered on receive by all sessions of the host ({@link YamuxReceiveBudget}). */
    private final YamuxReceiveBudget receiveBudget;
    /** Reserved for the Data frame whose header was admitted and whose body is still arriving; loop only. */
    private long inFlightReserved;
    /** Whether reading is off because the next Data frame waits for the receive budget; loop only. */
    private boolean budgetPaused;
    private YamuxFrameCodec codec;
    /** Whether {@link #isWritableAfterFlush()} already flushed in this read batch. */
    private boolean flushedWhileUnwritable;
    /** Inbound stream-open tokens (see {@link YamuxConfig#inboundStreamBurst()}) and their last refill. */
    private double openTokens;
    private long openTokensRefilledNanos;

    private record PendingPing(long sentNanos, CompletableFuture<Duration> future) {
    }

    /**
     * A session handler.
     *
     * @param config limits and tuning
     * @param client {@code true} on the dialing side (odd stream ids), {@code false} on the listener
     * @param acceptor decides about inbound streams
     */
    public YamuxHandler(YamuxConfig config, boolean client, YamuxStreamAcceptor acceptor) {
        this(config, client, acceptor, YamuxWriteBudget.unlimited());
    }

    /**
     * A session handler whose queued writes also count against {@code hostBudget}, shared by every session
     * of a host: a write beyond it fails with {@link YamuxStreamLimitException}.
     */
    public YamuxHandler(YamuxConfig config, boolean client, YamuxStreamAcceptor acceptor,
                        YamuxWriteBudget hostBudget) {
        this(config, client, acceptor, hostBudget, YamuxReceiveBudget.unlimited());
    }

    /**
     * A session handler whose queued writes count against {@code hostBudget} and whose received, not yet
     * consumed Data bodies count against {@code receiveBudget}, both shared by every session of a host. A
     * Data frame that does not fit the receive budget is not buffered: the session stops reading until
     * another session releases bytes.
     */
    public YamuxHandler(YamuxConfig config, boolean client, YamuxStreamAcceptor acceptor,
                        YamuxWriteBudget hostBudget, YamuxReceiveBudget receiveBudget) {
        this.receiveBudget = Objects.requireNonNull(receiveBudget, "receiveBudget");
        this.hostBudget = Objects.requireNonNull(hostBudget, "hostBudget");
        this.config = Objects.requireNonNull(config, "config");
        this.client = client;
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.flow = new YamuxFlowController(config);
        this.nextStreamId = client ? 1 : 2;
    }

    // ---------------------------------------------------------------- YamuxSession (any thread)

    @Override
    public CompletableFuture<YamuxStream> openStream(YamuxStreamHandler handler) {
        Objects.requireNonNull(handler, "handler");
        CompletableFuture<YamuxStream> future = new CompletableFuture<>();
        runOnLoop(() -> openStreamLocked(handler, future),
                () -> future.completeExceptionally(closedException()));
        return future;
    }

    @Override
    public CompletableFuture<Duration> ping() {
        CompletableFuture<Duration> future = new CompletableFuture<>();
        runOnLoop(() -> {
            if (terminated) {
                future.completeExceptionally(closedException());
            } else if (pings.size() >= MAX_OUTSTANDING_PINGS) {
                future.completeExceptionally(new YamuxStreamLimitException(
                        MAX_OUTSTANDING_PINGS + " pings are already outstanding"));
            } else {
                sendPingLocked(future);
                flushIfNeeded();
            }
        }, () -> future.completeExceptionally(closedException()));
        return future;
    }

    @Override
    public Duration rtt() {
        return Duration.ofNanos(rttNanos);
    }

    @Override
    public int streamCount() {
        return streamCount;
    }

    @Override
    public CompletableFuture<YamuxSessionSnapshot> snapshot() {
        CompletableFuture<YamuxSessionSnapshot> future = new CompletableFuture<>();
        // A loop that rejects tasks has shut down and mutates nothing any more: read the state from here.
        runOnLoop(() -> future.complete(snapshotLocked()), () -> future.complete(snapshotLocked()));
        return future;
    }

    private YamuxSessionSnapshot snapshotLocked() {
        List<YamuxSessionSnapshot.StreamState> states = new ArrayList<>(streams.size());
        for (YamuxStream s : streams.values()) {
            states.add(new YamuxSessionSnapshot.StreamState(Integer.toUnsignedLong(s.id()), s.isOutbound(),
                    !s.isOutbound() || s.acknowledged, s.writeState.name(), s.readState.name(), s.sendWindow,
                    s.queuedBytes, s.reservedBytes() - s.queuedBytes, s.queue.size(), s.isWritable(),
                    s.inReadyQueue, s.receive.window(), s.receive.credit(), s.receive.buffered(),
                    s.receive.consumedUnacknowledged(), s.isAutoConsume()));
        }
        states.sort(Comparator.comparingLong(YamuxSessionSnapshot.StreamState::id));
        ChannelHandlerContext c = ctx;
        boolean writable = c != null && c.channel().isWritable();
        long beforeUnwritable = c == null ? 0 : c.channel().bytesBeforeUnwritable();
        long beforeWritable = c == null ? 0 : c.channel().bytesBeforeWritable();
        return new YamuxSessionSnapshot(client, terminated, goAwaySent, goAwayReceived, writable, beforeUnwritable,
                beforeWritable, ready.size(), drainScheduled, Duration.ofNanos(rttNanos), flow.grownBytes(), states);
    }

    @Override
    public boolean isClient() {
        return client;
    }

    @Override
    public CompletableFuture<Void> goAway() {
        CompletableFuture<Void> future = new CompletableFuture<>();
        runOnLoop(() -> {
            if (terminated) {
                future.completeExceptionally(closedException());
                return;
            }
            if (goAwaySent) {
                future.complete(null);
                return;
            }
            goAwaySent = true;
            ctx.writeAndFlush(new YamuxFrame.GoAway(YamuxErrorCode.NORMAL)).addListener(f -> complete(future, f));
        }, () -> future.completeExceptionally(closedException()));
        return future;
    }

    @Override
    public CompletableFuture<Void> close() {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            return CompletableFuture.failedFuture(closedException());
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        // complete once the session has terminated (channelInactive), not merely when the socket closed,
        // so that closeFuture() is complete when this future is (regression: YamuxTcpTest flaked on it)
        c.channel().close().addListener(f -> {
            if (!f.isSuccess()) {
                complete(future, f);
            } else {
                closeFuture.whenComplete((v, e) -> future.complete(null));
            }
        });
        return future;
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.openTokens = config.inboundStreamBurst();
        this.openTokensRefilledNanos = now();
        codec = ctx.pipeline().get(YamuxFrameCodec.class);
        if (codec != null) {
            codec.dataFrameGate(this::admitDataFrame);
        }
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start();
        super.channelActive(ctx);
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        // An initial ping gives auto-tuning its RTT early (as rust-yamux does).
        sendPingLocked(null);
        flushIfNeeded();
        long interval = config.keepAliveInterval().toNanos();
        if (interval > 0) {
            keepAliveTask = ctx.executor().scheduleAtFixedRate(this::keepAliveTick, interval, interval,
                    TimeUnit.NANOSECONDS);
        }
        long idle = config.streamIdleTimeout().toNanos();
        if (idle > 0) {
            long every = Math.max(idle / 4, TimeUnit.MILLISECONDS.toNanos(50));
            idleTask = ctx.executor().scheduleAtFixedRate(this::resetIdleStreams, every, every,
                    TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof YamuxFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (terminated) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            onFrame(frame);
        } catch (YamuxProtocolException e) {
            protocolError(e);
        } finally {
            if (frame instanceof YamuxFrame.Data) {
                // what onData did not keep (a frame for a stream gone, or refused) goes back at once
                long left = inFlightReserved;
                inFlightReserved = 0;
                receiveBudget.release(left);
            }
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushedWhileUnwritable = false;
        if (ctx.channel().isWritable()) {
            writeHeldPongs();
        }
        drain();
        flushIfNeeded();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            controlBacklog = 0;
            flushedWhileUnwritable = false;
            writeHeldPongs();
            drain();
            flushIfNeeded();
            if (readPaused && !terminated) {
                readPaused = false;
                if (!budgetPaused) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Counts a control reply owed to the peer (stream ACK or RST) while the connection is
     * unwritable, i.e. the peer does not read what it asks for. Past a quarter of
     * {@link YamuxConfig#maxPendingControlFrames()} the handler stops reading until the connection drains
     * (not on unwritability alone: two peers sending each other bulk data would both stop reading and
     * deadlock); past the whole of it the session is closed.
     */
    private void controlReplyOwed() {
        if (terminated || isWritableAfterFlush()) {
            return;
        }
        controlBacklog++;
        if (controlBacklog > config.maxPendingControlFrames()) {
            overloaded();
        } else if (!readPaused && controlBacklog >= Math.max(1, config.maxPendingControlFrames() / 4)) {
            readPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** The peer keeps asking for replies it does not read: ends the session with a typed error. */
    private void overloaded() {
        YamuxControlBacklogException e = new YamuxControlBacklogException("peer does not read: more than "
                + config.maxPendingControlFrames() + " control replies (stream ACK/RST, ping answers) owed while"
                + " the connection is unwritable (maxPendingControlFrames)");
        LOG.debug("closing yamux session on {}: {}", ctx.channel(), e.getMessage());
        endCode = YamuxErrorCode.INTERNAL_ERROR;
        if (!goAwaySent) {
            goAwaySent = true;
            ctx.write(new YamuxFrame.GoAway(YamuxErrorCode.INTERNAL_ERROR), ctx.voidPromise());
            ctx.flush();
        }
        terminate(e);
        ctx.close();
    }

    /**
     * Whether the connection is writable, flushing first when it is not: replies written during one read
     * batch are flushed only at its end, so unwritability before a flush says nothing about the peer.
     */
    private boolean isWritableAfterFlush() {
        if (ctx.channel().isWritable()) {
            return true;
        }
        if (flushedWhileUnwritable) {
            return false; // once per read batch: a flush per reply to a peer that does not read is a busy loop
        }
        flushedWhileUnwritable = true;
        flushNeeded = false;
        ctx.flush();
        return ctx.channel().isWritable();
    }

    /** Writes a stream control frame (ACK, RST) and counts it against the control backlog. */
    private void writeControl(YamuxFrame frame) {
        writeFrame(frame);
        controlReplyOwed();
    }

    /** Writes the ping answers held back while the connection was unwritable. */
    private void writeHeldPongs() {
        for (int i = 0; i < heldPongCount; i++) {
            writeFrame(new YamuxFrame.Ping(YamuxFrame.FLAG_ACK, heldPongs[i]));
        }
        heldPongCount = 0;
    }

    /**
     * Decides about a Data frame when its header arrives, before its body is buffered: the announced length
     * must fit the stream's receive credit (a larger frame is a protocol error); the body of a frame for a
     * stream that is gone (closed or reset meanwhile) is discarded as it arrives, never buffered.
     *
     * @return whether the decoder should buffer and pass on the body
     * @throws YamuxProtocolException when the frame exceeds the stream's credit
     */
    private YamuxFrameCodec.Admission admitDataFrame(int id, int flags, long length) {
        if (terminated) {
            return YamuxFrameCodec.Admission.SKIP;
        }
        YamuxStream stream = streams.get(id);
        long credit;
        if (stream != null) {
            credit = stream.receive.credit();
        } else if ((flags & YamuxFrame.FLAG_SYN) != 0) {
            credit = YamuxConfig.DEFAULT_WINDOW; // a new stream: the peer has only the protocol default so far
        } else {
            return YamuxFrameCodec.Admission.SKIP;
        }
        if (length > credit) {
            throw new YamuxProtocolException("data frame of " + length + " bytes on stream "
                    + Integer.toUnsignedString(id) + " exceeds its receive window of " + credit + " bytes");
        }
        long releasesSeen = receiveBudget.releases();
        if (!receiveBudget.tryReserve(length)) {
            waitForReceiveBudget(releasesSeen);
            return YamuxFrameCodec.Admission.WAIT;
        }
        inFlightReserved += length;
        if (budgetPaused) {
            budgetPaused = false;
            if (!readPaused) {
                ctx.channel().config().setAutoRead(true);
            }
        }
        return YamuxFrameCodec.Admission.ADMIT;
    }

    /** The next Data frame does not fit the host's receive budget: stop reading until bytes are released. */
    private void waitForReceiveBudget(long releasesSeen) {
        if (budgetPaused) {
            return;
        }
        budgetPaused = true;
        ctx.channel().config().setAutoRead(false);
        receiveBudget.await(() -> {
            try {
                ctx.executor().execute(this::resumeAfterReceiveBudget);
            } catch (java.util.concurrent.RejectedExecutionException gone) {
                // the event loop shut down with the host: nothing left to resume
            }
        }, releasesSeen);
    }

    /** Some bytes were released somewhere: try the waiting frame again (it may wait once more). */
    private void resumeAfterReceiveBudget() {
        if (!budgetPaused || terminated) {
            return;
        }
        budgetPaused = false;
        if (keepAlivePingOpaque >= 0) {
            // its answer may have waited in the socket meanwhile: the timeout counts from now
            pings.computeIfPresent(keepAlivePingOpaque, (k, p) -> new PendingPing(now(), p.future()));
        }
        if (codec != null) {
            codec.resumeDecoding(); // asks the gate again: may set budgetPaused once more
        }
        if (!budgetPaused && !readPaused && !terminated) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Whether reading is off while a Data frame waits for the host's receive budget (for tests). */
    boolean isWaitingForReceiveBudget() {
        return budgetPaused;
    }

    /** Returns the reservation of {@code stream}'s bytes consumed or dropped, at most what it holds. */
    private void releaseBudgeted(YamuxStream stream, long bytes) {
        long n = Math.min(bytes, stream.budgeted);
        if (n > 0) {
            stream.budgeted -= n;
            receiveBudget.release(n);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        terminate(null);
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        terminate(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable unwrapped = cause instanceof DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        if (unwrapped instanceof YamuxProtocolException e) {
            protocolError(e);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!goAwaySent && !terminated && ctx.channel().isActive()) {
            goAwaySent = true;
            ctx.write(new YamuxFrame.GoAway(YamuxErrorCode.NORMAL), ctx.voidPromise());
            ctx.flush();
        }
        ctx.close(promise);
    }

    // ---------------------------------------------------------------- inbound frames

    private void onFrame(YamuxFrame frame) {
        if (frame instanceof YamuxFrame.Data data) {
            onStreamFrame(data.streamId(), data.flags(), 0, data.body());
        } else if (frame instanceof YamuxFrame.WindowUpdate update) {
            onStreamFrame(update.streamId(), update.flags(), update.delta(), null);
        } else if (frame instanceof YamuxFrame.Ping ping) {
            onPing(ping);
        } else if (frame instanceof YamuxFrame.GoAway goAway) {
            onGoAway(goAway);
        }
    }

    private void onStreamFrame(int id, int flags, long delta, ByteBuf body) {
        YamuxStream stream = streams.get(id);
        if ((flags & YamuxFrame.FLAG_SYN) != 0) {
            if (stream != null) {
                throw new YamuxProtocolException("SYN for stream " + Integer.toUnsignedString(id)
                        + " which is already open");
            }
            if (isLocalId(id)) {
                throw new YamuxProtocolException("SYN for stream " + Integer.toUnsignedString(id) + " which has "
                        + (client ? "the client's odd" : "the server's even") + " parity");
            }
            stream = acceptInbound(id);
            if (stream == null) {
                return;
            }
        }
        if (stream == null) {
            // A frame for a stream that was closed or reset meanwhile: nothing to do.
            return;
        }
        if ((flags & YamuxFrame.FLAG_ACK) != 0) {
            stream.ackReceived = true;
        }
        if ((flags & YamuxFrame.FLAG_ACK) != 0 && stream.isOutbound() && !stream.acknowledged) {
            stream.acknowledged = true;
            unacknowledged--;
        }
        if (body != null) {
            onData(stream, body);
        } else if (delta > 0 && (flags & YamuxFrame.FLAG_RST) == 0) { // with RST the length is an error code
            long window = stream.sendWindow + delta;
            if (window > YamuxFrame.MAX_U32) {
                throw new YamuxProtocolException("window update of " + delta + " on stream "
                        + Integer.toUnsignedString(id) + " grows the send window beyond 2^32-1");
            }
            stream.sendWindow = window;
            markReady(stream);
        }
        if ((flags & YamuxFrame.FLAG_FIN) != 0 && stream.readState == YamuxStream.ReadState.OPEN) {
            stream.readState = YamuxStream.ReadState.CLOSED;
            YamuxStream closing = stream;
            invokeHandler(closing, () -> closing.handler.onRemoteClose(closing));
            maybeRemove(closing);
        }
        if ((flags & YamuxFrame.FLAG_RST) != 0) {
            stream.peerResetCode = body == null ? delta : 0;
            resetLocked(stream, "stream reset by peer", false, true);
        }
    }

    private YamuxStream acceptInbound(int id) {
        if (goAwaySent || goAwayReceived || streams.size() >= config.maxStreams()) {
            LOG.debug("refusing inbound stream {}: {}", Integer.toUnsignedString(id),
                    goAwaySent || goAwayReceived ? "going away" : "limit of " + config.maxStreams() + " streams");
            // the length of an RST frame carries an error code (go-yamux): tell the peer it hit a limit
            writeControl(new YamuxFrame.WindowUpdate(id, YamuxFrame.FLAG_RST,
                    goAwaySent || goAwayReceived ? 0 : RESET_RESOURCE_LIMIT_EXCEEDED));
            return null;
        }
        if (!takeOpenToken()) {
            LOG.debug("refusing inbound stream {}: more than {} opens at once or {} per second",
                    Integer.toUnsignedString(id), config.inboundStreamBurst(), config.inboundStreamRate());
            writeControl(new YamuxFrame.WindowUpdate(id, YamuxFrame.FLAG_RST, RESET_RATE_LIMITED));
            return null;
        }
        YamuxStream stream = new YamuxStream(this, id, false, flow.newWindow(now()));
        streams.put(id, stream);
        streamCount = streams.size();
        YamuxStreamHandler handler;
        try {
            handler = acceptor.accept(stream);
        } catch (RuntimeException e) {
            LOG.warn("stream acceptor failed on stream {}; resetting it", Integer.toUnsignedString(id), e);
            handler = null;
        }
        if (handler == null) {
            resetLocked(stream, "stream refused by the acceptor", true, false);
            return null;
        }
        stream.handler = handler;
        writeControl(new YamuxFrame.WindowUpdate(id, YamuxFrame.FLAG_ACK, stream.receive.initialGrant()));
        return stream;
    }

    /** Takes one inbound-open token from the session's bucket, refilled at {@code inboundStreamRate}/s. */
    private boolean takeOpenToken() {
        long now = now();
        double refill = (now - openTokensRefilledNanos) * 1e-9 * config.inboundStreamRate();
        openTokens = Math.min(config.inboundStreamBurst(), openTokens + refill);
        openTokensRefilledNanos = now;
        if (openTokens < 1) {
            return false;
        }
        openTokens -= 1;
        return true;
    }

    private void onData(YamuxStream stream, ByteBuf body) {
        int length = body.readableBytes();
        if (length == 0) {
            return;
        }
        stream.receive.onReceived(length, stream.id());
        long taken = Math.min(inFlightReserved, length);
        inFlightReserved -= taken;
        stream.budgeted += taken;
        stream.lastActivityNanos = now();
        if (stream.readState != YamuxStream.ReadState.OPEN) {
            LOG.debug("data after FIN on stream {}; resetting it", Integer.toUnsignedString(stream.id()));
            resetLocked(stream, "peer sent data after closing its side", true, true);
            return;
        }
        ByteBuf delivered = compact(body);
        try {
            invokeHandler(stream, () -> stream.handler.onData(stream, delivered));
        } finally {
            if (delivered != body) {
                delivered.release();
            }
        }
        if (stream.isAutoConsume() && !stream.isReset()) {
            consumedLocked(stream, length);
        }
    }

    /**
     * Most bytes of buffer a delivered body may keep alive per byte of its own (plus 1 KiB); see {@link #compact}.
     */
    static final int MAX_PIN_RATIO = 8;

    /**
     * {@code body}, or a copy of it when it is a small slice of a much larger buffer (the decrypted read
     * buffer it came in). A handler may keep what it is given until the application reads it, and the
     * window counts only the slice: without the copy, a peer interleaving small frames of a stream whose
     * reader keeps them with bulk data another stream discards could make each kept byte pin up to a whole
     * read buffer (256 KiB; 64 times a 4 KiB body). With it, kept bodies pin at most {@value #MAX_PIN_RATIO}
     * times their size plus 1 KiB; the copies are of bodies under an eighth of their buffer (at most 32 KiB).
     */
    private ByteBuf compact(ByteBuf body) {
        int length = body.readableBytes();
        ByteBuf root = body;
        for (ByteBuf u = root.unwrap(); u != null; u = u.unwrap()) {
            root = u; // slices, and leak-detection wrappers around them
        }
        if (root.capacity() < (long) MAX_PIN_RATIO * length + 1024) {
            return body;
        }
        return ctx.alloc().buffer(length).writeBytes(body, body.readerIndex(), length);
    }

    private void onPing(YamuxFrame.Ping ping) {
        if (ping.hasFlag(YamuxFrame.FLAG_SYN)) {
            // answered at the end of the read batch (or once the connection drains): at most MAX_HELD_PONGS
            // answers per batch, beyond that only the latest, so a ping flood costs neither memory nor a write
            // per ping (regression: ~13 MB of pings from a peer that did not read filled a 256 MiB heap)
            if (heldPongCount < MAX_HELD_PONGS) {
                heldPongCount++;
            }
            heldPongs[heldPongCount - 1] = ping.opaque();
        } else if (ping.hasFlag(YamuxFrame.FLAG_ACK)) {
            PendingPing pending = pings.remove(ping.opaque());
            if (pending == null) {
                LOG.debug("ignoring ping response with unknown opaque value {}", ping.opaque());
                return;
            }
            long rtt = Math.max(1, now() - pending.sentNanos());
            rttNanos = rtt;
            if (ping.opaque() == keepAlivePingOpaque) {
                keepAlivePingOpaque = -1;
            }
            if (pending.future() != null) {
                pending.future().complete(Duration.ofNanos(rtt));
            }
        }
    }

    private void onGoAway(YamuxFrame.GoAway goAway) {
        goAwayReceived = true;
        YamuxErrorCode code = YamuxErrorCode.of(goAway.errorCode());
        if (code == YamuxErrorCode.NORMAL) {
            LOG.debug("peer sent go-away; no new streams");
            return;
        }
        String message = "peer ended the session with go-away code " + goAway.errorCode();
        endCode = code == null ? YamuxErrorCode.INTERNAL_ERROR : code;
        terminate(new YamuxSessionClosedException(message, endCode));
        ctx.close();
    }

    // ---------------------------------------------------------------- stream operations (loop only)

    private void openStreamLocked(YamuxStreamHandler handler, CompletableFuture<YamuxStream> future) {
        if (terminated || goAwaySent || goAwayReceived) {
            future.completeExceptionally(new YamuxSessionClosedException(terminated ? "session is closed"
                    : goAwaySent ? "this side sent go-away; no new streams" : "peer sent go-away; no new streams",
                    endCode));
            return;
        }
        if (streams.size() >= config.maxStreams()) {
            future.completeExceptionally(new YamuxStreamLimitException("cannot open a stream: "
                    + streams.size() + " streams are open, the limit (maxStreams) is " + config.maxStreams()));
            return;
        }
        if (unacknowledged >= config.ackBacklog()) {
            future.completeExceptionally(new YamuxStreamLimitException("cannot open a stream: "
                    + unacknowledged + " opened streams await the peer's ACK, the limit (ackBacklog) is "
                    + config.ackBacklog()));
            return;
        }
        if (nextStreamId > YamuxFrame.MAX_U32) {
            future.completeExceptionally(new YamuxSessionClosedException(
                    "stream ids of this session are exhausted; open a new connection", YamuxErrorCode.NORMAL));
            return;
        }
        int id = (int) nextStreamId;
        nextStreamId += 2;
        YamuxStream stream = new YamuxStream(this, id, true, flow.newWindow(now()));
        stream.handler = handler;
        streams.put(id, stream);
        streamCount = streams.size();
        unacknowledged++;
        writeFrame(new YamuxFrame.WindowUpdate(id, YamuxFrame.FLAG_SYN, stream.receive.initialGrant()));
        flushIfNeeded();
        future.complete(stream);
    }

    /**
     * Accounts for {@code delta} bytes queued (positive) or sent or failed (negative) on any stream of the
     * session, and flips the session's writability with hysteresis (off at {@code maxSessionWriteQueue}, on
     * again below half of it), telling every stream's handler. O(streams) per flip. Loop only.
     */
    private void queuedOnSession(long delta) {
        sessionQueued += delta;
        boolean now = sessionWritable ? sessionQueued < config.maxSessionWriteQueue()
                : sessionQueued < config.maxSessionWriteQueue() / 2;
        if (now != sessionWritable) {
            sessionWritable = now;
            for (YamuxStream s : new ArrayList<>(streams.values())) {
                s.updateWritability(config.maxStreamWriteQueue());
            }
        }
    }

    /** Whether the session's streams together are below their write budget (with hysteresis); any thread. */
    boolean sessionWritable() {
        return sessionWritable;
    }

    /** The per-stream write-queue budget ({@link YamuxConfig#maxStreamWriteQueue()}); any thread. */
    int writeQueueBudget() {
        return config.maxStreamWriteQueue();
    }

    /**
     * Queues a write whose {@code length} bytes {@link YamuxStream#write} already reserved; every failure
     * returns the reservation.
     */
    void writeLocked(YamuxStream stream, ByteBuf data, int length, CompletableFuture<Void> future,
                     boolean opening) {
        YamuxException failure = null;
        if (terminated) {
            failure = closedException();
        } else if (stream.writeState != YamuxStream.WriteState.OPEN) {
            failure = new YamuxStreamException("cannot write to stream "
                    + Integer.toUnsignedString(stream.id()) + ": "
                    + (stream.writeState == YamuxStream.WriteState.RESET ? "it was reset" : "its write side is closed"));
        } else if (opening) {
            hostBudget.forceReserve(length); // bounded by the caller: see YamuxStream#writeOpening
        } else if (sessionQueued >= config.maxSessionWriteQueue()) {
            failure = new YamuxStreamLimitException("session already has " + sessionQueued
                    + " bytes queued on its streams (maxSessionWriteQueue " + config.maxSessionWriteQueue()
                    + "); wait for earlier writes to complete or for isWritable()");
        } else if (!hostBudget.tryReserve(length)) {
            failure = new YamuxStreamLimitException("the host's write budget of " + hostBudget.limit()
                    + " bytes queued on all connections is used up; wait for earlier writes to complete");
        } else if (stream.queuedBytes >= config.maxStreamWriteQueue()) {
            hostBudget.release(length);
            failure = new YamuxStreamLimitException("stream "
                    + Integer.toUnsignedString(stream.id()) + " already has " + stream.queuedBytes
                    + " bytes queued (maxStreamWriteQueue " + config.maxStreamWriteQueue()
                    + "); wait for earlier writes to complete or for isWritable()");
        }
        if (failure != null) {
            stream.unreserve(length);
            data.release();
            stream.updateWritability(config.maxStreamWriteQueue());
            future.completeExceptionally(failure);
            return;
        }
        stream.queue.add(new YamuxStream.PendingWrite(data, future));
        stream.queuedBytes += length;
        queuedOnSession(length);
        stream.updateWritability(config.maxStreamWriteQueue());
        markReady(stream);
        scheduleDrain();
    }

    void closeWriteLocked(YamuxStream stream, CompletableFuture<Void> future) {
        switch (stream.writeState) {
            case OPEN -> {
                if (terminated) {
                    future.completeExceptionally(closedException());
                    return;
                }
                stream.writeState = YamuxStream.WriteState.FIN_QUEUED;
                stream.finFuture = future;
                stream.queue.add(new YamuxStream.PendingWrite(null, future));
                stream.updateWritability(config.maxStreamWriteQueue());
                markReady(stream);
                scheduleDrain();
            }
            case FIN_QUEUED -> stream.finFuture.whenComplete((v, e) -> {
                if (e != null) {
                    future.completeExceptionally(e);
                } else {
                    future.complete(null);
                }
            });
            case CLOSED -> future.complete(null);
            case RESET -> future.completeExceptionally(new YamuxStreamException("cannot close stream "
                    + Integer.toUnsignedString(stream.id()) + ": it was reset"));
        }
    }

    void consumedLocked(YamuxStream stream, int bytes) {
        if (stream.isReset() || streams.get(stream.id()) != stream) {
            return;
        }
        releaseBudgeted(stream, bytes);
        long delta = stream.receive.onConsumed(bytes, now(), rttNanos, receiveBudget.isConstrained());
        if (delta > 0 && stream.readState == YamuxStream.ReadState.OPEN) {
            writeFrame(new YamuxFrame.WindowUpdate(stream.id(), 0, delta));
        }
    }

    /** {@link #consumedLocked} for a call from the application: flushes the window update at once. */
    void consumedFromApplication(YamuxStream stream, int bytes) {
        consumedLocked(stream, bytes);
        flushIfNeeded();
    }

    /**
     * Resets {@code stream}: fails queued writes, optionally sends RST and notifies the handler.
     * Idempotent.
     */
    void resetLocked(YamuxStream stream, String reason, boolean sendRst, boolean notify) {
        if (streams.get(stream.id()) != stream) {
            return;
        }
        boolean wasOpen = stream.readState == YamuxStream.ReadState.OPEN
                || stream.writeState != YamuxStream.WriteState.CLOSED;
        if (stream.readState == YamuxStream.ReadState.OPEN) {
            stream.readState = YamuxStream.ReadState.RESET;
        }
        if (stream.writeState != YamuxStream.WriteState.CLOSED) {
            stream.writeState = YamuxStream.WriteState.RESET;
        }
        failQueued(stream, new YamuxStreamException("stream " + Integer.toUnsignedString(stream.id()) + ": "
                + reason));
        if (sendRst && !terminated) {
            writeControl(new YamuxFrame.WindowUpdate(stream.id(), YamuxFrame.FLAG_RST, 0));
            flushIfNeeded();
        }
        remove(stream);
        if (notify && wasOpen && stream.handler != null) {
            invokeHandler(stream, () -> stream.handler.onReset(stream));
        }
    }

    private void failQueued(YamuxStream stream, YamuxException cause) {
        YamuxStream.PendingWrite pending;
        while ((pending = stream.queue.poll()) != null) {
            if (pending.data != null) {
                pending.data.release();
            }
            pending.future.completeExceptionally(cause);
        }
        stream.unreserve(stream.queuedBytes);
        hostBudget.release(stream.queuedBytes);
        queuedOnSession(-stream.queuedBytes);
        stream.queuedBytes = 0;
        stream.updateWritability(config.maxStreamWriteQueue());
    }

    private void maybeRemove(YamuxStream stream) {
        if (stream.readState != YamuxStream.ReadState.OPEN && stream.writeState == YamuxStream.WriteState.CLOSED) {
            remove(stream);
        }
    }

    private void remove(YamuxStream stream) {
        if (streams.remove(stream.id()) != stream) {
            return;
        }
        streamCount = streams.size();
        stream.receive.release();
        releaseBudgeted(stream, stream.budgeted);
        if (stream.isOutbound() && !stream.acknowledged) {
            stream.acknowledged = true;
            unacknowledged--;
        }
        stream.closeFuture.complete(null);
    }

    void notifyWritability(YamuxStream stream) {
        if (stream.handler != null) {
            invokeHandler(stream, () -> stream.handler.onWritabilityChanged(stream));
        }
    }

    private void invokeHandler(YamuxStream stream, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("handler of stream {} failed; resetting the stream", Integer.toUnsignedString(stream.id()), e);
            resetLocked(stream, "its handler failed: " + e, true, false);
        }
    }

    // ---------------------------------------------------------------- sending

    private void markReady(YamuxStream stream) {
        if (!stream.inReadyQueue && !stream.queue.isEmpty()
                && (stream.sendWindow > 0 || stream.queue.peek().isFin() || !stream.queue.peek().data.isReadable())) {
            stream.inReadyQueue = true;
            ready.add(stream);
        }
    }

    private void scheduleDrain() {
        if (!drainScheduled) {
            drainScheduled = true;
            ctx.executor().execute(() -> {
                drainScheduled = false;
                drain();
                flushIfNeeded();
            });
        }
    }

    /** Sends queued stream data round-robin while the connection is writable. */
    private void drain() {
        if (draining) {
            return; // re-entered from a flush that changed the channel's writability
        }
        draining = true;
        try {
            drainLoop();
        } finally {
            draining = false;
        }
    }

    private void drainLoop() {
        while (!terminated && !ready.isEmpty()) {
            if (!ctx.channel().isWritable()) {
                // Hand what is buffered to the transport; resume on channelWritabilityChanged.
                flushIfNeeded();
                if (!ctx.channel().isWritable()) {
                    break;
                }
            }
            YamuxStream stream = ready.poll();
            stream.inReadyQueue = false;
            if (streams.get(stream.id()) != stream) {
                continue;
            }
            sendOne(stream);
            markReady(stream);
        }
    }

    /** Sends the next frame of {@code stream}'s queue. */
    private void sendOne(YamuxStream stream) {
        YamuxStream.PendingWrite head = stream.queue.peek();
        if (head == null) {
            return;
        }
        if (head.isFin()) {
            stream.queue.poll();
            sendFin(stream, head.future);
            return;
        }
        ByteBuf data = head.data;
        if (!data.isReadable()) {
            stream.queue.poll();
            data.release();
            head.future.complete(null);
            return;
        }
        int n = (int) Math.min(Math.min(data.readableBytes(), stream.sendWindow), config.maxSendFrameSize());
        if (n == 0) {
            return;
        }
        ByteBuf chunk = data.readRetainedSlice(n);
        stream.lastActivityNanos = now();
        stream.sendWindow -= n;
        stream.queuedBytes -= n;
        stream.unreserve(n);
        hostBudget.release(n);
        queuedOnSession(-n);
        if (!data.isReadable()) {
            stream.queue.poll();
            data.release();
            // The FIN never rides on this Data frame: js-libp2p-yamux (8.x) handles a frame's flags before its
            // body and drops the body of a Data|FIN frame, so the FIN goes in its own WindowUpdate frame
            // (as go-yamux sends it) from the next sendOne.
            ChannelFuture written = ctx.write(new YamuxFrame.Data(stream.id(), 0, chunk));
            flushNeeded = true;
            CompletableFuture<Void> writeFuture = head.future;
            written.addListener(f -> complete(writeFuture, f));
        } else {
            writeFrame(new YamuxFrame.Data(stream.id(), 0, chunk));
        }
        stream.updateWritability(config.maxStreamWriteQueue());
    }

    private void sendFin(YamuxStream stream, CompletableFuture<Void> future) {
        ctx.write(new YamuxFrame.WindowUpdate(stream.id(), YamuxFrame.FLAG_FIN, 0))
                .addListener(f -> complete(future, f));
        flushNeeded = true;
        finSent(stream);
    }

    private void finSent(YamuxStream stream) {
        stream.writeState = YamuxStream.WriteState.CLOSED;
        maybeRemove(stream);
    }

    private void writeFrame(YamuxFrame frame) {
        ctx.write(frame, ctx.voidPromise());
        flushNeeded = true;
    }

    private void flushIfNeeded() {
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
    }

    // ---------------------------------------------------------------- pings, errors, termination

    private long sendPingLocked(CompletableFuture<Duration> future) {
        long opaque = nextPingOpaque;
        nextPingOpaque = (nextPingOpaque + 1) & YamuxFrame.MAX_U32;
        pings.put(opaque, new PendingPing(now(), future));
        writeFrame(new YamuxFrame.Ping(YamuxFrame.FLAG_SYN, opaque));
        return opaque;
    }

    /**
     * Resets every stream on which nothing was sent or received for {@link YamuxConfig#streamIdleTimeout()}
     * (regression, issue 14 #6: an idle Ping stream kept its connection from being trimmed for ever).
     * O(streams) every quarter of the timeout.
     */
    private void resetIdleStreams() {
        if (terminated) {
            return;
        }
        long now = now();
        long limit = config.streamIdleTimeout().toNanos();
        for (YamuxStream s : new ArrayList<>(streams.values())) {
            if (now - s.lastActivityNanos >= limit) {
                LOG.debug("resetting stream {}: idle for {}", Integer.toUnsignedString(s.id()), config.streamIdleTimeout());
                resetLocked(s, "idle for " + config.streamIdleTimeout() + " (streamIdleTimeout)", true, true);
            }
        }
        flushIfNeeded();
    }

    private void keepAliveTick() {
        if (terminated) {
            return;
        }
        if (keepAlivePingOpaque >= 0) {
            PendingPing pending = pings.get(keepAlivePingOpaque);
            if (pending != null && budgetPaused) {
                // not reading while the host's receive budget is short: the answer may be in the socket
                return;
            }
            if (pending != null && now() - pending.sentNanos() >= config.keepAliveTimeout().toNanos()) {
                LOG.debug("keep-alive ping unanswered for {}; closing the session", config.keepAliveTimeout());
                terminate(new YamuxSessionClosedException("keep-alive ping unanswered for "
                        + config.keepAliveTimeout(), YamuxErrorCode.INTERNAL_ERROR));
                ctx.close();
                return;
            }
            if (pending != null) {
                return;
            }
        }
        if (pings.size() < MAX_OUTSTANDING_PINGS) {
            keepAlivePingOpaque = sendPingLocked(null);
            flushIfNeeded();
        }
    }

    private void protocolError(YamuxProtocolException e) {
        if (terminated) {
            return;
        }
        LOG.debug("yamux protocol error on {}: {}", ctx.channel(), e.getMessage());
        endCode = e.errorCode();
        if (!goAwaySent) {
            goAwaySent = true;
            ctx.write(new YamuxFrame.GoAway(e.errorCode()), ctx.voidPromise());
            ctx.flush();
        }
        terminate(e);
        ctx.close();
    }

    /** Ends the session once: fails queued work, resets open streams, completes closeFuture. */
    private void terminate(Throwable cause) {
        if (terminated) {
            return;
        }
        terminated = true;
        receiveBudget.release(inFlightReserved);
        inFlightReserved = 0;
        if (keepAliveTask != null) {
            keepAliveTask.cancel(false);
        }
        if (idleTask != null) {
            idleTask.cancel(false);
        }
        YamuxSessionClosedException closed = cause instanceof YamuxSessionClosedException c ? c
                : new YamuxSessionClosedException("session closed" + (cause == null ? "" : ": " + cause.getMessage()),
                        endCode);
        List<YamuxStream> open = new ArrayList<>(streams.values());
        for (YamuxStream stream : open) {
            boolean wasOpen = stream.readState == YamuxStream.ReadState.OPEN
                    || stream.writeState != YamuxStream.WriteState.CLOSED;
            if (stream.readState == YamuxStream.ReadState.OPEN) {
                stream.readState = YamuxStream.ReadState.RESET;
            }
            if (stream.writeState != YamuxStream.WriteState.CLOSED) {
                stream.writeState = YamuxStream.WriteState.RESET;
            }
            failQueued(stream, closed);
            remove(stream);
            if (wasOpen && stream.handler != null) {
                try {
                    stream.handler.onReset(stream);
                } catch (RuntimeException e) {
                    LOG.warn("handler of stream {} failed in onReset", Integer.toUnsignedString(stream.id()), e);
                }
            }
        }
        ready.clear();
        for (PendingPing pending : pings.values()) {
            if (pending.future() != null) {
                pending.future().completeExceptionally(closed);
            }
        }
        pings.clear();
        if (cause == null) {
            closeFuture.complete(null);
        } else {
            closeFuture.completeExceptionally(cause);
        }
    }

    YamuxSessionClosedException closedException() {
        return new YamuxSessionClosedException(ctx == null ? "session is not attached to a channel"
                : "session is closed", endCode);
    }

    /** Runs {@code task} on the event loop, or {@code ifRejected} when that is impossible. */
    /** Whether the caller runs on this session's event loop (false before the handler is added). */
    boolean inEventLoop() {
        ChannelHandlerContext c = ctx;
        return c != null && c.executor().inEventLoop();
    }

    /** Queues {@code task} on the event loop even when called from it; {@code ifRejected} if that fails. */
    void runLater(Runnable task, Runnable ifRejected) {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            ifRejected.run();
            return;
        }
        try {
            c.executor().execute(task);
        } catch (RejectedExecutionException e) {
            ifRejected.run();
        }
    }

    void runOnLoop(Runnable task, Runnable ifRejected) {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            ifRejected.run();
            return;
        }
        EventExecutor executor = c.executor();
        if (executor.inEventLoop()) {
            task.run();
            return;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            ifRejected.run();
        }
    }

    /** The event loop's ticker time; loop only (0 before the handler is added). */
    long nowNanos() {
        return ctx == null ? 0 : now();
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private boolean isLocalId(int id) {
        return ((id & 1) == 1) == client;
    }

    private static void complete(CompletableFuture<Void> future, io.netty.util.concurrent.Future<?> f) {
        if (f.isSuccess()) {
            future.complete(null);
        } else {
            future.completeExceptionally(f.cause());
        }
    }
}
