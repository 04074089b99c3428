package io.gridoverlay.transport.internal.multistream;

import io.gridoverlay.transport.multistream.ProtocolNegotiationException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Drives a {@link MultistreamNegotiator} on a channel: sends its messages, decodes replies and, once a
 * protocol is agreed, completes {@link #selectedProtocol()} and removes itself from the pipeline.
 *
 * <p>Bytes that arrived after the final negotiation message (a remote may pipeline protocol data right
 * after the echo) are forwarded to the next handler when this handler is removed. The future is
 * completed <em>before</em> removal, on the event loop: dependent stages attached with non-async methods
 * ({@code thenAccept}) therefore run first and can install the handler of the agreed protocol right
 * after this one, so that it receives those bytes.
 *
 * <p>On failure the future completes exceptionally with {@link ProtocolNegotiationException}, the
 * exception is fired down the pipeline and the channel is closed. If the channel closes first, the
 * future fails with {@link ProtocolNegotiationException} too. Not thread-safe; one instance per channel.
 */
public final class MultistreamNegotiationHandler extends ByteToMessageDecoder {
    private final MultistreamNegotiator negotiator;
    private final int maxMessageLength;
    private final CompletableFuture<String> selected = new CompletableFuture<>();
    private boolean started;

    /** A handler driving {@code negotiator} with the default message length limit. */
    public MultistreamNegotiationHandler(MultistreamNegotiator negotiator) {
        this(negotiator, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /** A handler driving {@code negotiator} that rejects messages longer than {@code maxMessageLength}. */
    public MultistreamNegotiationHandler(MultistreamNegotiator negotiator, int maxMessageLength) {
        this.negotiator = negotiator;
        this.maxMessageLength = maxMessageLength;
    }

    /** An initiator proposing {@code protocols} in order. */
    public static MultistreamNegotiationHandler initiator(List<String> protocols) {
        return new MultistreamNegotiationHandler(MultistreamNegotiator.initiator(protocols));
    }

    /** A responder accepting any of {@code protocols}. */
    public static MultistreamNegotiationHandler responder(Collection<String> protocols) {
        return new MultistreamNegotiationHandler(MultistreamNegotiator.responder(protocols));
    }

    /** Completes with the agreed protocol id, or exceptionally when negotiation fails. */
    public CompletableFuture<String> selectedProtocol() {
        return selected;
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
        send(ctx, negotiator.start());
    }

    private void send(ChannelHandlerContext ctx, List<String> messages) {
        if (messages.isEmpty()) {
            return;
        }
        int size = 0;
        for (String m : messages) {
            size += MultistreamFrames.encodedLength(m);
        }
        ByteBuf out = ctx.alloc().buffer(size);
        try {
            for (String m : messages) {
                MultistreamFrames.write(m, out, maxMessageLength);
            }
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        ctx.writeAndFlush(out).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, new ProtocolNegotiationException("could not send multistream message", f.cause()));
            }
        });
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (selected.isDone()) {
            return; // failed: discard; agreed: we are being removed and the rest is forwarded
        }
        start(ctx);
        try {
            while (in.isReadable()) {
                String message = MultistreamFrames.tryDecode(in, maxMessageLength);
                if (message == null) {
                    return;
                }
                send(ctx, negotiator.onMessage(message));
                if (negotiator.isDone()) {
                    selected.complete(negotiator.selectedProtocol().orElseThrow());
                    if (!ctx.isRemoved()) {
                        ctx.pipeline().remove(this);
                    }
                    return;
                }
            }
        } catch (ProtocolNegotiationException e) {
            in.skipBytes(in.readableBytes());
            fail(ctx, e);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!selected.isDone()) {
            selected.completeExceptionally(
                    new ProtocolNegotiationException("channel closed before multistream negotiation finished"));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!selected.isDone()) {
            selected.completeExceptionally(cause);
            ctx.close();
        }
        ctx.fireExceptionCaught(cause);
    }

    private void fail(ChannelHandlerContext ctx, ProtocolNegotiationException e) {
        if (selected.completeExceptionally(e)) {
            ctx.fireExceptionCaught(e);
            ctx.close();
        }
    }
}
