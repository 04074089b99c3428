package io.gridoverlay.transport.internal.noise;

/**
 * The local libp2p identity as the Noise handshake needs it: the protobuf-encoded identity public key
 * ({@code PublicKey} of the peer-id spec) and a signature function of the identity private key.
 *
 * <p>Implementations must be thread-safe; {@link #sign} is called once per handshake.
 */
public interface NoiseIdentity {
    /** The protobuf-encoded libp2p {@code PublicKey} of this peer (not copied by callers; return a copy). */
    byte[] encodedPublicKey();

    /** Signs {@code data} with the identity private key according to the peer-id spec's signing rules. */
    byte[] sign(byte[] data);
}
