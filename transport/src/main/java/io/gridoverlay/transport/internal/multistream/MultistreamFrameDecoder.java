package io.gridoverlay.transport.internal.multistream;

import io.gridoverlay.transport.multistream.ProtocolNegotiationException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into multistream-select messages and emits each message's text (a
 * {@link String} without the trailing newline); see {@link MultistreamFrames} for the wire format.
 *
 * <p>Any split of the input across reads decodes to the same messages. A malformed or oversized message
 * raises {@link ProtocolNegotiationException} through the pipeline and the decoder discards the rest of
 * its input. Not thread-safe; used on its channel's event loop.
 */
public final class MultistreamFrameDecoder extends ByteToMessageDecoder {
    private final int maxMessageLength;
    private boolean failed;

    /** A decoder with {@link MultistreamFrames#DEFAULT_MAX_MESSAGE_LENGTH}. */
    public MultistreamFrameDecoder() {
        this(MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /** A decoder that rejects messages longer than {@code maxMessageLength} bytes (text + newline). */
    public MultistreamFrameDecoder(int maxMessageLength) {
        if (maxMessageLength < 2) {
            throw new IllegalArgumentException("maxMessageLength must be at least 2, got " + maxMessageLength);
        }
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            String message;
            try {
                message = MultistreamFrames.tryDecode(in, maxMessageLength);
            } catch (ProtocolNegotiationException e) {
                // Fired as is (not wrapped in a DecoderException) so handlers see the typed error.
                failed = true;
                in.skipBytes(in.readableBytes());
                ctx.fireExceptionCaught(e);
                return;
            }
            if (message == null) {
                return;
            }
            out.add(message);
        }
    }
}
