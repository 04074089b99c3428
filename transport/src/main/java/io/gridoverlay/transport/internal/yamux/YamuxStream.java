package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxConfig;
import io.gridoverlay.transport.yamux.YamuxSessionClosedException;
import io.gridoverlay.transport.yamux.YamuxStreamException;
import io.gridoverlay.transport.yamux.YamuxStreamLimitException;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Yamux stream: a bidirectional byte channel with half-close, reset and flow control.
 *
 * <p>Design: instead of a Netty child channel, a stream is this small object plus a
 * {@link YamuxStreamHandler} receiving its inbound events. Writes are asynchronous and flow-controlled:
 * {@link #write(ByteBuf)} queues the bytes; the session sends them in frames of at most
 * {@link YamuxConfig#maxSendFrameSize()} bytes while the peer's window allows, round-robin across
 * streams, and only while the connection channel is writable. The returned future completes when the
 * last byte was written to the connection, so a producer that waits for it (or for
 * {@link YamuxStreamHandler#onWritabilityChanged}) never makes the session buffer more than
 * {@link YamuxConfig#maxStreamWriteQueue()} bytes per stream: a write while that budget is used up fails
 * with {@link YamuxStreamLimitException}. Reading is back-pressured through the receive window: the
 * window is replenished only for bytes the application has consumed.
 *
 * <p>Lifecycle: {@link #closeWrite()} sends FIN after the queued data (local write side closed); a FIN
 * from the peer closes the read side ({@link YamuxStreamHandler#onRemoteClose}); the stream is fully
 * closed when both sides are, and {@link #closeFuture()} completes. {@link #reset()} or a peer's RST
 * ends both sides at once and fails queued writes.
 *
 * <p>Thread-safety: public methods may be called from any thread; they run on the session's event loop.
 * The inspection methods ({@link #sendWindow()}, {@link #queuedBytes()}, {@link #receiveWindow()},
 * {@link #unconsumedBytes()}) read loop-confined state and are exact only on the event loop.
 */
public final class YamuxStream {

    enum WriteState { OPEN, FIN_QUEUED, CLOSED, RESET }

    enum ReadState { OPEN, CLOSED, RESET }

    /** A queued write; {@code data == null} marks the FIN. */
    static final class PendingWrite {
        final ByteBuf data;
        final CompletableFuture<Void> future;

        PendingWrite(ByteBuf data, CompletableFuture<Void> future) {
            this.data = data;
            this.future = future;
        }

        boolean isFin() {
            return data == null;
        }
    }

    private final YamuxHandler session;
    private final int id;
    private final boolean outbound;
    final YamuxFlowController.ReceiveWindow receive;
    final ArrayDeque<PendingWrite> queue = new ArrayDeque<>();
    final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    YamuxStreamHandler handler;
    long sendWindow = YamuxConfig.DEFAULT_WINDOW;
    long queuedBytes;
    WriteState writeState = WriteState.OPEN;
    ReadState readState = ReadState.OPEN;
    boolean acknowledged;
    boolean ackReceived;
    long peerResetCode = -1;
    /** Ticker time of the last data sent or received (or of the open); loop only. */
    long lastActivityNanos;
    /** Received bytes not yet consumed that hold a reservation in the host's receive budget; loop only. */
    long budgeted;
    boolean inReadyQueue;
    CompletableFuture<Void> finFuture;
    private volatile boolean autoConsume = true;
    /** Writability with hysteresis as last computed on the loop; see {@link #isWritable()}. */
    private volatile boolean writable = true;
    /**
     * Bytes queued plus bytes passed to {@link #write} and not yet queued by the loop (any thread): what
     * writability is judged on. {@link #queuedBytes} is the loop's part of it.
     */
    private final AtomicLong reserved = new AtomicLong();
    /**
     * Writes and closeWrites handed to the event loop and not yet run. While it is non-zero, a write or
     * closeWrite made on the loop is queued behind them too, so the stream's bytes and its FIN keep the
     * order in which they were issued, whatever the threads.
     */
    private final java.util.concurrent.atomic.AtomicInteger queuedOps = new java.util.concurrent.atomic.AtomicInteger();
    /** Set when a write took {@link #reserved} to the budget; the loop then owes the handler an event. */
    private final AtomicBoolean unwritableSeenOffLoop = new AtomicBoolean();

    YamuxStream(YamuxHandler session, int id, boolean outbound, YamuxFlowController.ReceiveWindow receive) {
        this.session = session;
        this.id = id;
        this.outbound = outbound;
        this.receive = receive;
        this.lastActivityNanos = session.nowNanos();
    }

    /** The stream id (an unsigned 32-bit value; odd when opened by the client). */
    public int id() {
        return id;
    }

    /** Whether this side opened the stream. */
    public boolean isOutbound() {
        return outbound;
    }

    /** The session carrying the stream. */
    public YamuxSession session() {
        return session;
    }

    /**
     * Queues {@code data} for sending; takes ownership of the buffer (it is released once sent or on
     * failure). The future completes when the last byte was written to the connection and fails with
     * {@link YamuxStreamException} when the write side is closed or the stream is reset, with
     * {@link YamuxStreamLimitException} when the write queue budget is used up, and with
     * {@link YamuxSessionClosedException} when the session ends first.
     */
    public CompletableFuture<Void> write(ByteBuf data) {
        return write(data, false);
    }

    /**
     * {@link #write} for the few bytes a stream's opener must send before any of its data (its
     * multistream-select header and proposal): never refused for a full write queue, since data queued
     * behind a refused header would reach the peer undecodable (regression: a lazily negotiated stream
     * opened while the session queue was full sent its data without its header). The caller bounds them:
     * the transport sends at most one proposal per protocol it offers, once per stream it opens.
     */
    public CompletableFuture<Void> writeOpening(ByteBuf data) {
        return write(data, true);
    }

    private CompletableFuture<Void> write(ByteBuf data, boolean opening) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        int length = data.readableBytes();
        // Reserved before hopping onto the event loop, so that isWritable() turns false at once for a
        // producer on another thread, not only when the loop gets round to queueing (regression: Perf
        // started off the loop queued a whole 64 MiB transfer behind a writability that never changed).
        long pending = reserved.addAndGet(length);
        if (pending >= session.writeQueueBudget()) {
            unwritableSeenOffLoop.set(true);
        }
        runInOrder(() -> session.writeLocked(this, data, length, future, opening), () -> {
            reserved.addAndGet(-length);
            ReferenceCountUtil.release(data);
            future.completeExceptionally(session.closedException());
        });
        return future;
    }

    /**
     * Runs {@code task} on the event loop after every write and closeWrite issued before it: inline when
     * called on the loop with nothing queued, else through the loop's task queue (FIFO).
     */
    private void runInOrder(Runnable task, Runnable ifRejected) {
        if (queuedOps.get() == 0 && session.inEventLoop()) {
            task.run();
            return;
        }
        queuedOps.incrementAndGet();
        session.runLater(() -> {
            queuedOps.decrementAndGet();
            task.run();
        }, () -> {
            queuedOps.decrementAndGet();
            ifRejected.run();
        });
    }

    /**
     * Half-closes the stream: a FIN is sent after all queued data. Idempotent; completes when the FIN
     * was written, fails if the stream was reset.
     */
    public CompletableFuture<Void> closeWrite() {
        CompletableFuture<Void> future = new CompletableFuture<>();
        runInOrder(() -> session.closeWriteLocked(this, future),
                () -> future.completeExceptionally(session.closedException()));
        return future;
    }

    /** Resets the stream (RST): both directions end at once, queued writes fail. Idempotent. */
    public void reset() {
        session.runOnLoop(() -> session.resetLocked(this, "stream reset locally", true, false), () -> { });
    }

    /**
     * Marks {@code bytes} received bytes as processed, so the peer may send that much more. Only needed
     * with auto-consume off.
     *
     * @throws IllegalArgumentException (on the event loop) when more bytes are marked than were received
     *     and not yet consumed
     */
    public void consumed(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("consumed bytes must be >= 0, got " + bytes);
        }
        session.runOnLoop(() -> session.consumedFromApplication(this, bytes), () -> { });
    }

    /**
     * Whether received bytes count as consumed as soon as {@link YamuxStreamHandler#onData} returns
     * (default {@code true}). Turn it off to apply back-pressure with {@link #consumed(int)}; it may be
     * changed at any time, best inside {@code onData} or the acceptor.
     */
    public void setAutoConsume(boolean autoConsume) {
        this.autoConsume = autoConsume;
    }

    /** See {@link #setAutoConsume(boolean)}. */
    public boolean isAutoConsume() {
        return autoConsume;
    }

    /**
     * Whether a write would be accepted now: the write side is open, fewer than
     * {@link YamuxConfig#maxStreamWriteQueue()} bytes are queued or on their way to the queue, and the
     * session's streams together are below {@link YamuxConfig#maxSessionWriteQueue()}. Turns true
     * again when the queue has drained below half the budget. Exact on any thread for a single producer:
     * bytes passed to {@link #write} count at once, also when the write still has to hop onto the event
     * loop, so a producer that writes only while this is {@code true} never hits the write-queue limit.
     */
    public boolean isWritable() {
        if (!writable || reserved.get() >= session.writeQueueBudget()) {
            return false;
        }
        if (session.sessionWritable()) {
            return true;
        }
        // the session's budget is used up: the loop owes this stream an event once it frees up; re-read
        // after recording that, in case the session turned writable meanwhile and already notified
        unwritableSeenOffLoop.set(true);
        return session.sessionWritable();
    }

    /** Completes when the stream is fully closed or reset. */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    /** Bytes this side may still send before the peer grants more (loop-confined snapshot). */
    public long sendWindow() {
        return sendWindow;
    }

    /** Bytes queued by {@link #write} and not yet sent (loop-confined snapshot). */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** Current size of this side's receive window (loop-confined snapshot). */
    public long receiveWindow() {
        return receive.window();
    }

    /** Bytes received and not yet consumed by the application (loop-confined snapshot). */
    public long unconsumedBytes() {
        return receive.buffered();
    }

    /** Whether the peer half-closed or reset the stream (loop-confined snapshot). */
    public boolean isReadClosed() {
        return readState != ReadState.OPEN;
    }

    /** Whether this side half-closed or reset the stream (loop-confined snapshot). */
    public boolean isWriteClosed() {
        return writeState != WriteState.OPEN;
    }

    /** Whether the stream was reset (loop-confined snapshot). */
    public boolean isReset() {
        return readState == ReadState.RESET || writeState == WriteState.RESET;
    }

    /** Whether the peer sent an ACK for this outbound stream; inbound streams count as acknowledged (loop snapshot). */
    public boolean isAcknowledged() {
        return !outbound || ackReceived;
    }

    /**
     * The error code the peer sent with its RST (the window-update frame's length field, 0 when it sent
     * none or reset with a data frame), or -1 when the peer did not reset the stream (loop snapshot).
     */
    public long peerResetCode() {
        return peerResetCode;
    }

    /** Bytes reserved by {@link #write} and not yet sent or failed (any thread; see {@link #reserved}). */
    long reservedBytes() {
        return reserved.get();
    }

    /** Returns {@code bytes} sent, failed or dropped to the write budget. Loop only. */
    void unreserve(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /**
     * Recomputes writability and tells the handler when it changed — also when only a writer on another
     * thread saw it false meanwhile, so that a producer waiting for the event after a {@code false}
     * {@link #isWritable()} is always woken. Loop only.
     */
    void updateWritability(int budget) {
        long pending = reserved.get();
        boolean now;
        if (writeState != WriteState.OPEN || !session.sessionWritable()) {
            now = false;
        } else if (writable) {
            now = pending < budget;
        } else {
            now = pending < budget / 2;
        }
        boolean changed = now != writable;
        writable = now;
        boolean owed = now && unwritableSeenOffLoop.getAndSet(false);
        if (changed || owed) {
            session.notifyWritability(this);
        }
    }

    @Override
    public String toString() {
        return "YamuxStream[" + Integer.toUnsignedString(id) + (outbound ? ", outbound" : ", inbound")
                + ", write=" + writeState + ", read=" + readState + "]";
    }
}
