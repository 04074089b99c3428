package io.gridoverlay.dht.record;

import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.record.RecordValidator;
import io.gridoverlay.core.record.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The libp2p {@code /pk/} namespace (go-libp2p-record's {@code PublicKeyValidator}): the key is
 * {@code "/pk/"} followed by the binary peer id, the value is the protobuf-encoded public key of that peer.
 * All valid values under one key are the same key, so {@link #select} picks the first.
 *
 * <p>Stateless and thread-safe.
 */
public final class PublicKeyValidator implements RecordValidator {
    public static final String NAMESPACE = "pk";
    private static final byte[] PREFIX = "/pk/".getBytes(StandardCharsets.US_ASCII);

    /** The key of {@code peer}'s public key record. */
    public static byte[] keyFor(PeerId peer) {
        byte[] id = peer.toBytes();
        byte[] key = Arrays.copyOf(PREFIX, PREFIX.length + id.length);
        System.arraycopy(id, 0, key, PREFIX.length, id.length);
        return key;
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    @Override
    public Verification<PublicKey> validate(byte[] key, byte[] value, Instant now) {
        if (key.length <= PREFIX.length || !Arrays.equals(key, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            return Verification.invalid("key " + RecordValidator.keyText(key) + " is not /pk/<peer id>");
        }
        PeerId peer;
        try {
            peer = PeerId.fromBytes(Arrays.copyOfRange(key, PREFIX.length, key.length));
        } catch (DecodingException e) {
            return Verification.invalid("/pk/ key does not end in a peer id: " + e.getMessage());
        }
        PublicKey pk;
        try {
            pk = PublicKey.decode(value);
        } catch (DecodingException e) {
            return Verification.invalid("/pk/ record of " + peer + " is not a public key: " + e.getMessage());
        }
        if (!peer.matches(pk)) {
            return Verification.invalid("/pk/ record of " + peer + " holds the key of " + pk.peerId());
        }
        return Verification.valid(pk);
    }

    @Override
    public int select(byte[] key, List<byte[]> values, Instant now) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to select from");
        }
        return 0;
    }
}
