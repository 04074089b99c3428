package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.DecryptionException;
import io.gridoverlay.transport.noise.NoiseException;

import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class FastAeadTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replaceAll("[\\s:]", ""));
    }

    private static byte[] bcPoly1305(byte[] key, byte[] msg) {
        Poly1305 p = new Poly1305();
        p.init(new KeyParameter(key));
        p.update(msg, 0, msg.length);
        byte[] tag = new byte[16];
        p.doFinal(tag, 0);
        return tag;
    }

    @Test
    void poly1305MatchesRfc8439Section252() {
        byte[] key = hex("85:d6:be:78:57:55:6d:33:7f:44:52:fe:42:d5:06:a8:01:03:80:8a:fb:0d:b2:fd:4a:bf:f6:af:41:49:f5:1b");
        byte[] msg = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        assertThat(io.gridoverlay.transport.internal.noise.Poly1305.mac(key, msg))
                .isEqualTo(hex("a8:06:1d:c1:30:51:36:c6:c2:2b:8b:af:0c:01:27:a9"));
    }

    /** RFC 8439 appendix A.3 vectors 5 to 11: the carry and final-reduction corner cases. */
    @Test
    void poly1305HandlesRfc8439CarryCornerCases() {
        String ff = "ff".repeat(16);
        String key2 = "02" + "00".repeat(31);
        String key1 = "01" + "00".repeat(31);
        String key10 = "0100000000000000" + "0400000000000000" + "00".repeat(16);
        String msg10 = "e33594d7505e43b90000000000000000" + "3394d7505e4379cd0100000000000000"
                + "00".repeat(16) + "01" + "00".repeat(15);
        String[][] vectors = {
            {key2, ff, "03" + "00".repeat(15)},
            {"02" + "00".repeat(15) + ff, "02" + "00".repeat(15), "03" + "00".repeat(15)},
            {key1, ff + "f0" + "ff".repeat(15) + "11" + "00".repeat(15), "05" + "00".repeat(15)},
            {key1, ff + "fb" + "fe".repeat(15) + "01".repeat(16), "00".repeat(16)},
            {key2, "fd" + "ff".repeat(15), "fa" + "ff".repeat(15)},
            {key10, msg10, "1400000000000000" + "5500000000000000"},
            {key10, msg10.substring(0, 96), "13" + "00".repeat(15)},
        };
        for (String[] v : vectors) {
            byte[] key = hex(v[0]);
            byte[] msg = hex(v[1]);
            assertThat(io.gridoverlay.transport.internal.noise.Poly1305.mac(key, msg)).as(v[1])
                    .isEqualTo(hex(v[2]))
                    .isEqualTo(bcPoly1305(key, msg));
        }
    }

    @Test
    void poly1305MatchesBouncyCastle() {
        qt().withFixedSeed(0xFA01L).withExamples(300).forAll(bytes(32), bytes(0, 600), booleans().all())
                .checkAssert((key, msg, saturate) -> {
            if (saturate) { // all-ones r and message drive every limb to its maximum
                Arrays.fill(key, 0, 16, (byte) 0xff);
                Arrays.fill(msg, (byte) 0xff);
            }
            assertThat(io.gridoverlay.transport.internal.noise.Poly1305.mac(key, msg)).isEqualTo(bcPoly1305(key, msg));
        });
    }

    @Test
    void aeadMatchesRfc8439Section282() {
        byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
                + "the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] aad = hex("50 51 52 53 c0 c1 c2 c3 c4 c5 c6 c7");
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (0x80 + i);
        }
        byte[] nonce = hex("07 00 00 00 40 41 42 43 44 45 46 47");
        byte[] expected = hex("""
                d3 1a 8d 34 64 8e 60 db 7b 86 af bc 53 ef 7e c2
                a4 ad ed 51 29 6e 08 fe a9 e2 b5 a7 36 ee 62 d6
                3d be a4 5e 8c a9 67 12 82 fa fb 69 da 92 72 8b
                1a 71 de 0a 9e 06 0b 29 05 d6 a5 b6 7e cd 3b 36
                92 dd bd 7f 2d 77 8b 8c 98 03 ae e3 28 09 1b 58
                fa b3 24 e4 fa d6 75 94 55 85 80 8b 48 31 d7 bc
                3f f4 de f0 8e 4b 7a 9d e5 76 d2 65 86 ce c6 4b
                61 16
                1a e1 0b 59 4f 09 e2 6a 7e 90 2e cb d0 60 06 91""");
        FastAead aead = new FastAead();
        aead.setKey(key);
        byte[] out = new byte[plaintext.length + 16];
        assertThat(aead.seal(nonce, aad, plaintext, 0, plaintext.length, out, 0)).isEqualTo(out.length);
        assertThat(out).isEqualTo(expected);
        byte[] back = new byte[plaintext.length];
        assertThat(aead.open(nonce, aad, out, 0, out.length, back, 0)).isEqualTo(plaintext.length);
        assertThat(back).isEqualTo(plaintext);
    }

    private static Gen<Integer> lengths() {
        return Generate.oneOf(integers().between(0, 200), integers().between(0, 70_000));
    }

    /** One sealed message to tamper with: its length, AAD, nonce, key seed, and which bit of what to flip. */
    private record Tamper(int len, byte[] aad, long nonce, long seed, int where, int bit, boolean flipAad) {
    }

    private static Gen<Tamper> tampers() {
        Gen<Integer> lens = integers().between(0, 300);
        Gen<byte[]> aads = bytes(0, 40);
        Gen<Long> longs = longs().all();
        Gen<Integer> wheres = integers().between(0, Integer.MAX_VALUE - 1);
        Gen<Integer> bits = integers().between(0, 7);
        Gen<Boolean> flags = booleans().all();
        Gen<Tamper> tampers = in -> new Tamper(lens.generate(in), aads.generate(in), longs.generate(in),
                longs.generate(in), wheres.generate(in), bits.generate(in), flags.generate(in));
        return tampers.describedAs(t -> t + " aad=" + HEX.formatHex(t.aad()));
    }

    @Test
    void backendsAgreeAndOpenEachOther() {
        qt().withFixedSeed(0xFA02L).withExamples(60).forAll(lengths(), bytes(0, 100), longs().all(), longs().all())
                .checkAssert((len, aad, nonce, seed) -> {
            Random random = new Random(seed);
            byte[] key = new byte[32];
            random.nextBytes(key);
            byte[] plaintext = new byte[len];
            random.nextBytes(plaintext);
            NoiseCrypto[] backends = allBackends();
            byte[][] sealed = new byte[backends.length][];
            for (int i = 0; i < backends.length; i++) {
                NoiseCrypto.Aead aead = backends[i].newAead();
                aead.setKey(key);
                sealed[i] = new byte[len + 16];
                assertThat(aead.encrypt(nonce, aad, plaintext, 0, len, sealed[i], 0)).isEqualTo(len + 16);
            }
            for (byte[] other : sealed) {
                assertThat(other).isEqualTo(sealed[0]);
            }
            for (NoiseCrypto opener : backends) {
                for (byte[] s : sealed) {
                    // a fresh object each time: the JDK's ChaCha20-Poly1305 refuses the previous key and nonce
                    NoiseCrypto.Aead aead = opener.newAead();
                    aead.setKey(key);
                    byte[] back = new byte[len];
                    assertThat(aead.decrypt(nonce, aad, s, 0, s.length, back, 0)).isEqualTo(len);
                    assertThat(back).isEqualTo(plaintext);
                }
            }
        });
    }

    @Test
    void anyBitFlipIsRejectedAndNothingIsWritten() {
        qt().withFixedSeed(0xFA03L).withExamples(200).forAll(tampers())
                .checkAssert(t -> {
            int len = t.len();
            byte[] aad = t.aad();
            long nonce = t.nonce();
            long seed = t.seed();
            int where = t.where();
            int bit = t.bit();
            boolean flipAad = t.flipAad();
            Random random = new Random(seed);
            byte[] key = new byte[32];
            random.nextBytes(key);
            byte[] plaintext = new byte[len];
            random.nextBytes(plaintext);
            FastAead aead = new FastAead();
            aead.setKey(key);
            byte[] sealed = new byte[len + 16];
            aead.encrypt(nonce, aad, plaintext, 0, len, sealed, 0);
            byte[] badAad = aad.clone();
            if (flipAad && aad.length > 0) {
                badAad[where % aad.length] ^= (byte) (1 << bit);
            } else {
                sealed[where % sealed.length] ^= (byte) (1 << bit);
            }
            byte[] out = new byte[len];
            Arrays.fill(out, (byte) 0x5a);
            byte[] untouched = out.clone();
            assertThatThrownBy(() -> aead.decrypt(nonce, badAad, sealed, 0, sealed.length, out, 0))
                    .isInstanceOf(DecryptionException.class)
                    .hasMessageContaining("tag mismatch at nonce " + Long.toUnsignedString(nonce));
            assertThat(out).isEqualTo(untouched);
        });
    }

    @Test
    void wrongNonceIsRejectedAndTheRightOneStillWorks() {
        FastAead aead = new FastAead();
        aead.setKey(new byte[32]);
        byte[] sealed = new byte[21];
        aead.encrypt(5, new byte[0], new byte[] {1, 2, 3, 4, 5}, 0, 5, sealed, 0);
        byte[] out = new byte[5];
        assertThatThrownBy(() -> aead.decrypt(6, new byte[0], sealed, 0, 21, out, 0))
                .isInstanceOf(DecryptionException.class);
        assertThat(out).containsOnly(0);
        aead.decrypt(5, new byte[0], sealed, 0, 21, out, 0);
        aead.decrypt(5, new byte[0], sealed, 0, 21, out, 0); // decrypting the same nonce twice is allowed
        assertThat(out).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void encryptingTwiceWithOneNonceIsRefused() {
        FastAead aead = new FastAead();
        aead.setKey(new byte[32]);
        byte[] sealed = new byte[17];
        aead.encrypt(3, new byte[0], new byte[] {7}, 0, 1, sealed, 0);
        assertThatThrownBy(() -> aead.encrypt(3, new byte[0], new byte[] {8}, 0, 1, new byte[17], 0))
                .isInstanceOf(NoiseException.class).hasMessageContaining("same ChaCha20-Poly1305 key and nonce");
        aead.setKey(new byte[32]); // same key again: still refused
        assertThatThrownBy(() -> aead.encrypt(3, new byte[0], new byte[] {8}, 0, 1, new byte[17], 0))
                .isInstanceOf(NoiseException.class);
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        aead.setKey(otherKey);
        aead.encrypt(3, new byte[0], new byte[] {8}, 0, 1, new byte[17], 0);
    }

    @Test
    void shortBuffersAreRejectedWithTypedExceptions() {
        FastAead aead = new FastAead();
        aead.setKey(new byte[32]);
        assertThatThrownBy(() -> aead.encrypt(0, new byte[0], new byte[10], 0, 10, new byte[25], 0))
                .isInstanceOf(NoiseException.class).hasMessageContaining("output buffer of 25 bytes");
        assertThatThrownBy(() -> aead.decrypt(0, new byte[0], new byte[15], 0, 15, new byte[0], 0))
                .isInstanceOf(DecryptionException.class).hasMessageContaining("shorter than the tag");
        assertThatThrownBy(() -> aead.decrypt(0, new byte[0], new byte[20], 0, 30, new byte[20], 0))
                .isInstanceOf(NoiseException.class).hasMessageContaining("input buffer of 20 bytes");
    }

    /** Every back end usable in this JVM; Conscrypt is a dependency of the module, so it is there on Linux x86-64. */
    static NoiseCrypto[] allBackends() {
        return NoiseCrypto.CONSCRYPT == null
                ? new NoiseCrypto[] {NoiseCrypto.FAST, NoiseCrypto.JDK, NoiseCrypto.BOUNCY_CASTLE}
                : new NoiseCrypto[] {NoiseCrypto.CONSCRYPT, NoiseCrypto.FAST, NoiseCrypto.JDK, NoiseCrypto.BOUNCY_CASTLE};
    }

    @Test
    void defaultIsConscryptWhereItLoadsElseFast() {
        assertThat(FastAead.available()).isTrue();
        if (System.getProperty(NoiseCrypto.BACKEND_PROPERTY) != null) {
            return; // chosen by the property; the choice is covered by backendPropertyIsHonoured
        }
        boolean linuxX64 = System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
        if (linuxX64) {
            assertThat(NoiseCipherBackend.CONSCRYPT.isAvailable()).isTrue();
        }
        NoiseCipherBackend expected = NoiseCipherBackend.CONSCRYPT.isAvailable()
                ? NoiseCipherBackend.CONSCRYPT : NoiseCipherBackend.FAST;
        assertThat(NoiseCipherBackend.defaultBackend()).isEqualTo(expected);
    }

    @Test
    void everyAvailableBackendPassesTheRfc8439SelfTest() {
        for (NoiseCrypto c : allBackends()) {
            assertThat(NoiseCrypto.selfTest(c)).as(c.name()).isTrue();
        }
    }

    @Test
    void selfTestRejectsABackendThatGetsTheVectorWrong() {
        NoiseCrypto broken = new NoiseCrypto() {
            @Override
            String name() {
                return "broken";
            }

            @Override
            Aead newAead() {
                Aead good = NoiseCrypto.BOUNCY_CASTLE.newAead();
                return new Aead() {
                    @Override
                    void setKey(byte[] key) {
                        good.setKey(key);
                    }

                    @Override
                    int encrypt(long n, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
                        throw new AssertionError("unused");
                    }

                    @Override
                    int decrypt(long n, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
                        throw new AssertionError("unused");
                    }

                    @Override
                    int seal(byte[] n, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
                        int w = good.seal(n, ad, in, inOff, len, out, outOff);
                        out[outOff + w - 1] ^= 1; // a wrong tag bit
                        return w;
                    }

                    @Override
                    int open(byte[] n, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
                        return good.open(n, ad, in, inOff, len, out, outOff);
                    }
                };
            }

            @Override
            byte[] publicKey(byte[] privateKey) {
                return NoiseCrypto.BOUNCY_CASTLE.publicKey(privateKey);
            }

            @Override
            byte[] dh(byte[] privateKey, byte[] publicKey) {
                return NoiseCrypto.BOUNCY_CASTLE.dh(privateKey, publicKey);
            }
        };
        assertThat(NoiseCrypto.selfTest(broken)).isFalse();
        assertThat(NoiseCrypto.selfTest(NoiseCrypto.BOUNCY_CASTLE)).isTrue();
    }

    @Test
    void publicBackendsInteroperate() {
        qt().withFixedSeed(0xFA04L).withExamples(20).forAll(bytes(0, 3000))
                .checkAssert(plaintext -> {
            byte[] key = new byte[32];
            Arrays.fill(key, (byte) 9);
            for (NoiseCipherBackend sender : NoiseCipherBackend.values()) {
                for (NoiseCipherBackend receiver : NoiseCipherBackend.values()) {
                    CipherState enc = sender.newCipherState(key);
                    CipherState dec = receiver.newCipherState(key);
                    byte[] sealed = new byte[plaintext.length + 16];
                    byte[] back = new byte[plaintext.length];
                    for (int round = 0; round < 2; round++) {
                        enc.encrypt(plaintext, 0, plaintext.length, sealed, 0);
                        dec.decrypt(sealed, 0, sealed.length, back, 0);
                        assertThat(back).isEqualTo(plaintext);
                    }
                }
            }
        });
    }
}
