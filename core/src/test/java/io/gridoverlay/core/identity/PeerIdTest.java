package io.gridoverlay.core.identity;

import static io.gridoverlay.core.identity.TestVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.encoding.Base32;
import io.gridoverlay.core.encoding.Base58;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerIdTest {

    @Test
    void specExamplesParseInBothForms() {
        PeerId sha = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        PeerId cid = PeerId.parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
        assertThat(cid).isEqualTo(sha);
        assertThat(sha.toCid()).isEqualTo("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
        assertThat(cid.toBase58()).isEqualTo("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        assertThat(sha.publicKey()).isEmpty();
        assertThat(sha.length()).isEqualTo(34);

        PeerId ed = PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        assertThat(ed.publicKey()).get().extracting(PublicKey::keyType).isEqualTo(KeyType.ED25519);
        assertThat(ed.publicKey().get().peerId()).isEqualTo(ed);
        assertThat(PeerId.parse(ed.toCid())).isEqualTo(ed);
        assertThat(ed.toCid()).startsWith("bafzaa");
        assertThat(ed.toString()).isEqualTo("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
    }

    @Test
    void identityForShortKeysSha256ForLongOnes() {
        PublicKey ed = PublicKey.decode(TestVectors.get("ed25519-public-key"));
        assertThat(ed.peerId().toBytes()).startsWith(0x00, 36).endsWith(ed.encode());
        PublicKey secp = PublicKey.decode(TestVectors.get("secp256k1-public-key"));
        assertThat(secp.peerId().toBytes()[0]).isEqualTo((byte) 0x00);
        assertThat(secp.peerId().publicKey()).contains(secp);
        PublicKey ecdsa = PublicKey.decode(TestVectors.get("ecdsa-public-key"));
        assertThat(ecdsa.peerId().toBytes()).startsWith(0x12, 0x20).hasSize(34);
        assertThat(ecdsa.peerId().publicKey()).isEmpty();
        assertThat(ecdsa.peerId().matches(ecdsa)).isTrue();
        assertThat(ecdsa.peerId().matches(ed)).isFalse();
        assertThat(ed.peerId().matches(ecdsa)).isFalse();
    }

    @Test
    void cidWithOtherBasesIsAccepted() {
        PeerId id = PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        byte[] cid = new byte[2 + id.length()];
        cid[0] = 1;
        cid[1] = 0x72;
        System.arraycopy(id.toBytes(), 0, cid, 2, id.length());
        assertThat(PeerId.parse("z" + Base58.encode(cid))).isEqualTo(id);
        assertThat(PeerId.parse("f" + java.util.HexFormat.of().formatHex(cid))).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "x12D3KooW", "Qm", "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5S0",
        "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SAA", "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5",
        "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqx", "BAFZBEIE5745RPV2M6TJYUUGYWY4D5EWRQGQQHFNF445HE3OMZPJBX5XQXE",
        "/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", " QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"})
    void invalidTextIsRejected(String text) {
        assertThatThrownBy(() -> PeerId.parse(text)).isInstanceOf(InvalidPeerIdException.class);
    }

    @Test
    void cidWithWrongCodecOrVersionIsRejected() {
        byte[] mh = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N").toBytes();
        assertThatThrownBy(() -> PeerId.parse("b" + Base32.encode(concat(new byte[] {1, 0x55}, mh))))
                .isInstanceOf(InvalidPeerIdException.class).hasMessageContaining("libp2p-key");
        assertThatThrownBy(() -> PeerId.parse("b" + Base32.encode(concat(new byte[] {2, 0x72}, mh))))
                .isInstanceOf(InvalidPeerIdException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> PeerId.parse("x".repeat(PeerId.MAX_TEXT_LENGTH + 1)))
                .isInstanceOf(InvalidPeerIdException.class).hasMessageContaining("exceeds");
    }

    @Test
    void invalidBinaryFormsAreRejected() {
        assertRejected(new byte[0], "too short");
        assertRejected(hex("1220" + "00".repeat(31)), "34 bytes");
        assertRejected(hex("1220" + "00".repeat(33)), "34 bytes");
        assertRejected(hex("1320" + "00".repeat(32)), "function 0x13");
        assertRejected(hex("002b" + "00".repeat(43)), "more than 42");
        assertRejected(hex("0024080112200000"), "follow");
        assertRejected(hex("0004deadbeef"), "valid public key");
        byte[] ed = PublicKey.decode(TestVectors.get("ed25519-public-key")).peerId().toBytes();
        assertThat(PeerId.fromBytes(ed).toBytes()).isEqualTo(ed);
        assertRejected(Arrays.copyOf(ed, ed.length + 1), "follow");
    }

    @Test
    void orderingIsUnsignedLexicographicAndConsistentWithEquals() {
        PeerId a = PeerId.fromBytes(hex("1220" + "00".repeat(32)));
        PeerId b = PeerId.fromBytes(hex("1220" + "ff".repeat(32)));
        PeerId ed = PublicKey.decode(TestVectors.get("ed25519-public-key")).peerId();
        assertThat(a.compareTo(b)).isNegative();
        assertThat(b.compareTo(a)).isPositive();
        assertThat(ed.compareTo(a)).isNegative(); // identity code 0x00 sorts before 0x12
        assertThat(a.compareTo(PeerId.fromBytes(a.toBytes()))).isZero();
        assertThat(a).isEqualTo(PeerId.fromBytes(a.toBytes())).hasSameHashCodeAs(PeerId.fromBytes(a.toBytes()));
        assertThat(a.publicKey()).isEqualTo(Optional.empty());
    }

    @Test
    void returnedBytesAreCopies() {
        PeerId a = PeerId.fromBytes(hex("1220" + "00".repeat(32)));
        byte[] bytes = a.toBytes();
        bytes[5] = 1;
        assertThat(a.toBytes()[5]).isZero();
    }

    private static void assertRejected(byte[] bytes, String message) {
        assertThatThrownBy(() -> PeerId.fromBytes(bytes)).isInstanceOf(InvalidPeerIdException.class)
                .hasMessageContaining(message);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
