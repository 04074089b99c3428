package io.gridoverlay.core.identity;

import static io.gridoverlay.testing.Generators.bytes;
import static io.gridoverlay.testing.Generators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.gridoverlay.core.encoding.DecodingException;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Round-trip laws and rejection behaviour of keys and peer ids. */
class IdentityPropertiesTest {

    private static Gen<byte[]> seeds() {
        return bytes(32);
    }

    @Test
    void ed25519KeysRoundTrip() {
        qt().withFixedSeed(0x1D01L).withExamples(200).forAll(seeds(), bytes(0, 200))
                .checkAssert((seed, message) -> {
            Ed25519PrivateKey key = Ed25519.fromSeed(seed);
            assertThat(PrivateKey.decode(key.encode())).isEqualTo(key);
            assertThat(PublicKey.decode(key.publicKey().encode())).isEqualTo(key.publicKey());
            assertThat(key.publicKey().verify(message, key.sign(message))).isTrue();
            assertThat(Ed25519.fromSeed(seed).sign(message)).isEqualTo(key.sign(message));
        });
    }

    @Test
    void ecKeysRoundTrip() {
        qt().withFixedSeed(0x1D02L).withExamples(50).forAll(seeds(), bytes(0, 100))
                .checkAssert((scalar, message) -> {
            scalar[0] &= 0x7f; // below both curve orders
            if (new java.math.BigInteger(1, scalar).signum() == 0) {
                return;
            }
            PrivateKey[] keys = {Secp256k1PrivateKey.fromRaw(scalar), EcdsaPrivateKey.fromRaw(ecdsaDer(scalar))};
            for (PrivateKey key : keys) {
                assertThat(PrivateKey.decode(key.encode())).isEqualTo(key);
                assertThat(PublicKey.decode(key.publicKey().encode())).isEqualTo(key.publicKey());
                assertThat(key.publicKey().verify(message, key.sign(message))).isTrue();
                assertThat(PeerId.parse(key.peerId().toBase58())).isEqualTo(key.peerId());
            }
        });
    }

    @Test
    void peerIdTextAndBinaryFormsRoundTrip() {
        qt().withFixedSeed(0x1D03L).withExamples(200).forAll(seeds())
                .checkAssert(seed -> {
            PeerId id = Ed25519.fromSeed(seed).peerId();
            assertThat(id.toBase58()).startsWith("12D3KooW");
            assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
            assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
            assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id).hasSameHashCodeAs(id);
            assertThat(PeerId.parse(id.toBase58()).compareTo(id)).isZero();
            assertThat(id.publicKey()).contains(Ed25519.fromSeed(seed).publicKey());
        });
    }

    @Test
    void sha256PeerIdsRoundTrip() {
        qt().withFixedSeed(0x1D04L).withExamples(200).forAll(seeds())
                .checkAssert(digest -> {
            byte[] mh = new byte[34];
            mh[0] = 0x12;
            mh[1] = 32;
            System.arraycopy(digest, 0, mh, 2, 32);
            PeerId id = PeerId.fromBytes(mh);
            assertThat(id.toBase58()).startsWith("Qm");
            assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
            assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
        });
    }

    @Test
    void compareToIsAntisymmetricAndConsistentWithEquals() {
        qt().withFixedSeed(0x1D05L).withExamples(300).forAll(seeds(), seeds())
                .checkAssert((a, b) -> {
            PeerId x = Ed25519.fromSeed(a).peerId();
            PeerId y = Ed25519.fromSeed(b).peerId();
            assertThat(Integer.signum(x.compareTo(y))).isEqualTo(-Integer.signum(y.compareTo(x)));
            assertThat(x.compareTo(y) == 0).isEqualTo(x.equals(y));
        });
    }

    @Test
    void keyDecodersThrowOnlyTypedExceptions() {
        qt().withFixedSeed(0x1D06L).withExamples(1000).forAll(bytes(0, 200))
                .checkAssert(bytes -> {
            for (java.util.function.Consumer<byte[]> decoder : java.util.List.<java.util.function.Consumer<byte[]>>of(
                    PublicKey::decode, PrivateKey::decode, PeerId::fromBytes)) {
                try {
                    decoder.accept(bytes);
                } catch (DecodingException expected) {
                    assertThat(expected).isInstanceOfAny(InvalidKeyException.class, InvalidPeerIdException.class);
                }
            }
        });
    }

    @Test
    void keyDecodersThrowOnlyTypedExceptionsOnNearlyValidInput() {
        qt().withFixedSeed(0x1D07L).withExamples(1000).forAll(bytes(0, 40), integers().all())
                .checkAssert((data, type) -> {
            byte[] msg = new byte[4 + data.length];
            msg[0] = 0x08;
            msg[1] = (byte) Math.floorMod(type, 5);
            msg[2] = 0x12;
            msg[3] = (byte) data.length;
            System.arraycopy(data, 0, msg, 4, data.length);
            try {
                PublicKey.decode(msg);
            } catch (InvalidKeyException expected) {
                // typed rejection
            }
            try {
                PrivateKey.decode(msg);
            } catch (InvalidKeyException expected) {
                // typed rejection
            }
        });
    }

    @Test
    void parseThrowsOnlyTypedExceptions() {
        qt().withFixedSeed(0x1D08L).withExamples(1000).forAll(strings(0, 80))
                .checkAssert(text -> {
            try {
                PeerId id = PeerId.parse(text);
                assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
            } catch (InvalidPeerIdException expected) {
                // typed rejection
            }
        });
    }

    @Test
    void parseOfBase58AlphabetThrowsOnlyTypedExceptions() {
        qt().withFixedSeed(0x1D09L).withExamples(1000).forAll(base58Text())
                .checkAssert(text -> {
            try {
                PeerId.parse(text);
            } catch (InvalidPeerIdException expected) {
                // typed rejection
            }
        });
    }

    private static Gen<String> base58Text() {
        return strings("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 1, 60)
                .map(s -> (s.length() % 2 == 0 ? "1" : "Qm") + s);
    }

    private static byte[] ecdsaDer(byte[] scalar) {
        java.math.BigInteger d = new java.math.BigInteger(1, scalar);
        org.bouncycastle.math.ec.ECPoint q = EcSupport.publicPoint(EcSupport.P256, d);
        byte[] prefix = java.util.HexFormat.of().parseHex("30770201010420");
        byte[] middle = java.util.HexFormat.of().parseHex("a00a06082a8648ce3d030107a144034200");
        byte[] out = new byte[121];
        System.arraycopy(prefix, 0, out, 0, 7);
        System.arraycopy(scalar, 0, out, 7, 32);
        System.arraycopy(middle, 0, out, 39, middle.length);
        System.arraycopy(q.getEncoded(false), 0, out, 56, 65);
        return out;
    }
}
