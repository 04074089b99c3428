package io.gridoverlay.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests for the record decoders. In the normal build each replays its committed corpus
 * (src/test/resources/.../RecordFuzzTestInputs/&lt;method&gt;); {@code mvn -Pfuzz} fuzzes one of them.
 * Decoders may reject input only with {@link InvalidRecordException} (or a subclass).
 */
class RecordFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void envelopeOpen(byte[] data) {
        try {
            Envelope env = Envelope.open(data, PeerRecord.DOMAIN);
            assertThat(env.toBytes()).isEqualTo(data);
            assertThat(env.publicKey().verify(Envelope.signedBytes(PeerRecord.DOMAIN, env.payloadType(),
                    env.payload()), env.signature())).isTrue();
            try {
                PeerRecord.fromEnvelope(env);
            } catch (InvalidRecordException expected) {
                // a valid envelope need not carry a valid peer record
            }
        } catch (InvalidEnvelopeException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void peerRecordDecode(byte[] data) {
        try {
            PeerRecord record = PeerRecord.decode(data);
            assertThat(PeerRecord.decode(record.encode())).isEqualTo(record);
        } catch (InvalidRecordException expected) {
            // typed rejection
        }
    }
}
