package io.gridoverlay.transport;

import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.transport.noise.HandshakeException;
import io.gridoverlay.transport.internal.noise.NoiseIdentity;
import io.gridoverlay.transport.internal.noise.NoiseIdentityVerifier;
import java.util.Arrays;

/** Adapts core's keys to the Noise handshake's identity interfaces. */
final class IdentityAdapters {
    private IdentityAdapters() {}

    static NoiseIdentity noiseIdentity(PrivateKey key) {
        byte[] encoded = key.publicKey().encode();
        return new NoiseIdentity() {
            @Override
            public byte[] encodedPublicKey() {
                return encoded.clone();
            }

            @Override
            public byte[] sign(byte[] data) {
                return key.sign(data);
            }
        };
    }

    /** Verifies with any libp2p key type; the expected identity is a peer id's bytes. */
    static final NoiseIdentityVerifier VERIFIER = new NoiseIdentityVerifier() {
        @Override
        public void verify(byte[] encodedPublicKey, byte[] data, byte[] signature) {
            PublicKey key;
            try {
                key = PublicKey.decode(encodedPublicKey);
            } catch (DecodingException e) {
                throw new HandshakeException("remote identity key is invalid: " + e.getMessage(), e);
            }
            if (!key.verify(data, signature)) {
                throw new HandshakeException("remote identity signature over its static key does not verify");
            }
        }

        @Override
        public boolean matches(byte[] encodedPublicKey, byte[] expectedIdentity) {
            PeerId actual = PublicKey.decode(encodedPublicKey).peerId();
            return Arrays.equals(actual.toBytes(), expectedIdentity);
        }
    };
}
