package io.gridoverlay.core.identity;

import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Varint;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Strict codec for the two-field libp2p {@code PublicKey} / {@code PrivateKey} protobuf messages.
 *
 * <pre>
 * +------+---------------+------+-------------+-------------------+
 * | 0x08 | varint(type)  | 0x12 | varint(len) | data (len bytes)  |
 * +------+---------------+------+-------------+-------------------+
 *   field 1 (KeyType)      field 2 (Data)
 * </pre>
 *
 * Both fields are required, in this order, exactly once, with minimal varints and nothing after them, as
 * the peer-ids spec demands for a deterministic encoding. Stateless and thread-safe.
 */
final class KeyProto {
    private static final int TAG_TYPE = 0x08;
    private static final int TAG_DATA = 0x12;

    private KeyProto() {}

    /** A decoded message: the key type and a fresh copy of the Data field. */
    record Message(KeyType type, byte[] data) {}

    static byte[] encode(KeyType type, byte[] data) {
        int lenSize = Varint.size(data.length);
        byte[] out = new byte[3 + lenSize + data.length];
        out[0] = TAG_TYPE;
        out[1] = (byte) type.code();
        out[2] = TAG_DATA;
        Varint.write(data.length, out, 3);
        System.arraycopy(data, 0, out, 3 + lenSize, data.length);
        return out;
    }

    static Message decode(byte[] bytes, int maxLength, String what) {
        if (bytes.length > maxLength) {
            throw new InvalidKeyException(what + " of " + bytes.length + " bytes exceeds the limit of " + maxLength);
        }
        if (bytes.length == 0) {
            throw new InvalidKeyException("empty " + what);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        try {
            int tag = buf.get() & 0xFF;
            if (tag != TAG_TYPE) {
                throw new InvalidKeyException(what + ": expected field 1 (Type, tag 0x08) first, found tag 0x"
                        + Integer.toHexString(tag));
            }
            KeyType type = KeyType.fromCode(Varint.read(buf));
            if (!buf.hasRemaining()) {
                throw new InvalidKeyException(what + ": missing field 2 (Data)");
            }
            tag = buf.get() & 0xFF;
            if (tag != TAG_DATA) {
                throw new InvalidKeyException(what + ": expected field 2 (Data, tag 0x12) after Type, found tag 0x"
                        + Integer.toHexString(tag));
            }
            long length = Varint.read(buf);
            if (length > buf.remaining()) {
                throw new InvalidKeyException(what + ": Data declares " + length + " bytes but only "
                        + buf.remaining() + " follow");
            }
            if (length < buf.remaining()) {
                throw new InvalidKeyException(what + ": " + (buf.remaining() - length)
                        + " trailing byte(s) after the Data field");
            }
            return new Message(type, Arrays.copyOfRange(bytes, buf.position(), bytes.length));
        } catch (InvalidKeyException e) {
            throw e;
        } catch (DecodingException e) {
            throw new InvalidKeyException(what + ": " + e.getMessage(), e);
        }
    }
}
