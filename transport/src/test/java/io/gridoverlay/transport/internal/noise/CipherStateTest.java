package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.DecryptionException;
import io.gridoverlay.transport.noise.NonceExhaustedException;

import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;

class CipherStateTest {
    private static CipherState keyed(NoiseCrypto crypto, byte fill) {
        CipherState c = new CipherState(crypto);
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, fill);
        c.initializeKey(key);
        return c;
    }

    @Test
    void reservedNonceIsNeverUsed() {
        CipherState c = keyed(NoiseCrypto.DEFAULT, (byte) 7);
        c.setNonce(-2L); // 2^64-2: the last usable nonce
        byte[] out = new byte[16];
        c.encrypt(new byte[0], 0, 0, out, 0);
        assertThat(c.nonce()).isEqualTo(-1L);
        assertThatThrownBy(() -> c.encrypt(new byte[0], 0, 0, out, 0))
                .isInstanceOf(NonceExhaustedException.class);
        CipherState d = keyed(NoiseCrypto.DEFAULT, (byte) 7);
        d.setNonce(-1L);
        assertThatThrownBy(() -> d.decrypt(out, 0, 16, new byte[0], 0))
                .isInstanceOf(NonceExhaustedException.class);
    }

    @Test
    void badTagFailsAndKeepsTheNonce() {
        CipherState enc = keyed(NoiseCrypto.DEFAULT, (byte) 1);
        CipherState dec = keyed(NoiseCrypto.DEFAULT, (byte) 1);
        byte[] ct = new byte[20];
        enc.encrypt(new byte[] {1, 2, 3, 4}, 0, 4, ct, 0);
        ct[2] ^= 0x40;
        assertThatThrownBy(() -> dec.decrypt(ct, 0, ct.length, new byte[4], 0))
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("tag mismatch at nonce 0");
        assertThat(dec.nonce()).isZero();
    }

    @Test
    void ciphertextShorterThanTagIsRejected() {
        CipherState dec = keyed(NoiseCrypto.DEFAULT, (byte) 1);
        assertThatThrownBy(() -> dec.decrypt(new byte[15], 0, 15, new byte[0], 0))
                .isInstanceOf(DecryptionException.class);
    }

    @Test
    void backendsProduceIdenticalCiphertexts() {
        qt().withFixedSeed(0xC501L).withExamples(50).forAll(bytes(0, 2000))
                .checkAssert(plaintext -> {
            CipherState jdk = keyed(NoiseCrypto.JDK, (byte) 3);
            CipherState bc = keyed(NoiseCrypto.BOUNCY_CASTLE, (byte) 3);
            byte[] a = new byte[plaintext.length + 16];
            byte[] b = new byte[plaintext.length + 16];
            for (int round = 0; round < 3; round++) {
                jdk.encrypt(plaintext, 0, plaintext.length, a, 0);
                bc.encrypt(plaintext, 0, plaintext.length, b, 0);
                assertThat(a).isEqualTo(b);
            }
            CipherState dec = keyed(NoiseCrypto.BOUNCY_CASTLE, (byte) 3);
            dec.setNonce(2);
            byte[] back = new byte[plaintext.length];
            dec.decrypt(a, 0, a.length, back, 0);
            assertThat(back).isEqualTo(plaintext);
        });
    }
}
