package io.gridoverlay.core.encoding;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 varints as the multiformats spec defines them (unsigned-varint): at most 9 bytes, a
 * value of at most 63 bits, and only the minimal encoding is accepted.
 *
 * <p>All methods are static, allocation-free on the decode path and thread-safe.
 */
public final class Varint {
    /** Longest accepted encoding: 9 bytes carry 63 bits. */
    public static final int MAX_BYTES = 9;

    private Varint() {}

    /** Number of bytes {@link #write} uses for {@code value}; {@code value} must be non-negative. */
    public static int size(long value) {
        requireNonNegative(value);
        int bits = 64 - Long.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    /** Encodes {@code value} into a new array. */
    public static byte[] encode(long value) {
        byte[] out = new byte[size(value)];
        write(value, out, 0);
        return out;
    }

    /**
     * Writes {@code value} at {@code offset} and returns the number of bytes written.
     *
     * @throws IndexOutOfBoundsException if the array is too short
     */
    public static int write(long value, byte[] out, int offset) {
        requireNonNegative(value);
        int i = offset;
        while ((value & ~0x7FL) != 0) {
            out[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[i++] = (byte) value;
        return i - offset;
    }

    /** Appends {@code value} to {@code out}. */
    public static void write(long value, ByteArrayOutputStream out) {
        requireNonNegative(value);
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /**
     * Reads the varint at the buffer's position and advances it.
     *
     * @throws DecodingException if the varint is truncated, longer than 9 bytes or not minimal
     */
    public static long read(ByteBuffer in) {
        long value = 0;
        int shift = 0;
        for (int i = 0; ; i++) {
            if (i >= MAX_BYTES) {
                throw new DecodingException("varint longer than " + MAX_BYTES + " bytes");
            }
            if (!in.hasRemaining()) {
                throw new DecodingException("truncated varint after " + i + " byte(s)");
            }
            int b = in.get() & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new DecodingException("non-minimal varint encoding (" + (i + 1) + " bytes)");
                }
                return value;
            }
            shift += 7;
        }
    }

    /**
     * Reads a varint and checks it fits in an {@code int} no larger than {@code max}; for lengths that are
     * about to be used to allocate or slice.
     */
    public static int readLength(ByteBuffer in, int max) {
        long v = read(in);
        if (v > max) {
            throw new DecodingException("length " + v + " exceeds limit " + max);
        }
        return (int) v;
    }

    /** Decodes an array that must hold exactly one varint. */
    public static long decodeExact(byte[] in) {
        ByteBuffer buf = ByteBuffer.wrap(in);
        long v = read(buf);
        if (buf.hasRemaining()) {
            throw new DecodingException(buf.remaining() + " trailing byte(s) after varint");
        }
        return v;
    }

    private static void requireNonNegative(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("varint value must be non-negative (63 bits), got " + value);
        }
    }
}
