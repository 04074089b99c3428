package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/** JDK Ed25519 implementations of the Noise identity interfaces for tests (libp2p key encoding). */
final class TestIdentities {
    /** libp2p PublicKey protobuf header for a 32-byte Ed25519 key: Type=Ed25519 (1), Data length 32. */
    static final byte[] LIBP2P_ED25519_PREFIX = {0x08, 0x01, 0x12, 0x20};
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private TestIdentities() {}

    static final class Ed25519Identity implements NoiseIdentity {
        private final KeyPair pair;
        private final byte[] encoded;

        Ed25519Identity() {
            try {
                pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            byte[] spki = pair.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            encoded = concat(LIBP2P_ED25519_PREFIX, raw);
        }

        @Override
        public byte[] encodedPublicKey() {
            return encoded.clone();
        }

        @Override
        public byte[] sign(byte[] data) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(pair.getPrivate());
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Verifies libp2p-encoded Ed25519 keys only. */
    static final class Ed25519Verifier implements NoiseIdentityVerifier {
        @Override
        public void verify(byte[] encodedPublicKey, byte[] data, byte[] signature) {
            if (encodedPublicKey.length != 36
                    || !Arrays.equals(encodedPublicKey, 0, 4, LIBP2P_ED25519_PREFIX, 0, 4)) {
                throw new HandshakeException("unsupported identity key encoding (" + encodedPublicKey.length + " bytes)");
            }
            try {
                var key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                        concat(SPKI_PREFIX, Arrays.copyOfRange(encodedPublicKey, 4, 36))));
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(data);
                if (!s.verify(signature)) {
                    throw new HandshakeException("identity signature does not verify");
                }
            } catch (GeneralSecurityException e) {
                throw new HandshakeException("bad identity key or signature: " + e.getMessage(), e);
            }
        }
    }

    static NoiseConfig config(Ed25519Identity identity, String... muxers) {
        return NoiseConfig.builder()
                .identity(identity)
                .verifier(new Ed25519Verifier())
                .streamMuxers(java.util.List.of(muxers))
                .build();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
