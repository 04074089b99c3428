package io.gridoverlay.transport.internal.noise;

import java.util.List;

/**
 * What a completed, authenticated Noise handshake established about the remote peer. Immutable.
 *
 * @param remoteIdentityKey the remote's protobuf-encoded libp2p identity public key, verified
 * @param remoteStaticKey the remote's static X25519 public key
 * @param remoteStreamMuxers muxers the remote advertised in its handshake extensions (may be empty)
 * @param handshakeHash the final Noise handshake hash (channel binding)
 * @param initiator whether the local side dialed
 */
public record NoiseHandshakeResult(byte[] remoteIdentityKey, byte[] remoteStaticKey,
        List<String> remoteStreamMuxers, byte[] handshakeHash, boolean initiator) {
    /** Copies all arrays and lists. */
    public NoiseHandshakeResult {
        remoteIdentityKey = remoteIdentityKey.clone();
        remoteStaticKey = remoteStaticKey.clone();
        remoteStreamMuxers = List.copyOf(remoteStreamMuxers);
        handshakeHash = handshakeHash.clone();
    }

    @Override
    public byte[] remoteIdentityKey() {
        return remoteIdentityKey.clone();
    }

    @Override
    public byte[] remoteStaticKey() {
        return remoteStaticKey.clone();
    }

    @Override
    public byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoiseHandshakeResult r
                && java.util.Arrays.equals(remoteIdentityKey, r.remoteIdentityKey)
                && java.util.Arrays.equals(remoteStaticKey, r.remoteStaticKey)
                && remoteStreamMuxers.equals(r.remoteStreamMuxers)
                && java.util.Arrays.equals(handshakeHash, r.handshakeHash)
                && initiator == r.initiator;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(handshakeHash);
    }

    @Override
    public String toString() {
        return "NoiseHandshakeResult[initiator=" + initiator + ", remoteStreamMuxers=" + remoteStreamMuxers + "]";
    }
}
