package io.gridoverlay.core.record;

import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Varint;
import io.gridoverlay.core.identity.InvalidKeyException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.identity.PublicKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A libp2p signed envelope (RFC 0002): a payload with its type, signed by a peer's key under a domain
 * separation string, carrying the public key so anyone can verify it without other state.
 *
 * <pre>
 * wire (protobuf, fields in this order; empty payload_type / payload may be omitted as proto3 does):
 *   0x0a varint(len) PublicKey protobuf      field 1 public_key  (required)
 *   0x12 varint(len) payload_type            field 2
 *   0x1a varint(len) payload                 field 3
 *   0x2a varint(len) signature               field 5 signature   (required)
 *
 * signed bytes:
 *   varint(len(domain)) domain(UTF-8) | varint(len(payload_type)) payload_type | varint(len(payload)) payload
 * </pre>
 *
 * <p>{@link #open} parses strictly (no unknown or repeated fields, no trailing bytes, minimal varints, a
 * size limit checked first) and verifies the signature before returning; an {@code Envelope} object therefore
 * always holds a valid signature. {@link #toBytes()} returns exactly the bytes that were opened or sealed;
 * nothing is re-encoded. Immutable and thread-safe; accessors return copies.
 */
public final class Envelope {
    /** Default limit on the size of an envelope accepted by {@link #open(byte[], String)}. */
    public static final int DEFAULT_MAX_SIZE = 64 * 1024;

    private static final int TAG_PUBLIC_KEY = 0x0a;
    private static final int TAG_PAYLOAD_TYPE = 0x12;
    private static final int TAG_PAYLOAD = 0x1a;
    private static final int TAG_SIGNATURE = 0x2a;

    private final PublicKey publicKey;
    private final byte[] payloadType;
    private final byte[] payload;
    private final byte[] signature;
    private final byte[] bytes;
    private final int hash;

    private Envelope(PublicKey publicKey, byte[] payloadType, byte[] payload, byte[] signature, byte[] bytes) {
        this.publicKey = publicKey;
        this.payloadType = payloadType;
        this.payload = payload;
        this.signature = signature;
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * Signs {@code payload} of type {@code payloadType} with {@code key} under {@code domain}.
     *
     * @throws IllegalArgumentException if {@code domain} is empty
     */
    public static Envelope seal(PrivateKey key, String domain, byte[] payloadType, byte[] payload) {
        Objects.requireNonNull(key, "key");
        byte[] type = payloadType.clone();
        byte[] body = payload.clone();
        byte[] signature = key.sign(signedBytes(domain, type, body));
        PublicKey pub = key.publicKey();
        byte[] encodedKey = pub.encode();
        int size = fieldSize(encodedKey.length) + optionalFieldSize(type.length) + optionalFieldSize(body.length)
                + fieldSize(signature.length);
        byte[] out = new byte[size];
        int p = writeField(out, 0, TAG_PUBLIC_KEY, encodedKey);
        if (type.length > 0) {
            p = writeField(out, p, TAG_PAYLOAD_TYPE, type);
        }
        if (body.length > 0) {
            p = writeField(out, p, TAG_PAYLOAD, body);
        }
        writeField(out, p, TAG_SIGNATURE, signature);
        return new Envelope(pub, type, body, signature, out);
    }

    /**
     * Parses and verifies an envelope of at most {@link #DEFAULT_MAX_SIZE} bytes signed under {@code domain}.
     *
     * @throws InvalidEnvelopeException if the bytes are malformed, too large, or the signature does not verify
     */
    public static Envelope open(byte[] bytes, String domain) {
        return open(bytes, domain, DEFAULT_MAX_SIZE);
    }

    /**
     * Parses and verifies an envelope of at most {@code maxSize} bytes signed under {@code domain}.
     *
     * @throws InvalidEnvelopeException if the bytes are malformed, too large, or the signature does not verify
     */
    public static Envelope open(byte[] bytes, String domain, int maxSize) {
        Objects.requireNonNull(bytes, "bytes");
        byte[] domainBytes = domainBytes(domain);
        if (bytes.length > maxSize) {
            throw new InvalidEnvelopeException("envelope of " + bytes.length + " bytes exceeds the limit of " + maxSize);
        }
        byte[][] fields = new byte[4][];
        int[] order = {TAG_PUBLIC_KEY, TAG_PAYLOAD_TYPE, TAG_PAYLOAD, TAG_SIGNATURE};
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int next = 0;
        try {
            while (buf.hasRemaining()) {
                int tag = buf.get() & 0xFF;
                int index = -1;
                for (int i = next; i < order.length; i++) {
                    if (order[i] == tag) {
                        index = i;
                        break;
                    }
                }
                if (index < 0) {
                    throw new InvalidEnvelopeException("envelope: unexpected tag 0x" + Integer.toHexString(tag)
                            + " at offset " + (buf.position() - 1)
                            + " (unknown, repeated or out-of-order field)");
                }
                int length = Varint.readLength(buf, bytes.length);
                // checked after the varint: the length bytes themselves are no longer remaining
                if (length > buf.remaining()) {
                    throw new InvalidEnvelopeException("envelope: field 0x" + Integer.toHexString(tag) + " of "
                            + length + " bytes overruns the " + buf.remaining() + " remaining");
                }
                byte[] value = new byte[length];
                buf.get(value);
                fields[index] = value;
                next = index + 1;
            }
        } catch (InvalidEnvelopeException e) {
            throw e;
        } catch (DecodingException e) {
            throw new InvalidEnvelopeException("envelope: malformed field length: " + e.getMessage(), e);
        }
        if (fields[0] == null || fields[0].length == 0) {
            throw new InvalidEnvelopeException("envelope has no public key");
        }
        if (fields[3] == null || fields[3].length == 0) {
            throw new InvalidEnvelopeException("envelope has no signature");
        }
        PublicKey key;
        try {
            key = PublicKey.decode(fields[0]);
        } catch (InvalidKeyException e) {
            throw new InvalidEnvelopeException("envelope public key is invalid: " + e.getMessage(), e);
        }
        byte[] type = fields[1] == null ? new byte[0] : fields[1];
        byte[] body = fields[2] == null ? new byte[0] : fields[2];
        if (!key.verify(signedBytes(domainBytes, type, body), fields[3])) {
            throw new InvalidEnvelopeException("envelope signature does not verify for domain '" + domain
                    + "' and key " + key.peerId());
        }
        return new Envelope(key, type, body, fields[3], bytes.clone());
    }

    /** The bytes an envelope signature covers (RFC 0002), for {@code domain}, type and payload. */
    static byte[] signedBytes(String domain, byte[] payloadType, byte[] payload) {
        return signedBytes(domainBytes(domain), payloadType, payload);
    }

    private static byte[] signedBytes(byte[] domain, byte[] payloadType, byte[] payload) {
        int size = Varint.size(domain.length) + domain.length + Varint.size(payloadType.length)
                + payloadType.length + Varint.size(payload.length) + payload.length;
        byte[] out = new byte[size];
        int p = writeBytes(out, 0, domain);
        p = writeBytes(out, p, payloadType);
        writeBytes(out, p, payload);
        return out;
    }

    private static byte[] domainBytes(String domain) {
        Objects.requireNonNull(domain, "domain");
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("envelope domain must not be empty");
        }
        return domain.getBytes(StandardCharsets.UTF_8);
    }

    private static int writeBytes(byte[] out, int p, byte[] value) {
        p += Varint.write(value.length, out, p);
        System.arraycopy(value, 0, out, p, value.length);
        return p + value.length;
    }

    private static int fieldSize(int length) {
        return 1 + Varint.size(length) + length;
    }

    private static int optionalFieldSize(int length) {
        return length == 0 ? 0 : fieldSize(length);
    }

    private static int writeField(byte[] out, int p, int tag, byte[] value) {
        out[p] = (byte) tag;
        return writeBytes(out, p + 1, value);
    }

    /** The signer's public key. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The signer's peer id. */
    public PeerId peerId() {
        return publicKey.peerId();
    }

    /** A copy of the payload type (often a multicodec). */
    public byte[] payloadType() {
        return payloadType.clone();
    }

    /** Whether the payload type equals {@code type}, without copying. */
    public boolean hasPayloadType(byte[] type) {
        return Arrays.equals(payloadType, type);
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    /** A copy of the signature. */
    public byte[] signature() {
        return signature.clone();
    }

    /** A copy of the envelope bytes exactly as opened or sealed. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Size of {@link #toBytes()}. */
    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope e && hash == e.hash && Arrays.equals(bytes, e.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "Envelope[signer=" + peerId() + ", payloadType=" + java.util.HexFormat.of().formatHex(payloadType)
                + ", payload=" + payload.length + " bytes]";
    }
}
