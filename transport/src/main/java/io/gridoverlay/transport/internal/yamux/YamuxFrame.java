package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxErrorCode;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * One Yamux 1.0.0 frame: an immutable value for each of the four frame types.
 *
 * <p>Every frame starts with the same 12-byte big-endian header (see {@link YamuxFrameCodec}); the
 * meaning of the 32-bit {@code length} field depends on the type: the body length of a {@link Data}
 * frame, the window delta of a {@link WindowUpdate}, the opaque value of a {@link Ping} and the error
 * code of a {@link GoAway}. Unsigned 32-bit wire values are held in {@code int} (stream ids, used as
 * map keys) or in {@code long} (lengths, deltas, opaque values, error codes) and validated on
 * construction, so an instance always encodes to a valid header.
 *
 * <p>Only {@link Data} owns a resource: its body {@link ByteBuf}. It implements {@link ReferenceCounted}
 * by delegating to the body, so Netty's {@code ReferenceCountUtil.release(frame)} releases it. Whoever
 * receives a {@code Data} frame owns one reference and must release it. The other records hold no
 * resources. Thread-safety: the records are immutable; the body buffer follows Netty's rules.
 */
public sealed interface YamuxFrame permits YamuxFrame.Data, YamuxFrame.WindowUpdate, YamuxFrame.Ping,
        YamuxFrame.GoAway {

    /** The only protocol version. */
    int VERSION = 0;
    /** Size of the fixed header in bytes. */
    int HEADER_LENGTH = 12;

    /** Type code of a data frame. */
    int TYPE_DATA = 0x0;
    /** Type code of a window update frame. */
    int TYPE_WINDOW_UPDATE = 0x1;
    /** Type code of a ping frame. */
    int TYPE_PING = 0x2;
    /** Type code of a go-away frame. */
    int TYPE_GO_AWAY = 0x3;

    /** Flag: opens a stream (or marks an outbound ping). */
    int FLAG_SYN = 0x1;
    /** Flag: acknowledges a stream (or marks a ping response). */
    int FLAG_ACK = 0x2;
    /** Flag: half-closes the sender's side of a stream. */
    int FLAG_FIN = 0x4;
    /** Flag: resets a stream. */
    int FLAG_RST = 0x8;

    /** Largest value of an unsigned 32-bit field. */
    long MAX_U32 = 0xFFFF_FFFFL;

    /** The wire type code of this frame. */
    int type();

    /** The 16-bit flags field. */
    int flags();

    /** The stream id as an unsigned 32-bit value held in an int (0 for session frames). */
    int streamId();

    /** The 32-bit length field as written on the wire. */
    long lengthField();

    /** Whether {@code flag} is set. */
    default boolean hasFlag(int flag) {
        return (flags() & flag) != 0;
    }

    /**
     * A data frame carrying {@code body.readableBytes()} bytes of stream payload.
     *
     * <p>Owns one reference to {@code body}; see the interface documentation.
     *
     * @param streamId stream id (non-zero)
     * @param flags 16-bit flags
     * @param body the payload; its readable bytes are the frame body
     */
    record Data(int streamId, int flags, ByteBuf body) implements YamuxFrame, ReferenceCounted {
        public Data {
            checkFlags(flags);
            Objects.requireNonNull(body, "body");
            if (streamId == 0) {
                throw new IllegalArgumentException("data frame on stream 0");
            }
        }

        @Override
        public int type() {
            return TYPE_DATA;
        }

        @Override
        public long lengthField() {
            return body.readableBytes();
        }

        @Override
        public int refCnt() {
            return body.refCnt();
        }

        @Override
        public Data retain() {
            body.retain();
            return this;
        }

        @Override
        public Data retain(int increment) {
            body.retain(increment);
            return this;
        }

        @Override
        public Data touch() {
            body.touch();
            return this;
        }

        @Override
        public Data touch(Object hint) {
            body.touch(hint);
            return this;
        }

        @Override
        public boolean release() {
            return body.release();
        }

        @Override
        public boolean release(int decrement) {
            return body.release(decrement);
        }

        @Override
        public String toString() {
            return "Data[stream=" + Integer.toUnsignedString(streamId) + ", flags=0x"
                    + Integer.toHexString(flags) + ", length=" + body.readableBytes() + "]";
        }
    }

    /**
     * A window update: grants the peer {@code delta} more bytes of send window on a stream, and
     * carries stream flags (SYN, ACK, FIN, RST) when no data is sent with them.
     *
     * @param streamId stream id (non-zero)
     * @param flags 16-bit flags
     * @param delta unsigned 32-bit window increment
     */
    record WindowUpdate(int streamId, int flags, long delta) implements YamuxFrame {
        public WindowUpdate {
            checkFlags(flags);
            checkU32("delta", delta);
            if (streamId == 0) {
                throw new IllegalArgumentException("window update on stream 0");
            }
        }

        @Override
        public int type() {
            return TYPE_WINDOW_UPDATE;
        }

        @Override
        public long lengthField() {
            return delta;
        }
    }

    /**
     * A ping on the session (stream id 0): SYN for a request, ACK for the response echoing the same
     * {@code opaque} value.
     *
     * @param flags 16-bit flags, normally exactly SYN or ACK
     * @param opaque unsigned 32-bit value echoed by the responder
     */
    record Ping(int flags, long opaque) implements YamuxFrame {
        public Ping {
            checkFlags(flags);
            checkU32("opaque", opaque);
        }

        @Override
        public int type() {
            return TYPE_PING;
        }

        @Override
        public int streamId() {
            return 0;
        }

        @Override
        public long lengthField() {
            return opaque;
        }
    }

    /**
     * Terminates the session (stream id 0): the sender opens and accepts no new streams.
     *
     * @param errorCode unsigned 32-bit error code; see {@link YamuxErrorCode}
     */
    record GoAway(long errorCode) implements YamuxFrame {
        public GoAway {
            checkU32("errorCode", errorCode);
        }

        /** A go-away with a well-known code. */
        public GoAway(YamuxErrorCode code) {
            this(code.code());
        }

        @Override
        public int type() {
            return TYPE_GO_AWAY;
        }

        @Override
        public int flags() {
            return 0;
        }

        @Override
        public int streamId() {
            return 0;
        }

        @Override
        public long lengthField() {
            return errorCode;
        }
    }

    private static void checkFlags(int flags) {
        if ((flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("flags do not fit 16 bits: 0x" + Integer.toHexString(flags));
        }
    }

    private static void checkU32(String what, long value) {
        if (value < 0 || value > MAX_U32) {
            throw new IllegalArgumentException(what + " is not an unsigned 32-bit value: " + value);
        }
    }
}
