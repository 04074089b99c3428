package io.gridoverlay.core.identity;

import java.util.Arrays;

/**
 * A libp2p public key: verifies signatures made by its private key and encodes to the libp2p
 * {@code PublicKey} protobuf from which the {@link PeerId} is derived.
 *
 * <p>Immutable and thread-safe. Equality and hash code are those of the encoded protobuf bytes, so two keys
 * are equal exactly when they have the same peer id. {@link #verify} never throws for a bad signature; it
 * returns {@code false}.
 */
public abstract sealed class PublicKey
        permits Ed25519PublicKey, Secp256k1PublicKey, EcdsaPublicKey, RsaPublicKey {

    /** Largest encoded public key accepted by {@link #decode}: an RSA-8192 key is about 1.1 KB. */
    public static final int MAX_ENCODED_LENGTH = 2048;

    private final byte[] encoded;
    private final int hash;
    private volatile PeerId peerId;

    PublicKey(KeyType type, byte[] raw) {
        this.encoded = KeyProto.encode(type, raw);
        this.hash = Arrays.hashCode(encoded);
    }

    /** The key type. */
    public abstract KeyType keyType();

    /**
     * Whether {@code signature} is a valid signature of {@code data} by this key, following the signing
     * rules of the peer-ids spec for the key type. A successful outcome is remembered in the process-wide
     * {@link SignatureCaches} under a digest of key, data and signature, so repeating it costs one SHA-256.
     */
    public final boolean verify(byte[] data, byte[] signature) {
        return SignatureCaches.verify(this, data, signature);
    }

    /** The verification itself, without the cache. */
    abstract boolean verifySignature(byte[] data, byte[] signature);

    /** A copy of the key-type-specific encoding carried in the protobuf {@code Data} field. */
    public abstract byte[] raw();

    /** A copy of the libp2p {@code PublicKey} protobuf encoding. */
    public final byte[] encode() {
        return encoded.clone();
    }

    /** Length of {@link #encode()} in bytes. */
    public final int encodedLength() {
        return encoded.length;
    }

    /** The encoded bytes without a copy; callers in this package must not modify them. */
    final byte[] encodedBytes() {
        return encoded;
    }

    /** The peer id of this key (computed once). */
    public final PeerId peerId() {
        PeerId id = peerId;
        if (id == null) {
            id = PeerId.fromPublicKey(this);
            peerId = id;
        }
        return id;
    }

    /**
     * Decodes a libp2p {@code PublicKey} protobuf strictly: both fields, in order, no other fields or
     * trailing bytes, minimal varints, a known key type and a valid key of that type. Keys decoded before
     * are returned from the process-wide {@link SignatureCaches} (found by their full encoding).
     *
     * @throws InvalidKeyException if {@code bytes} is not such a key
     */
    public static PublicKey decode(byte[] bytes) {
        return SignatureCaches.decode(bytes);
    }

    static PublicKey decodeUncached(byte[] bytes) {
        KeyProto.Message m = KeyProto.decode(bytes, MAX_ENCODED_LENGTH, "public key");
        return fromRaw(m.type(), m.data());
    }

    /**
     * Builds a public key from its type and the {@code Data} field contents.
     *
     * @throws InvalidKeyException if {@code raw} is not a valid key of that type
     */
    public static PublicKey fromRaw(KeyType type, byte[] raw) {
        return switch (type) {
            case ED25519 -> Ed25519PublicKey.fromRaw(raw);
            case SECP256K1 -> Secp256k1PublicKey.fromRaw(raw);
            case ECDSA -> EcdsaPublicKey.fromRaw(raw);
            case RSA -> RsaPublicKey.fromRaw(raw);
        };
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof PublicKey k && hash == k.hash && Arrays.equals(encoded, k.encoded);
    }

    @Override
    public final int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return keyType() + " public key " + peerId();
    }
}
