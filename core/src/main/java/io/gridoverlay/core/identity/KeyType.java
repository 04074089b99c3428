package io.gridoverlay.core.identity;

/**
 * The libp2p key types and their protobuf enum numbers ({@code crypto.proto} {@code KeyType}).
 *
 * <p>Ed25519 is the default identity key. secp256k1 and ECDSA P-256 keys can sign and verify; RSA keys
 * (2048 to 8192 bits) are read and verified for interoperability, and can sign when a private key is loaded.
 */
public enum KeyType {
    RSA(0),
    ED25519(1),
    SECP256K1(2),
    ECDSA(3);

    private static final KeyType[] BY_CODE = {RSA, ED25519, SECP256K1, ECDSA};

    private final int code;

    KeyType(int code) {
        this.code = code;
    }

    /** The protobuf enum number. */
    public int code() {
        return code;
    }

    /**
     * The key type with protobuf number {@code code}.
     *
     * @throws InvalidKeyException if the number names no libp2p key type
     */
    public static KeyType fromCode(long code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new InvalidKeyException("unknown key type " + code + " (expected 0 RSA, 1 Ed25519, 2 Secp256k1, 3 ECDSA)");
        }
        return BY_CODE[(int) code];
    }
}
