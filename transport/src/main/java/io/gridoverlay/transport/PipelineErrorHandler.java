package io.gridoverlay.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every connection pipeline: an exception no upgrade or muxer handler dealt with (a peer
 * resetting the TCP connection, a failed handshake already reported through the dial future) closes the
 * connection and is logged once, instead of reaching Netty's tail with a warning and leaving the channel
 * open. I/O errors are expected when peers go away and are logged at DEBUG; anything else at WARN.
 *
 * <p>Stateless and {@linkplain ChannelHandler.Sharable sharable}.
 */
@ChannelHandler.Sharable
final class PipelineErrorHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "errors";
    static final PipelineErrorHandler INSTANCE = new PipelineErrorHandler();
    // logged as the host: it is the host's pipeline, and operators filter on one logger
    private static final Logger LOG = LoggerFactory.getLogger(Host.class);

    private PipelineErrorHandler() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof IOException || t instanceof TransportException) { // every layer's errors (one root)
            LOG.debug("closing connection {}: {}", ctx.channel(), t.toString());
        } else {
            LOG.warn("closing connection {} after an unhandled error", ctx.channel(), cause);
        }
        ctx.close();
    }
}
