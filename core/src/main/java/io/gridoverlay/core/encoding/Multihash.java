package io.gridoverlay.core.encoding;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A multihash: {@code varint(code) || varint(length) || digest}. Supported functions are
 * {@link #IDENTITY} (the "digest" is the data itself, used for small peer ids) and {@link #SHA2_256}.
 *
 * <p>Immutable and thread-safe; {@link #equals} and {@link #hashCode} work on the encoded bytes.
 *
 * <pre>
 * +-------------+---------------+----------------------+
 * | code varint | length varint | digest (length bytes) |
 * +-------------+---------------+----------------------+
 * </pre>
 */
public final class Multihash {
    public static final int IDENTITY = 0x00;
    public static final int SHA2_256 = 0x12;
    /** Largest identity payload accepted; bounds what a peer can make us hold. */
    public static final int MAX_IDENTITY_LENGTH = 1024;

    private final int code;
    private final byte[] encoded;
    private final int digestOffset;
    private final int hash;

    private Multihash(int code, byte[] encoded, int digestOffset) {
        this.code = code;
        this.encoded = encoded;
        this.digestOffset = digestOffset;
        this.hash = Arrays.hashCode(encoded);
    }

    /** An identity multihash carrying {@code data} itself. */
    public static Multihash identity(byte[] data) {
        if (data.length > MAX_IDENTITY_LENGTH) {
            throw new IllegalArgumentException("identity multihash data longer than " + MAX_IDENTITY_LENGTH);
        }
        return of(IDENTITY, data);
    }

    /** The SHA-256 multihash of {@code data}. */
    public static Multihash sha256(byte[] data) {
        return of(SHA2_256, sha256Digest(data));
    }

    /** SHA-256 of {@code data} (32 bytes). */
    public static byte[] sha256Digest(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static Multihash of(int code, byte[] digest) {
        int codeLen = Varint.size(code);
        int lenLen = Varint.size(digest.length);
        byte[] out = new byte[codeLen + lenLen + digest.length];
        Varint.write(code, out, 0);
        Varint.write(digest.length, out, codeLen);
        System.arraycopy(digest, 0, out, codeLen + lenLen, digest.length);
        return new Multihash(code, out, codeLen + lenLen);
    }

    /**
     * Decodes a complete multihash; the array must hold exactly one.
     *
     * @throws DecodingException on an unsupported function, a wrong digest length, truncation or trailing
     *     bytes
     */
    public static Multihash decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long code = Varint.read(buf);
        long length = Varint.read(buf);
        if (code == SHA2_256) {
            if (length != 32) {
                throw new DecodingException("sha2-256 multihash with digest length " + length + ", expected 32");
            }
        } else if (code == IDENTITY) {
            if (length > MAX_IDENTITY_LENGTH) {
                throw new DecodingException("identity multihash length " + length + " exceeds " + MAX_IDENTITY_LENGTH);
            }
        } else {
            throw new DecodingException("unsupported multihash function 0x" + Long.toHexString(code));
        }
        if (buf.remaining() != length) {
            throw new DecodingException("multihash declares " + length + " digest bytes but " + buf.remaining()
                    + " follow");
        }
        return new Multihash((int) code, bytes.clone(), buf.position());
    }

    public int code() {
        return code;
    }

    /** A copy of the digest bytes (for identity: the data). */
    public byte[] digest() {
        return Arrays.copyOfRange(encoded, digestOffset, encoded.length);
    }

    public int digestLength() {
        return encoded.length - digestOffset;
    }

    /** A copy of the encoded multihash. */
    public byte[] toBytes() {
        return encoded.clone();
    }

    /** Encoded length in bytes. */
    public int length() {
        return encoded.length;
    }

    /** Copies the encoded form into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(encoded, 0, dst, offset, encoded.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multihash m && hash == m.hash && Arrays.equals(encoded, m.encoded);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Base58.encode(encoded);
    }
}
