package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the libp2p Noise XX handshake on a channel, then hands over to a {@link NoiseFrameCodec}
 * installed in its place.
 *
 * <pre>
 * handshake messages on the wire: | length (u16, BE) | Noise handshake message (length bytes) |
 * </pre>
 *
 * <p>{@link #result()} completes with the authenticated {@link NoiseHandshakeResult} on the event loop
 * after the codec is installed behind it and <em>before</em> this handler is removed: dependent stages attached with non-async methods
 * can add the next handlers (e.g. multistream-select for the muxer), and any bytes the remote pipelined
 * after its last handshake message reach them decrypted. On failure (bad message, bad identity,
 * unexpected identity, timeout, closed channel) the future completes exceptionally with
 * {@link HandshakeException}, the exception is fired down the pipeline and the channel is closed.
 * Writes from handlers after this one before completion are rejected, never sent in clear.
 * Not thread-safe; one instance per channel.
 */
public final class NoiseHandshakeHandler extends ByteToMessageDecoder implements OutboundPassThrough {
    private static final int HEADER = 2;

    private final NoiseHandshake handshake;
    private final Duration timeout;
    private final CompletableFuture<NoiseHandshakeResult> result = new CompletableFuture<>();
    private ScheduledFuture<?> timeoutTask;
    private boolean started;
    private boolean completed;

    /** A handler driving {@code handshake}, failing it after {@code timeout}. */
    public NoiseHandshakeHandler(NoiseHandshake handshake, Duration timeout) {
        this.handshake = handshake;
        this.timeout = timeout;
    }

    /** A dialer's handler; {@code expectedRemoteIdentity} may be {@code null} to accept any identity. */
    public static NoiseHandshakeHandler initiator(NoiseConfig config, byte[] expectedRemoteIdentity) {
        return new NoiseHandshakeHandler(NoiseHandshake.initiator(config, expectedRemoteIdentity),
                config.handshakeTimeout());
    }

    /** A listener's handler. */
    public static NoiseHandshakeHandler responder(NoiseConfig config) {
        return new NoiseHandshakeHandler(NoiseHandshake.responder(config), config.handshakeTimeout());
    }

    /** Completes when the handshake succeeded, or exceptionally with {@link HandshakeException}. */
    public CompletableFuture<NoiseHandshakeResult> result() {
        return result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        timeoutTask = ctx.executor().schedule(
                () -> fail(ctx, new HandshakeException("Noise handshake timed out after " + timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            if (handshake.isMyTurn()) {
                send(ctx, handshake.writeMessage());
            }
        } catch (RuntimeException e) {
            fail(ctx, asHandshakeException(e));
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (result.isDone()) {
            return;
        }
        start(ctx);
        try {
            while (in.readableBytes() >= HEADER) {
                int len = in.getUnsignedShort(in.readerIndex());
                if (in.readableBytes() < HEADER + len) {
                    return;
                }
                in.skipBytes(HEADER);
                byte[] message = new byte[len];
                in.readBytes(message);
                handshake.readMessage(message);
                if (handshake.isMyTurn()) {
                    send(ctx, handshake.writeMessage());
                }
                if (handshake.isComplete()) {
                    finish(ctx);
                    return;
                }
            }
        } catch (RuntimeException e) {
            in.skipBytes(in.readableBytes());
            fail(ctx, asHandshakeException(e));
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        cancelTimeout();
        NoiseSession session = handshake.session();
        // The codec goes in right after this handler first, so that writes made by the future's
        // dependents are encrypted; removing this handler then hands any buffered bytes to the codec.
        ctx.pipeline().addAfter(ctx.name(), null, new NoiseFrameCodec(session));
        completed = true;
        result.complete(session.result());
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    private void send(ChannelHandlerContext ctx, byte[] message) {
        ByteBuf out = ctx.alloc().buffer(HEADER + message.length);
        out.writeShort(message.length);
        out.writeBytes(message);
        ctx.writeAndFlush(out).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, new HandshakeException("could not send Noise handshake message", f.cause()));
            }
        });
    }

    private static HandshakeException asHandshakeException(RuntimeException e) {
        if (e instanceof HandshakeException) {
            return (HandshakeException) e;
        }
        return new HandshakeException("Noise handshake failed: " + e, e);
    }

    private void fail(ChannelHandlerContext ctx, HandshakeException e) {
        cancelTimeout();
        if (result.completeExceptionally(e)) {
            ctx.fireExceptionCaught(e);
            ctx.close();
        }
    }

    private void cancelTimeout() {
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
            timeoutTask = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(ctx, new HandshakeException("channel closed during the Noise handshake"));
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (completed) {
            ctx.write(msg, promise); // already encrypted by the codec after us
            return;
        }
        ReferenceCountUtil.release(msg);
        promise.tryFailure(new HandshakeException("write before the Noise handshake completed"));
    }
}
