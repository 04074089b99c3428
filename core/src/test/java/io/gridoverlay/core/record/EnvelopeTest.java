package io.gridoverlay.core.record;

import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Varint;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.KeyPair;
import io.gridoverlay.core.identity.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class EnvelopeTest {
    /** A go-libp2p signed peer record and its key, from js-libp2p's @libp2p/peer-record tests. */
    static final byte[] GO_PRIVATE_KEY = HexFormat.of().parseHex(
            "0801124085fbe72b6064289004a531f967898df5319ee02992fdd84021fa5052434bf6ee11bba3ed1721948cefb4e50b0a"
            + "0bb5cad8a6b52dc7b1a40f4f6652105c91e2c4");
    static final byte[] GO_ENVELOPE = HexFormat.of().parseHex(
            "0a240801122011bba3ed1721948cefb4e50b0a0bb5cad8a6b52dc7b1a40f4f6652105c91e2c4120203011aaa010a2600240801"
            + "122011bba3ed1721948cefb4e50b0a0bb5cad8a6b52dc7b1a40f4f6652105c91e2c410d8b8e0bf9391b697161a0a0a08040102"
            + "03040600001a0a0a0804010203040600011a0a0a0804010203040600021a0a0a0804010203040600031a0a0a080401020304"
            + "0600041a0a0a0804010203040600051a0a0a0804010203040600061a0a0a0804010203040600071a0a0a08040102030406"
            + "00081a0a0a0804010203040600092a40b197f76b9f288af2b467fe666f774476287049b424b73975c8860efb02372d026a79"
            + "9584541ad72f2654346485bca3ece36462b7d1b1391c8d276dc4ab8bca0b");

    private static final String DOMAIN = "gridoverlay-test";
    private static final byte[] TYPE = {0x03, 0x01};

    @Test
    void opensGoEnvelopeAndResealsItByteForByte() {
        Envelope env = Envelope.open(GO_ENVELOPE, PeerRecord.DOMAIN);
        PrivateKey key = PrivateKey.decode(GO_PRIVATE_KEY);
        assertThat(env.publicKey()).isEqualTo(key.publicKey());
        assertThat(env.peerId()).isEqualTo(key.peerId());
        assertThat(env.payloadType()).containsExactly(0x03, 0x01);
        assertThat(env.toBytes()).isEqualTo(GO_ENVELOPE);
        // Ed25519 is deterministic: sealing the same payload gives go's exact bytes.
        Envelope again = Envelope.seal(key, PeerRecord.DOMAIN, env.payloadType(), env.payload());
        assertThat(again.toBytes()).isEqualTo(GO_ENVELOPE);
        assertThat(again).isEqualTo(env);
        assertThat(again.signature()).isEqualTo(env.signature());
    }

    @Test
    void signatureCoversDomain() {
        assertThatThrownBy(() -> Envelope.open(GO_ENVELOPE, "libp2p-peer-recorD"))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("does not verify");
        assertThatThrownBy(() -> Envelope.open(GO_ENVELOPE, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signedBytesFollowRfc0002() {
        byte[] signed = Envelope.signedBytes("ab", new byte[] {7}, new byte[] {1, 2, 3});
        assertThat(signed).containsExactly(2, 'a', 'b', 1, 7, 3, 1, 2, 3);
        KeyPair pair = Ed25519.generate();
        Envelope env = Envelope.seal(pair.privateKey(), "ab", new byte[] {7}, new byte[] {1, 2, 3});
        assertThat(pair.publicKey().verify(signed, env.signature())).isTrue();
    }

    @Test
    void emptyPayloadAndTypeAreOmittedAndAccepted() {
        KeyPair pair = Ed25519.generate();
        Envelope env = Envelope.seal(pair.privateKey(), DOMAIN, new byte[0], new byte[0]);
        byte[] bytes = env.toBytes();
        assertThat(bytes[0]).isEqualTo((byte) 0x0a);
        assertThat(bytes[2 + pair.publicKey().encodedLength()]).isEqualTo((byte) 0x2a);
        Envelope opened = Envelope.open(bytes, DOMAIN);
        assertThat(opened.payload()).isEmpty();
        assertThat(opened.payloadType()).isEmpty();
    }

    @Test
    void malformedEnvelopesAreRejectedWithReasons() {
        KeyPair pair = Ed25519.generate();
        byte[] good = Envelope.seal(pair.privateKey(), DOMAIN, TYPE, "hello".getBytes(StandardCharsets.UTF_8)).toBytes();
        assertThatThrownBy(() -> Envelope.open(concat(good, new byte[] {0x3a, 0}), DOMAIN))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("unexpected tag 0x3a");
        assertThatThrownBy(() -> Envelope.open(concat(good, new byte[] {0x2a, 0}), DOMAIN))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("repeated");
        assertThatThrownBy(() -> Envelope.open(Arrays.copyOf(good, good.length - 1), DOMAIN))
                .isInstanceOf(InvalidEnvelopeException.class);
        assertThatThrownBy(() -> Envelope.open(new byte[0], DOMAIN))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("no public key");
        assertThatThrownBy(() -> Envelope.open(new byte[] {0x0a, 2, 8, 1}, DOMAIN))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("no signature");
        assertThatThrownBy(() -> Envelope.open(new byte[] {0x0a, 2, 8, 1, 0x2a, 1, 0}, DOMAIN))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("public key is invalid");
        assertThatThrownBy(() -> Envelope.open(good, DOMAIN, good.length - 1))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("exceeds the limit");
        assertThat(Envelope.open(good, DOMAIN, good.length).toBytes()).isEqualTo(good);
    }

    @Test
    void regressionFieldLengthCheckedAgainstBytesLeftAfterTheLengthVarint() {
        // Found by anySingleBitFlipFailsOpen: the length was compared with the bytes left before its own varint,
        // so a length one too large escaped as BufferUnderflowException.
        assertThatThrownBy(() -> Envelope.open(new byte[] {0x0a, 0x02, 0x08}, DOMAIN))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("declares 2 bytes but only 1");
    }

    @Test
    void defaultSizeLimitApplies() {
        KeyPair pair = Ed25519.generate();
        byte[] big = Envelope.seal(pair.privateKey(), DOMAIN, TYPE, new byte[Envelope.DEFAULT_MAX_SIZE]).toBytes();
        assertThatThrownBy(() -> Envelope.open(big, DOMAIN)).isInstanceOf(InvalidEnvelopeException.class);
        assertThat(Envelope.open(big, DOMAIN, big.length).payload()).hasSize(Envelope.DEFAULT_MAX_SIZE);
    }

    @Test
    void accessorsReturnCopies() {
        Envelope env = Envelope.open(GO_ENVELOPE, PeerRecord.DOMAIN);
        env.payload()[0] ^= 1;
        env.toBytes()[0] ^= 1;
        env.signature()[0] ^= 1;
        env.payloadType()[0] ^= 1;
        assertThat(env.toBytes()).isEqualTo(GO_ENVELOPE);
        assertThat(Envelope.seal(PrivateKey.decode(GO_PRIVATE_KEY), PeerRecord.DOMAIN, env.payloadType(),
                env.payload()).signature()).isEqualTo(env.signature());
    }

    private static Gen<byte[]> seeds() {
        return bytes(32);
    }

    @Test
    void sealThenOpenRoundTrips() {
        qt().withFixedSeed(0xE701L).withExamples(200).forAll(seeds(), bytes(0, 64), bytes(0, 300))
                .checkAssert((seed, type, payload) -> {
            PrivateKey key = Ed25519.fromSeed(seed);
            Envelope sealed = Envelope.seal(key, DOMAIN, type, payload);
            Envelope opened = Envelope.open(sealed.toBytes(), DOMAIN);
            assertThat(opened).isEqualTo(sealed);
            assertThat(opened.payload()).isEqualTo(payload);
            assertThat(opened.payloadType()).isEqualTo(type);
            assertThat(opened.peerId()).isEqualTo(key.peerId());
            assertThat(opened.toBytes()).isEqualTo(sealed.toBytes());
        });
    }

    @Test
    void anySingleBitFlipFailsOpen() {
        qt().withFixedSeed(0xE702L).withExamples(100).forAll(seeds(), bytes(0, 40))
                .checkAssert((seed, payload) -> {
            byte[] bytes = Envelope.seal(Ed25519.fromSeed(seed), DOMAIN, TYPE, payload).toBytes();
            for (int bit = 0; bit < bytes.length * 8; bit++) {
                byte[] flipped = bytes.clone();
                flipped[bit >>> 3] ^= (byte) (1 << (bit & 7));
                int b = bit;
                assertThatThrownBy(() -> Envelope.open(flipped, DOMAIN)).as("bit %d", b)
                        .isInstanceOf(InvalidEnvelopeException.class);
            }
        });
    }

    /** The verification cache (SignatureCaches) is warm for the valid envelope; no flipped copy may pass. */
    @Test
    void anySingleBitFlipFailsOpenAfterTheValidEnvelopeWasVerified() {
        qt().withFixedSeed(0xE705L).withExamples(30).forAll(seeds(), bytes(0, 300))
                .checkAssert((seed, payload) -> {
            byte[] bytes = Envelope.seal(Ed25519.fromSeed(seed), DOMAIN, TYPE, payload).toBytes();
            assertThat(Envelope.open(bytes, DOMAIN).payload()).isEqualTo(payload);
            assertThat(Envelope.open(bytes, DOMAIN).payload()).isEqualTo(payload);
            for (int bit = 0; bit < bytes.length * 8; bit++) {
                byte[] flipped = bytes.clone();
                flipped[bit >>> 3] ^= (byte) (1 << (bit & 7));
                int b = bit;
                assertThatThrownBy(() -> Envelope.open(flipped, DOMAIN)).as("bit %d", b)
                        .isInstanceOf(InvalidEnvelopeException.class);
            }
        });
    }

    @Test
    void openThrowsOnlyTypedExceptions() {
        qt().withFixedSeed(0xE703L).withExamples(1000).forAll(bytes(0, 300))
                .checkAssert(bytes -> {
            try {
                Envelope.open(bytes, DOMAIN);
            } catch (DecodingException e) {
                assertThat(e).isInstanceOf(InvalidEnvelopeException.class);
            }
        });
    }

    @Test
    void openThrowsOnlyTypedExceptionsOnStructuredInput() {
        qt().withFixedSeed(0xE704L).withExamples(500).forAll(bytes(0, 40), bytes(0, 70), bytes(0, 20))
                .checkAssert((key, sig, payload) -> {
            byte[] ed = new byte[4 + key.length];
            ed[0] = 0x08;
            ed[1] = 0x01;
            ed[2] = 0x12;
            ed[3] = (byte) key.length;
            System.arraycopy(key, 0, ed, 4, key.length);
            byte[] env = concat(concat(field(0x0a, ed), field(0x1a, payload)), field(0x2a, sig));
            try {
                Envelope.open(env, DOMAIN);
            } catch (InvalidEnvelopeException expected) {
                // typed rejection
            }
        });
    }

    static byte[] field(int tag, byte[] value) {
        byte[] len = Varint.encode(value.length);
        byte[] out = new byte[1 + len.length + value.length];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(value, 0, out, 1 + len.length, value.length);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
