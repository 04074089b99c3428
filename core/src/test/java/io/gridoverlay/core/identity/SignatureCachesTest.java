package io.gridoverlay.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SignatureCachesTest {

    @AfterEach
    void restoreDefaults() {
        SignatureCaches.setMaximumSizes(SignatureCaches.DEFAULT_MAX_PUBLIC_KEYS,
                SignatureCaches.DEFAULT_MAX_VERIFICATIONS);
    }

    @Test
    void cachedVerificationStillRejectsATamperedSignatureMessageOrKey() {
        PrivateKey key = Ed25519.generate().privateKey();
        PublicKey pub = key.publicKey();
        byte[] data = "capacity record payload".getBytes(StandardCharsets.UTF_8);
        byte[] sig = key.sign(data);

        assertThat(pub.verify(data, sig)).isTrue();
        long hits = SignatureCaches.stats().verificationHits();
        assertThat(pub.verify(data, sig)).isTrue();
        // the second call was answered by the cache, so the checks below run with a warm entry
        assertThat(SignatureCaches.stats().verificationHits()).isEqualTo(hits + 1);

        for (int bit = 0; bit < sig.length * 8; bit += 7) {
            byte[] badSig = sig.clone();
            badSig[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(pub.verify(data, badSig)).as("signature bit %d flipped", bit).isFalse();
        }
        for (int bit = 0; bit < data.length * 8; bit += 5) {
            byte[] badData = data.clone();
            badData[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(pub.verify(badData, sig)).as("data bit %d flipped", bit).isFalse();
        }
        assertThat(Ed25519.generate().publicKey().verify(data, sig)).as("another key").isFalse();
        // a longer message that starts with the signed one must not collide with it
        byte[] extended = java.util.Arrays.copyOf(data, data.length + 1);
        assertThat(pub.verify(extended, sig)).isFalse();
        // still valid afterwards, from the cache
        assertThat(pub.verify(data, sig)).isTrue();
    }

    @Test
    void failedVerificationsAreNotRemembered() {
        PrivateKey key = Ed25519.generate().privateKey();
        byte[] data = {1, 2, 3};
        byte[] badSig = key.sign(data);
        badSig[0] ^= 1;
        assertThat(key.publicKey().verify(data, badSig)).isFalse();
        long hits = SignatureCaches.stats().verificationHits();
        assertThat(key.publicKey().verify(data, badSig)).isFalse();
        assertThat(SignatureCaches.stats().verificationHits()).isEqualTo(hits);
    }

    @Test
    void decodedKeysComeFromTheCacheAndDoNotAliasTheCallersArray() {
        PublicKey pub = Ed25519.generate().publicKey();
        byte[] encoded = pub.encode();
        PublicKey first = PublicKey.decode(encoded);
        long hits = SignatureCaches.stats().keyHits();
        PublicKey second = PublicKey.decode(pub.encode());
        assertThat(second).isSameAs(first);
        assertThat(SignatureCaches.stats().keyHits()).isEqualTo(hits + 1);

        encoded[encoded.length - 1] ^= 1;     // the caller reuses its buffer
        assertThat(PublicKey.decode(pub.encode())).isEqualTo(pub);
        assertThat(PublicKey.decode(encoded)).isNotEqualTo(pub);
    }

    @Test
    void invalidKeysAreRejectedEveryTime() {
        byte[] bad = {0x08, 0x01, 0x12, 0x02, 0x01, 0x02};  // an Ed25519 key of 2 bytes
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> PublicKey.decode(bad)).isInstanceOf(InvalidKeyException.class);
        }
    }

    @Test
    void disabledCachesStillVerifyCorrectly() {
        SignatureCaches.setMaximumSizes(0, 0);
        PrivateKey key = Ed25519.generate().privateKey();
        byte[] data = {9, 8, 7};
        byte[] sig = key.sign(data);
        SignatureCaches.Stats before = SignatureCaches.stats();
        assertThat(PublicKey.decode(key.publicKey().encode()).verify(data, sig)).isTrue();
        assertThat(key.publicKey().verify(data, sig)).isTrue();
        sig[5] ^= 4;
        assertThat(key.publicKey().verify(data, sig)).isFalse();
        assertThat(SignatureCaches.stats()).isEqualTo(before);
        assertThatThrownBy(() -> SignatureCaches.setMaximumSizes(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
