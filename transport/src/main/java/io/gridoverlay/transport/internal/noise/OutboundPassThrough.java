package io.gridoverlay.transport.internal.noise;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import java.net.SocketAddress;

/**
 * The outbound half of a handler that extends a decoder (which can extend only one Netty class): every
 * outbound operation passes through unchanged, so an implementation overrides only {@code write} (and
 * {@code flush} when it buffers).
 */
interface OutboundPassThrough extends ChannelOutboundHandler {
    @Override
    default void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    default void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    default void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                         ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    default void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    default void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    default void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }

    @Override
    default void read(ChannelHandlerContext ctx) {
        ctx.read();
    }
}
