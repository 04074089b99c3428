package io.gridoverlay.dht.protocol;


import io.gridoverlay.dht.protocol.KadProtocolException.Kind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Incremental decoder of varint-length-prefixed frames, fed with chunks of any size:
 *
 * <pre>
 * +-------------------------------+------------------+
 * | length: unsigned varint,      | payload          |
 * | minimal, ≤ maxFrameLength     | (length bytes)   |
 * +-------------------------------+------------------+
 * </pre>
 *
 * <p>Any split of the same bytes yields the same frames. The length is rejected as soon as its varint
 * prefix proves it too large, before the payload arrives; the payload buffer starts at
 * min(length, 64 KiB) and grows with the bytes actually received, so a peer that announces a large frame
 * and sends nothing costs at most 64 KiB. After a {@link KadProtocolException} the decoder stays failed.
 *
 * <p>Not thread-safe: one decoder per stream, fed from the stream's event loop. O(bytes) per call.
 */
public final class KadFrameDecoder {
    private static final int INITIAL_BUFFER = 64 * 1024;
    /** Largest varint prefix read: 5 bytes hold 35 bits, beyond any int length. */
    private static final int MAX_PREFIX_BYTES = 5;

    private final int maxFrameLength;
    private long length;
    private int prefixBytes;
    private boolean inPayload;
    private byte[] buffer;
    private int filled;
    private boolean failed;

    /** A decoder accepting payloads of at most {@code maxFrameLength} bytes. */
    public KadFrameDecoder(int maxFrameLength) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive, got " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Consumes all of {@code in}, passing each completed payload to {@code out} in order.
     *
     * @throws KadProtocolException if a length prefix is too large or not minimal
     */
    public void decode(ByteBuffer in, Consumer<byte[]> out) {
        if (failed) {
            throw new KadProtocolException(Kind.MALFORMED, "frame decoder already failed");
        }
        try {
            while (in.hasRemaining()) {
                if (!inPayload) {
                    readPrefixByte(in.get() & 0xFF);
                    if (inPayload && length == 0) {
                        finishFrame(out);
                    }
                    continue;
                }
                int want = (int) length - filled;
                int n = Math.min(want, in.remaining());
                ensureCapacity(filled + n);
                in.get(buffer, filled, n);
                filled += n;
                if (filled == length) {
                    finishFrame(out);
                }
            }
        } catch (KadProtocolException e) {
            failed = true;
            buffer = null;
            throw e;
        }
    }

    /** {@link #decode(ByteBuffer, Consumer)} of a byte array. */
    public void decode(byte[] chunk, Consumer<byte[]> out) {
        decode(ByteBuffer.wrap(chunk), out);
    }

    /** Decodes {@code chunk} and returns the payloads completed by it. */
    public List<byte[]> decode(byte[] chunk) {
        List<byte[]> frames = new ArrayList<>(1);
        decode(ByteBuffer.wrap(chunk), frames::add);
        return frames;
    }

    /** Whether bytes of an unfinished frame have been consumed. */
    public boolean isMidFrame() {
        return inPayload || prefixBytes > 0;
    }

    /**
     * Signals the end of the stream.
     *
     * @throws KadProtocolException of kind {@link Kind#TRUNCATED} if the stream ended inside a frame
     */
    public void finish() {
        if (isMidFrame()) {
            failed = true;
            String where = inPayload ? "after " + filled + " of " + length + " payload bytes"
                    : "inside the length prefix";
            buffer = null;
            throw new KadProtocolException(Kind.TRUNCATED, "stream ended " + where);
        }
    }

    private void readPrefixByte(int b) {
        if (prefixBytes == MAX_PREFIX_BYTES) {
            throw new KadProtocolException(Kind.MALFORMED, "frame length varint longer than " + MAX_PREFIX_BYTES
                    + " bytes");
        }
        length |= (long) (b & 0x7F) << (7 * prefixBytes);
        prefixBytes++;
        if (length > maxFrameLength) {
            throw new KadProtocolException(Kind.TOO_LARGE, "frame of at least " + length
                    + " bytes exceeds the limit of " + maxFrameLength);
        }
        if ((b & 0x80) == 0) {
            if (b == 0 && prefixBytes > 1) {
                throw new KadProtocolException(Kind.MALFORMED, "non-minimal frame length varint ("
                        + prefixBytes + " bytes)");
            }
            inPayload = true;
            filled = 0;
        }
    }

    private void ensureCapacity(int needed) {
        if (buffer == null || buffer.length < needed) {
            int cap = buffer == null ? Math.min((int) length, INITIAL_BUFFER) : buffer.length;
            while (cap < needed) {
                cap = (int) Math.min(length, Math.max(1L, (long) cap * 2));
            }
            byte[] grown = new byte[cap];
            if (buffer != null) {
                System.arraycopy(buffer, 0, grown, 0, filled);
            }
            buffer = grown;
        }
    }

    private void finishFrame(Consumer<byte[]> out) {
        byte[] frame;
        if (length == 0) {
            frame = new byte[0];
        } else if (buffer.length == length) {
            frame = buffer;
        } else {
            frame = java.util.Arrays.copyOf(buffer, (int) length);
        }
        buffer = null;
        length = 0;
        prefixBytes = 0;
        inPayload = false;
        filled = 0;
        out.accept(frame);
    }
}
