package io.gridoverlay.transport.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests of the Noise decoders: the libp2p handshake payload and the responder's processing of
 * an arbitrary first handshake message. Without JAZZER_FUZZ each replays its corpus in
 * src/test/resources/.../NoiseFuzzTestInputs/&lt;method&gt;. Rejection must be a {@link HandshakeException}.
 */
class NoiseFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void handshakePayload(byte[] data) {
        try {
            NoisePayload p = NoisePayload.decode(data);
            assertThat(p.identityKey()).isNotEmpty();
            assertThat(p.identitySignature()).isNotEmpty();
            NoisePayload again = NoisePayload.decode(p.encode());
            assertThat(again.identityKey()).isEqualTo(p.identityKey());
            assertThat(again.streamMuxers()).isEqualTo(p.streamMuxers());
        } catch (HandshakeException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void responderReadsArbitraryFirstMessage(byte[] data) {
        NoiseHandshake resp = NoiseHandshake.responder(CONFIG);
        try {
            resp.readMessage(data);
            assertThat(data.length).isGreaterThanOrEqualTo(32);
            assertThat(resp.writeMessage()).hasSizeGreaterThan(32 + 48);
        } catch (HandshakeException expected) {
            // typed rejection (short message or low-order ephemeral key)
        }
    }

    private static final NoiseConfig CONFIG = TestIdentities.config(new TestIdentities.Ed25519Identity(), "/yamux/1.0.0");
}
