package io.gridoverlay.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.DecodingException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Round-trip laws and rejection behaviour of keys and peer ids. */
class IdentityPropertiesTest {

    @Provide
    Arbitrary<byte[]> seeds() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32);
    }

    @Property(tries = 200)
    void ed25519KeysRoundTrip(@ForAll("seeds") byte[] seed, @ForAll @Size(max = 200) byte[] message) {
        Ed25519PrivateKey key = Ed25519.fromSeed(seed);
        assertThat(PrivateKey.decode(key.encode())).isEqualTo(key);
        assertThat(PublicKey.decode(key.publicKey().encode())).isEqualTo(key.publicKey());
        assertThat(key.publicKey().verify(message, key.sign(message))).isTrue();
        assertThat(Ed25519.fromSeed(seed).sign(message)).isEqualTo(key.sign(message));
    }

    @Property(tries = 50)
    void ecKeysRoundTrip(@ForAll("seeds") byte[] scalar, @ForAll @Size(max = 100) byte[] message) {
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
    }

    @Property(tries = 200)
    void peerIdTextAndBinaryFormsRoundTrip(@ForAll("seeds") byte[] seed) {
        PeerId id = Ed25519.fromSeed(seed).peerId();
        assertThat(id.toBase58()).startsWith("12D3KooW");
        assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
        assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
        assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id).hasSameHashCodeAs(id);
        assertThat(PeerId.parse(id.toBase58()).compareTo(id)).isZero();
        assertThat(id.publicKey()).contains(Ed25519.fromSeed(seed).publicKey());
    }

    @Property(tries = 200)
    void sha256PeerIdsRoundTrip(@ForAll("seeds") byte[] digest) {
        byte[] mh = new byte[34];
        mh[0] = 0x12;
        mh[1] = 32;
        System.arraycopy(digest, 0, mh, 2, 32);
        PeerId id = PeerId.fromBytes(mh);
        assertThat(id.toBase58()).startsWith("Qm");
        assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
        assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
    }

    @Property(tries = 300)
    void compareToIsAntisymmetricAndConsistentWithEquals(@ForAll("seeds") byte[] a, @ForAll("seeds") byte[] b) {
        PeerId x = Ed25519.fromSeed(a).peerId();
        PeerId y = Ed25519.fromSeed(b).peerId();
        assertThat(Integer.signum(x.compareTo(y))).isEqualTo(-Integer.signum(y.compareTo(x)));
        assertThat(x.compareTo(y) == 0).isEqualTo(x.equals(y));
    }

    @Property(tries = 1000)
    void keyDecodersThrowOnlyTypedExceptions(@ForAll @Size(max = 200) byte[] bytes) {
        for (java.util.function.Consumer<byte[]> decoder : java.util.List.<java.util.function.Consumer<byte[]>>of(
                PublicKey::decode, PrivateKey::decode, PeerId::fromBytes)) {
            try {
                decoder.accept(bytes);
            } catch (DecodingException expected) {
                assertThat(expected).isInstanceOfAny(InvalidKeyException.class, InvalidPeerIdException.class);
            }
        }
    }

    @Property(tries = 1000)
    void keyDecodersThrowOnlyTypedExceptionsOnNearlyValidInput(@ForAll @Size(max = 40) byte[] data,
            @ForAll int type) {
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
    }

    @Property(tries = 1000)
    void parseThrowsOnlyTypedExceptions(@ForAll @StringLength(max = 80) String text) {
        try {
            PeerId id = PeerId.parse(text);
            assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
        } catch (InvalidPeerIdException expected) {
            // typed rejection
        }
    }

    @Property(tries = 1000)
    void parseOfBase58AlphabetThrowsOnlyTypedExceptions(
            @ForAll("base58Text") String text) {
        try {
            PeerId.parse(text);
        } catch (InvalidPeerIdException expected) {
            // typed rejection
        }
    }

    @Provide
    Arbitrary<String> base58Text() {
        return Arbitraries.strings().withChars("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
                .ofMinLength(1).ofMaxLength(60).map(s -> (s.length() % 2 == 0 ? "1" : "Qm") + s);
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
