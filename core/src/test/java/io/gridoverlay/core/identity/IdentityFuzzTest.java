package io.gridoverlay.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests for the identity decoders. In the normal build each replays its committed corpus
 * (src/test/resources/.../IdentityFuzzTestInputs/&lt;method&gt;); {@code mvn -Pfuzz} fuzzes one of them.
 * Decoders may reject input only with their typed exception; accepted input must re-encode to the same bytes.
 */
class IdentityFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void publicKeyDecode(byte[] data) {
        try {
            PublicKey key = PublicKey.decode(data);
            assertThat(key.encode()).isEqualTo(data);
            assertThat(key.verify(data, data)).isFalse();
        } catch (InvalidKeyException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void privateKeyDecode(byte[] data) {
        try {
            PrivateKey key = PrivateKey.decode(data);
            if (data.length != 4 + 96) { // the legacy 96-byte Ed25519 form re-encodes to the 64-byte form
                assertThat(key.encode()).isEqualTo(data);
            }
            assertThat(key.publicKey().verify(data, key.sign(data))).isTrue();
        } catch (InvalidKeyException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void peerIdFromBytes(byte[] data) {
        try {
            PeerId id = PeerId.fromBytes(data);
            assertThat(id.toBytes()).isEqualTo(data);
            assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
            assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
        } catch (InvalidPeerIdException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void peerIdParse(FuzzedDataProvider in) {
        String text = in.consumeRemainingAsString();
        try {
            PeerId id = PeerId.parse(text);
            assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id);
        } catch (InvalidPeerIdException expected) {
            // typed rejection
        }
    }
}
