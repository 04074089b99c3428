package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxConfig;
import io.gridoverlay.transport.yamux.YamuxProtocolException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Converts bytes to {@link YamuxFrame}s and back; one instance per connection.
 *
 * <pre>
 *  0        1        2                 4                                 8                                 12
 * +--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+
 * |version |  type  |      flags      |             stream id             |              length               |
 * | (0x00) | 0..3   | SYN ACK FIN RST |            (u32, BE)              |            (u32, BE)              |
 * +--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+--------+
 * | body: `length` bytes, Data frames only ...
 * +-----------------------------------------
 *   type   0x0 Data          length = body length
 *          0x1 WindowUpdate  length = window delta
 *          0x2 Ping          length = opaque value, stream id 0
 *          0x3 GoAway        length = error code (0 normal, 1 protocol error, 2 internal error), stream id 0
 *   flags  0x1 SYN, 0x2 ACK, 0x4 FIN, 0x8 RST
 * </pre>
 *
 * <p>Decoding: the header is validated as soon as its 12 bytes are available — version, type, the
 * stream id of session frames, and a Data body length no larger than {@code maxFrameBodySize} — before
 * the body is accumulated, so a peer cannot make the decoder buffer more than
 * {@code 12 + maxFrameBodySize} bytes. A violation raises {@link YamuxProtocolException} (go-away code 1)
 * through {@code exceptionCaught}; after that the decoder discards all further input. A decoded
 * {@link YamuxFrame.Data}'s body is a retained slice of the inbound buffer: the next handler owns it and
 * must release it. Unknown flag bits are passed through (as go-yamux and rust-yamux do).
 *
 * <p>With a {@link DataFrameGate} installed (the {@link YamuxHandler} after it installs one), a Data
 * header is also shown to the gate as soon as it arrives: the gate checks the announced length against the
 * stream's receive credit (a protocol error if larger), and the body of a frame for a stream that is gone
 * is skipped as it arrives instead of being accumulated.
 *
 * <p>Encoding: a Data frame is written as a composite of a 12-byte header and the frame's own body (no
 * copy); the encoder takes over the frame's reference. Not thread-safe; Netty calls it on the channel's
 * event loop. Cost: O(1) per frame plus the body copy done by the accumulation of the inbound stream.
 */
public final class YamuxFrameCodec extends CombinedChannelDuplexHandler<YamuxFrameCodec.Decoder,
        YamuxFrameCodec.Encoder> {

    /** A codec accepting Data bodies up to {@code maxFrameBodySize} bytes. */
    public YamuxFrameCodec(int maxFrameBodySize) {
        super(new Decoder(maxFrameBodySize), new Encoder());
    }

    /** A codec with {@link YamuxConfig#maxFrameBodySize()} of {@code config}. */
    public YamuxFrameCodec(YamuxConfig config) {
        this(config.maxFrameBodySize());
    }

    /** What a {@link DataFrameGate} decides about a Data frame. */
    public enum Admission {
        /** Buffer the body and pass the frame on. */
        ADMIT,
        /** Skip the body as it arrives (its stream is gone). */
        SKIP,
        /**
         * Not now: the decoder keeps what it holds, decodes nothing more and asks for no more reads until
         * {@link YamuxFrameCodec#resumeDecoding()}, which asks the gate again.
         */
        WAIT
    }

    /**
     * Decides about a Data frame from its header alone, before the body is buffered. Called on the event
     * loop, once per header unless it answered {@link Admission#WAIT} (then again on the next attempt).
     */
    @FunctionalInterface
    public interface DataFrameGate {
        /**
         * @return whether to buffer the body, skip it, or wait
         * @throws YamuxProtocolException when the frame must not be accepted (the session ends)
         */
        Admission admit(int streamId, int flags, long length);
    }

    /**
     * Decodes again what the decoder holds after its gate answered {@link Admission#WAIT}, passing on the
     * frames it completes; call on the event loop. No-op unless waiting.
     */
    public void resumeDecoding() {
        inboundHandler().resume();
    }

    /** Installs {@code gate} (replacing any previous one); call on the event loop. */
    public void dataFrameGate(DataFrameGate gate) {
        inboundHandler().gate = gate;
    }

    /**
     * Decodes one frame from the readable bytes of {@code in}, advancing its reader index only when a
     * whole frame was read.
     *
     * @return the frame, or {@code null} when {@code in} does not yet hold a whole frame
     * @throws YamuxProtocolException when the header is invalid or the body exceeds {@code maxFrameBodySize}
     */
    public static YamuxFrame decode(ByteBuf in, int maxFrameBodySize) {
        if (in.readableBytes() < YamuxFrame.HEADER_LENGTH) {
            return null;
        }
        int start = in.readerIndex();
        int version = in.getUnsignedByte(start);
        int type = in.getUnsignedByte(start + 1);
        int flags = in.getUnsignedShort(start + 2);
        int streamId = in.getInt(start + 4);
        long length = in.getUnsignedInt(start + 8);
        if (version != YamuxFrame.VERSION) {
            throw new YamuxProtocolException("unsupported yamux version " + version + " (expected 0)");
        }
        switch (type) {
            case YamuxFrame.TYPE_DATA -> {
                if (streamId == 0) {
                    throw new YamuxProtocolException("data frame on stream 0");
                }
                if (length > maxFrameBodySize) {
                    throw new YamuxProtocolException("data frame body of " + length
                            + " bytes exceeds the limit of " + maxFrameBodySize + " bytes");
                }
                int bodyLength = (int) length;
                if (in.readableBytes() < YamuxFrame.HEADER_LENGTH + bodyLength) {
                    return null;
                }
                in.skipBytes(YamuxFrame.HEADER_LENGTH);
                return new YamuxFrame.Data(streamId, flags, in.readRetainedSlice(bodyLength));
            }
            case YamuxFrame.TYPE_WINDOW_UPDATE -> {
                if (streamId == 0) {
                    throw new YamuxProtocolException("window update on stream 0");
                }
                in.skipBytes(YamuxFrame.HEADER_LENGTH);
                return new YamuxFrame.WindowUpdate(streamId, flags, length);
            }
            case YamuxFrame.TYPE_PING -> {
                if (streamId != 0) {
                    throw new YamuxProtocolException("ping on stream " + Integer.toUnsignedString(streamId)
                            + " (must be 0)");
                }
                in.skipBytes(YamuxFrame.HEADER_LENGTH);
                return new YamuxFrame.Ping(flags, length);
            }
            case YamuxFrame.TYPE_GO_AWAY -> {
                if (streamId != 0) {
                    throw new YamuxProtocolException("go-away on stream " + Integer.toUnsignedString(streamId)
                            + " (must be 0)");
                }
                in.skipBytes(YamuxFrame.HEADER_LENGTH);
                return new YamuxFrame.GoAway(length);
            }
            default -> throw new YamuxProtocolException("unknown yamux frame type " + type);
        }
    }

    /** Writes the 12-byte header of {@code frame} to {@code out}. */
    public static void encodeHeader(YamuxFrame frame, ByteBuf out) {
        out.writeByte(YamuxFrame.VERSION);
        out.writeByte(frame.type());
        out.writeShort(frame.flags());
        out.writeInt(frame.streamId());
        out.writeInt((int) frame.lengthField());
    }

    /**
     * Encodes {@code frame} into one buffer: the header, followed for a Data frame by its body (not
     * copied). Takes over the Data frame's reference; the caller owns the returned buffer.
     */
    public static ByteBuf encode(YamuxFrame frame, ByteBufAllocator alloc) {
        ByteBuf header = alloc.buffer(YamuxFrame.HEADER_LENGTH);
        encodeHeader(frame, header);
        if (frame instanceof YamuxFrame.Data data) {
            ByteBuf body = data.body();
            if (!body.isReadable()) {
                body.release();
                return header;
            }
            CompositeByteBuf composite = alloc.compositeBuffer(2);
            composite.addComponents(true, header, body);
            return composite;
        }
        return header;
    }

    /** Inbound half: bytes to frames. Not thread-safe; one per connection. */
    public static final class Decoder extends ByteToMessageDecoder {
        private final int maxFrameBodySize;
        private boolean failed;
        private DataFrameGate gate;
        /** Body bytes of a refused Data frame still to skip. */
        private long discarding;
        /** The header at the reader index was admitted: do not ask the gate again while its body arrives. */
        private boolean headerAdmitted;
        /** The gate answered WAIT for the header at the reader index. */
        private boolean waiting;
        private ChannelHandlerContext context;

        Decoder(int maxFrameBodySize) {
            if (maxFrameBodySize < 0) {
                throw new IllegalArgumentException("maxFrameBodySize < 0: " + maxFrameBodySize);
            }
            this.maxFrameBodySize = maxFrameBodySize;
        }

        /** See {@link YamuxFrameCodec#resumeDecoding()}. */
        void resume() {
            if (!waiting || context == null) {
                return;
            }
            waiting = false;
            try {
                channelRead(context, Unpooled.EMPTY_BUFFER);
                channelReadComplete(context);
            } catch (Exception e) {
                context.fireExceptionCaught(e);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            if (waiting) {
                // no read of more input while the gate makes us wait (ByteToMessageDecoder would ask for one
                // whenever a read produced no frame and auto-read is off)
                discardSomeReadBytes();
                ctx.fireChannelReadComplete();
                return;
            }
            super.channelReadComplete(ctx);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            context = ctx;
            if (failed) {
                in.skipBytes(in.readableBytes());
                return;
            }
            try {
                if (discarding > 0) {
                    int n = (int) Math.min(discarding, in.readableBytes());
                    in.skipBytes(n);
                    discarding -= n;
                    if (discarding > 0) {
                        return;
                    }
                }
                if (gate != null && !headerAdmitted && in.readableBytes() >= YamuxFrame.HEADER_LENGTH) {
                    int start = in.readerIndex();
                    int streamId = in.getInt(start + 4);
                    long length = in.getUnsignedInt(start + 8);
                    if (in.getUnsignedByte(start) == YamuxFrame.VERSION
                            && in.getUnsignedByte(start + 1) == YamuxFrame.TYPE_DATA && streamId != 0
                            && length <= maxFrameBodySize) {
                        switch (gate.admit(streamId, in.getUnsignedShort(start + 2), length)) {
                            case ADMIT -> {
                                headerAdmitted = true;
                                waiting = false;
                            }
                            case SKIP -> {
                                waiting = false;
                                in.skipBytes(YamuxFrame.HEADER_LENGTH);
                                discarding = length;
                                return; // called again while bytes remain: they are skipped above
                            }
                            case WAIT -> {
                                waiting = true;
                                return; // nothing consumed, nothing produced: the decode loop stops
                            }
                        }
                    }
                }
                YamuxFrame frame = YamuxFrameCodec.decode(in, maxFrameBodySize);
                if (frame != null) {
                    headerAdmitted = false;
                    out.add(frame);
                }
            } catch (YamuxProtocolException e) {
                failed = true;
                in.skipBytes(in.readableBytes());
                throw e;
            }
        }
    }

    /** Outbound half: frames to bytes. Not thread-safe; one per connection. */
    public static final class Encoder extends MessageToMessageEncoder<YamuxFrame> {
        Encoder() {
            super(YamuxFrame.class);
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, YamuxFrame frame, List<Object> out) {
            if (frame instanceof YamuxFrame.Data data) {
                data.retain(); // MessageToMessageEncoder releases the message after encode()
            }
            out.add(YamuxFrameCodec.encode(frame, ctx.alloc()));
        }
    }
}
