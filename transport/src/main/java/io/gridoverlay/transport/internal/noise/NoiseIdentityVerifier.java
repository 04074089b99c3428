package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;

import java.util.Arrays;

/**
 * Verifies the remote's identity in a Noise handshake payload: decodes a protobuf-encoded libp2p
 * {@code PublicKey}, checks a signature made with it, and tells whether it is the identity the dialer
 * expected (a peer id or an encoded key, as the implementation defines).
 *
 * <p>Implementations must be thread-safe.
 */
public interface NoiseIdentityVerifier {
    /**
     * Checks that {@code signature} over {@code data} was made by the key in {@code encodedPublicKey}.
     *
     * @throws HandshakeException if the key cannot be decoded, its type is unsupported, or the signature
     *     does not verify
     */
    void verify(byte[] encodedPublicKey, byte[] data, byte[] signature);

    /**
     * Whether the (already verified) key is the expected remote identity. The default compares the
     * encoded key bytes; an adapter for peer ids derives the peer id from the key and compares that.
     */
    default boolean matches(byte[] encodedPublicKey, byte[] expectedIdentity) {
        return Arrays.equals(encodedPublicKey, expectedIdentity);
    }
}
