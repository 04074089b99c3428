package io.gridoverlay.core.identity;

import static io.gridoverlay.core.identity.TestVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.proto.CryptoProtos;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class KeysTest {
    private static final byte[] MESSAGE = "libp2p test message".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "secp256k1", "ecdsa", "rsa"})
    void specVectorsDecodeReencodeAndDerivePublicKey(String type) {
        byte[] privBytes = TestVectors.get(type + "-private-key");
        byte[] pubBytes = TestVectors.get(type + "-public-key");

        PrivateKey priv = PrivateKey.decode(privBytes);
        PublicKey pub = PublicKey.decode(pubBytes);

        assertThat(priv.encode()).isEqualTo(privBytes);
        assertThat(pub.encode()).isEqualTo(pubBytes);
        assertThat(priv.publicKey()).isEqualTo(pub);
        assertThat(priv.publicKey().encode()).isEqualTo(pubBytes);
        assertThat(priv.keyType()).isEqualTo(pub.keyType());

        byte[] sig = priv.sign(MESSAGE);
        assertThat(pub.verify(MESSAGE, sig)).isTrue();
        assertThat(pub.verify("other".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
        byte[] bad = sig.clone();
        bad[bad.length - 1] ^= 1;
        assertThat(pub.verify(MESSAGE, bad)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "secp256k1", "ecdsa", "rsa"})
    void encodingMatchesProtobufLibrary(String type) throws Exception {
        byte[] pubBytes = TestVectors.get(type + "-public-key");
        CryptoProtos.PublicKey parsed = CryptoProtos.PublicKey.parseFrom(pubBytes);
        PublicKey pub = PublicKey.decode(pubBytes);
        assertThat(parsed.getType().getNumber()).isEqualTo(pub.keyType().code());
        assertThat(parsed.getData().toByteArray()).isEqualTo(pub.raw());
        assertThat(parsed.toByteArray()).isEqualTo(pub.encode());
    }

    @Test
    void specVectorsGiveExpectedPeerIdForms() {
        assertThat(PublicKey.decode(TestVectors.get("ed25519-public-key")).peerId().toBase58()).startsWith("12D3KooW");
        assertThat(PublicKey.decode(TestVectors.get("secp256k1-public-key")).peerId().toBase58()).startsWith("16Uiu2");
        assertThat(PublicKey.decode(TestVectors.get("ecdsa-public-key")).peerId().toBase58()).startsWith("Qm");
        assertThat(PublicKey.decode(TestVectors.get("rsa-public-key")).peerId().toBase58()).startsWith("Qm");
    }

    @Test
    void knownEd25519KeyPairAndPeerId() {
        // A js-libp2p generated identity (protobuf public/private key and its peer id).
        PrivateKey priv = PrivateKey.decode(hex("08011240e7febbcaab4578f42a70dccfe0a30af797877c452ac8f7f01f8b26ea1666aab9"
                + "c68cbe0621eef469263ebaf606fa38b30e993174b84e73af83454fdc3162f77b"));
        assertThat(priv.publicKey().encode())
                .isEqualTo(hex("08011220c68cbe0621eef469263ebaf606fa38b30e993174b84e73af83454fdc3162f77b"));
        assertThat(priv.peerId().toBase58()).isEqualTo("12D3KooWPBRNBzgceXh7Z27wGoyYYz9ggwaYg2dWiwXXe8ieyFCN");
    }

    @Test
    void rfc8032TestVector1() {
        // RFC 8032 section 7.1, TEST 1 (empty message).
        Ed25519PrivateKey key = Ed25519.fromSeed(hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertThat(key.publicKey().raw())
                .isEqualTo(hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
        assertThat(key.sign(new byte[0])).isEqualTo(hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
    }

    @Test
    void generatedKeysSignAndVerify() {
        for (KeyPair pair : new KeyPair[] {Ed25519.generate(), Secp256k1PrivateKey.generate(), EcdsaPrivateKey.generate()}) {
            byte[] sig = pair.sign(MESSAGE);
            assertThat(pair.publicKey().verify(MESSAGE, sig)).as(pair.toString()).isTrue();
            assertThat(PrivateKey.decode(pair.privateKey().encode())).isEqualTo(pair.privateKey());
            assertThat(PublicKey.decode(pair.publicKey().encode())).isEqualTo(pair.publicKey());
        }
    }

    @Test
    void secp256k1SignaturesAreLowS() {
        PrivateKey key = PrivateKey.decode(TestVectors.get("secp256k1-private-key"));
        java.math.BigInteger halfN = EcSupport.SECP256K1.getN().shiftRight(1);
        for (int i = 0; i < 20; i++) {
            byte[] sig = key.sign(new byte[] {(byte) i});
            java.math.BigInteger[] rs = EcSupport.parseDer(sig, EcSupport.SECP256K1.getN());
            assertThat(rs).isNotNull();
            assertThat(rs[1]).isLessThanOrEqualTo(halfN);
        }
    }

    @Test
    void ecdsaRejectsNonCanonicalDerSignature() {
        KeyPair pair = EcdsaPrivateKey.generate();
        byte[] sig = pair.sign(MESSAGE);
        byte[] trailing = Arrays.copyOf(sig, sig.length + 1);
        assertThat(pair.publicKey().verify(MESSAGE, trailing)).isFalse();
        assertThat(pair.publicKey().verify(MESSAGE, new byte[0])).isFalse();
    }

    @Test
    void ed25519LegacyPrivateKeyFormIsRead() {
        byte[] raw = Arrays.copyOfRange(TestVectors.get("ed25519-private-key"), 4, 68);
        byte[] legacy = new byte[96];
        System.arraycopy(raw, 0, legacy, 0, 64);
        System.arraycopy(raw, 32, legacy, 64, 32);
        PrivateKey key = PrivateKey.decode(CryptoProtos.PrivateKey.newBuilder().setType(CryptoProtos.KeyType.Ed25519)
                .setData(com.google.protobuf.ByteString.copyFrom(legacy)).build().toByteArray());
        assertThat(key.encode()).isEqualTo(TestVectors.get("ed25519-private-key"));

        legacy[95] ^= 1;
        assertThatThrownBy(() -> Ed25519PrivateKey.fromRaw(legacy)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("two different public keys");
    }

    @Test
    void ed25519PrivateKeyWithWrongPublicHalfIsRejected() {
        byte[] bytes = TestVectors.get("ed25519-private-key");
        bytes[bytes.length - 1] ^= 1;
        assertThatThrownBy(() -> PrivateKey.decode(bytes)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("does not match the seed");
    }

    @Test
    void strictProtobufDecoding() {
        byte[] good = TestVectors.get("ed25519-public-key");
        // Fields swapped: Data first, then Type.
        byte[] swapped = new byte[good.length];
        System.arraycopy(good, 2, swapped, 0, good.length - 2);
        swapped[good.length - 2] = 0x08;
        swapped[good.length - 1] = 0x01;
        assertRejected(swapped, "expected field 1");
        assertRejected(Arrays.copyOf(good, good.length + 1), "trailing");
        assertRejected(Arrays.copyOf(good, good.length - 1), "only");
        assertRejected(hex("0801"), "missing field 2");
        assertRejected(hex("1220" + "00".repeat(32)), "expected field 1");
        assertRejected(concat(good, hex("1801")), "trailing");
        assertRejected(hex("0805122000"), "unknown key type 5");
        assertRejected(hex("0881001220" + "00".repeat(32)), "non-minimal");
        assertRejected(hex("08011a00"), "expected field 2");
        assertRejected(hex("0801121f" + "00".repeat(31)), "must be 32 bytes");
        assertRejected(new byte[0], "empty");
        assertRejected(new byte[PublicKey.MAX_ENCODED_LENGTH + 1], "exceeds");
    }

    @Test
    void invalidKeyMaterialIsRejected() {
        // secp256k1: uncompressed form and a point not on the curve.
        assertRejected(hex("08021241" + "04" + "00".repeat(64)), "33-byte compressed");
        assertRejected(hex("08021221" + "02" + "ff".repeat(32)), "not a valid curve point");
        // ECDSA: truncated SPKI.
        assertRejected(Arrays.copyOf(TestVectors.get("ecdsa-public-key"), 60), "only");
        byte[] ecdsa = TestVectors.get("ecdsa-public-key");
        ecdsa[ecdsa.length - 1] ^= 1; // moves the point off the curve
        assertRejected(ecdsa, "not a valid curve point");
        // secp256k1 private scalar zero / out of range.
        assertThatThrownBy(() -> PrivateKey.decode(hex("08021220" + "00".repeat(32))))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("[1, n-1]");
        assertThatThrownBy(() -> PrivateKey.decode(hex("08021220" + "ff".repeat(32))))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("[1, n-1]");
        // ECDSA private key whose embedded public point does not match.
        byte[] ecdsaPriv = TestVectors.get("ecdsa-private-key");
        ecdsaPriv[ecdsaPriv.length - 1] ^= 1;
        assertThatThrownBy(() -> PrivateKey.decode(ecdsaPriv)).isInstanceOf(InvalidKeyException.class);
        // RSA: a modulus byte changed makes the private key inconsistent.
        byte[] rsaPriv = TestVectors.get("rsa-private-key");
        rsaPriv[20] ^= 1;
        assertThatThrownBy(() -> PrivateKey.decode(rsaPriv)).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void rsaKeysTooSmallAreRejected() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        byte[] spki = g.generateKeyPair().getPublic().getEncoded();
        assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.RSA, spki)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("1024 bits");
    }

    @Test
    void rsaKeyFromJdkVerifiesJdkSignature() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair jdk = g.generateKeyPair();
        PublicKey key = PublicKey.fromRaw(KeyType.RSA, jdk.getPublic().getEncoded());
        java.security.Signature s = java.security.Signature.getInstance("SHA256withRSA");
        s.initSign(jdk.getPrivate());
        s.update(MESSAGE);
        assertThat(key.verify(MESSAGE, s.sign())).isTrue();
        assertThat(key.peerId().toBase58()).startsWith("Qm");
    }

    @Test
    void toStringShowsNoKeyMaterial() {
        PrivateKey priv = PrivateKey.decode(TestVectors.get("ed25519-private-key"));
        assertThat(priv.toString()).contains("ED25519").contains(priv.peerId().toBase58())
                .doesNotContain("7e0830617c4a7de8");
    }

    private static void assertRejected(byte[] bytes, String message) {
        assertThatThrownBy(() -> PublicKey.decode(bytes)).isInstanceOf(InvalidKeyException.class)
                .isInstanceOf(DecodingException.class).hasMessageContaining(message);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
