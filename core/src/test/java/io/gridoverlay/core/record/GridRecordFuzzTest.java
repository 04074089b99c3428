package io.gridoverlay.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;

/**
 * Jazzer fuzz tests for the grid record decoders. In the normal build each replays its committed corpus
 * (src/test/resources/.../RecordFuzzTestInputs/&lt;method&gt;, real encoded records); {@code mvn -Pfuzz}
 * fuzzes one of them. A decoder may reject input only with {@link InvalidRecordException} (or an
 * {@code Invalid} verification); accepted input must survive a re-encode round trip.
 */
class GridRecordFuzzTest {
    private static final Instant NOW = Fixtures.NOW;
    private static final SignedDeployment TARGET = Fixtures.successor(Fixtures.v0(), "vm1", new byte[] {9});

    @FuzzTest(maxDuration = "30s")
    void capacityDecode(byte[] data) {
        try {
            CapacityRecord r = CapacityRecord.decode(data);
            assertThat(CapacityRecord.decode(r.encode())).isEqualTo(r);
            JsonCheck.parse(r.toJson());
        } catch (InvalidRecordException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void capacityOpen(byte[] data) {
        Verification<SignedRecord<CapacityRecord>> v = CapacityRecord.open(data, NOW);
        if (v instanceof Verification.Valid<SignedRecord<CapacityRecord>> ok) {
            assertThat(ok.value().toBytes()).isEqualTo(data);
            assertThat(ok.value().envelope().peerId()).isEqualTo(ok.value().record().nodeId());
        }
    }

    @FuzzTest(maxDuration = "30s")
    void deploymentDecode(byte[] data) {
        try {
            SignedDeployment d = SignedDeployment.decode(data);
            assertThat(SignedDeployment.decode(d.toBytes())).isEqualTo(d);
            if (d.verify(NOW) instanceof Verification.Valid<SignedDeployment> ok) {
                assertThat(ok.value().signatures()).isNotEmpty();
            }
            JsonCheck.parse(d.toJson());
        } catch (InvalidRecordException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void deploymentOpenEnvelope(byte[] data) {
        try {
            SignedDeployment d = SignedDeployment.openEnvelope(data);
            d.verify(NOW);
            assertThat(SignedDeployment.decode(d.toBytes())).isEqualTo(d);
        } catch (InvalidRecordException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void acceptanceDecode(byte[] data) {
        try {
            Acceptance a = Acceptance.decode(data);
            assertThat(Acceptance.decode(a.encode())).isEqualTo(a);
            JsonCheck.parse(a.toJson());
        } catch (InvalidRecordException expected) {
            // typed rejection
        }
        Acceptance.open(data, TARGET);
    }

    @FuzzTest(maxDuration = "30s")
    void equivocationDecode(byte[] data) {
        try {
            EquivocationProof p = EquivocationProof.decode(data);
            assertThat(EquivocationProof.decode(p.encode())).isEqualTo(p);
            p.verify();
        } catch (InvalidRecordException expected) {
            // typed rejection
        }
    }
}
