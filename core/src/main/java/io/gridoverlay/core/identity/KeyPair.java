package io.gridoverlay.core.identity;

import java.util.Objects;

/**
 * A private key and its public key. Immutable; the constructor checks that the two belong together.
 *
 * @param privateKey the signing key
 * @param publicKey the matching public key
 */
public record KeyPair(PrivateKey privateKey, PublicKey publicKey) {
    public KeyPair {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        if (!privateKey.publicKey().equals(publicKey)) {
            throw new IllegalArgumentException("public key does not belong to the private key");
        }
    }

    /** The pair for {@code privateKey}. */
    public static KeyPair of(PrivateKey privateKey) {
        return new KeyPair(privateKey, privateKey.publicKey());
    }

    /** The peer id of the public key. */
    public PeerId peerId() {
        return publicKey.peerId();
    }

    /** Signs with the private key. */
    public byte[] sign(byte[] data) {
        return privateKey.sign(data);
    }

    @Override
    public String toString() {
        return "KeyPair[" + publicKey.keyType() + " " + publicKey.peerId() + "]";
    }
}
