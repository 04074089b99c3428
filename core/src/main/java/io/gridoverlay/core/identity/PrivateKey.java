package io.gridoverlay.core.identity;

import java.security.MessageDigest;

/**
 * A libp2p private key: signs data following the peer-ids spec rules for its type, and encodes to the
 * libp2p {@code PrivateKey} protobuf used in key files.
 *
 * <p>Immutable and thread-safe. Equality compares the encoded bytes in constant time; {@link #toString()}
 * shows only the key type and peer id, never key material.
 */
public abstract sealed class PrivateKey
        permits Ed25519PrivateKey, Secp256k1PrivateKey, EcdsaPrivateKey, RsaPrivateKey {

    /** Largest encoded private key accepted by {@link #decode}: an RSA-8192 PKCS#1 key is about 4.7 KB. */
    public static final int MAX_ENCODED_LENGTH = 8192;

    PrivateKey() {}

    /** The key type. */
    public abstract KeyType keyType();

    /** Signs {@code data}; deterministic for Ed25519, secp256k1 and ECDSA (RFC 6979 nonces) and RSA. */
    public abstract byte[] sign(byte[] data);

    /** The matching public key. */
    public abstract PublicKey publicKey();

    /** A copy of the key-type-specific encoding carried in the protobuf {@code Data} field. */
    public abstract byte[] raw();

    /** The libp2p {@code PrivateKey} protobuf encoding. */
    public final byte[] encode() {
        return KeyProto.encode(keyType(), raw());
    }

    /** The peer id of the matching public key. */
    public final PeerId peerId() {
        return publicKey().peerId();
    }

    /** This key and its public key. */
    public final KeyPair keyPair() {
        return new KeyPair(this, publicKey());
    }

    /**
     * Decodes a libp2p {@code PrivateKey} protobuf strictly (see {@link PublicKey#decode}); the key material
     * must be consistent (an Ed25519 public half that matches the seed, an RSA modulus equal to p·q, …).
     *
     * @throws InvalidKeyException if {@code bytes} is not such a key
     */
    public static PrivateKey decode(byte[] bytes) {
        KeyProto.Message m = KeyProto.decode(bytes, MAX_ENCODED_LENGTH, "private key");
        return switch (m.type()) {
            case ED25519 -> Ed25519PrivateKey.fromRaw(m.data());
            case SECP256K1 -> Secp256k1PrivateKey.fromRaw(m.data());
            case ECDSA -> EcdsaPrivateKey.fromRaw(m.data());
            case RSA -> RsaPrivateKey.fromRaw(m.data());
        };
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof PrivateKey k && keyType() == k.keyType() && MessageDigest.isEqual(raw(), k.raw());
    }

    @Override
    public final int hashCode() {
        return publicKey().hashCode();
    }

    @Override
    public final String toString() {
        return keyType() + " private key for " + peerId();
    }
}
