package io.gridoverlay.core.record;

import static io.gridoverlay.core.record.Fixtures.NODE;
import static io.gridoverlay.core.record.Fixtures.NOW;
import static io.gridoverlay.core.record.Fixtures.STRANGER;
import static io.gridoverlay.core.record.Fixtures.T0;
import static io.gridoverlay.core.record.Fixtures.capacity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.proto.GridProtos;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapacityRecordTest {
    private final CapacityRecordValidator validator = new CapacityRecordValidator();
    private final byte[] key = CapacityRecordValidator.keyFor(NODE.peerId());

    private static String reason(Verification<?> v) {
        assertThat(v).isInstanceOf(Verification.Invalid.class);
        return ((Verification.Invalid<?>) v).reason();
    }

    @Test
    void signAndOpenRoundTrip() {
        CapacityRecord r = capacity(1);
        SignedRecord<CapacityRecord> signed = r.sign(NODE);
        SignedRecord<CapacityRecord> opened = CapacityRecord.open(signed.toBytes(), NOW).orElseThrow();
        assertThat(opened.record()).isEqualTo(r);
        assertThat(opened.toBytes()).isEqualTo(signed.toBytes());
        assertThat(opened.envelope().peerId()).isEqualTo(NODE.peerId());
        assertThat(r.gpuCount()).isEqualTo(2);
        assertThat(r.freeGpuCount()).isEqualTo(1);
        assertThat(r.location().country()).isEqualTo("BE");
        assertThat(r.gpus().get(0).vendor()).isEqualTo("nvidia");
    }

    @Test
    void recordWithSubMillisecondTimesEqualsItselfAfterRoundTrip() {
        // regression: Instant.now() has sub-millisecond precision that the wire drops
        Instant issued = Instant.parse("2025-01-01T00:00:00.123456789Z");
        CapacityRecord r = CapacityRecord.builder(NODE.peerId()).issuedAt(issued)
                .uptime(new CapacityRecord.Uptime(issued, issued)).build();
        assertThat(CapacityRecord.decode(r.encode())).isEqualTo(r);
        assertThat(r.issuedAt()).isEqualTo(Instant.parse("2025-01-01T00:00:00.123Z"));
    }

    @Test
    void latitudeOfIntegerMinValueIsRejected() throws Exception {
        // regression: Math.abs(Integer.MIN_VALUE) is negative and passed the range check
        assertThatThrownBy(() -> CapacityRecord.builder(NODE.peerId())
                .location(new CapacityRecord.Location("BE", "", Integer.MIN_VALUE, 0)).build())
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("coordinates");
        byte[] wire = GridProtos.CapacityRecord.newBuilder().mergeFrom(capacity(1).encode())
                .setLocation(GridProtos.Location.newBuilder().setLongitudeE6(Integer.MIN_VALUE)).build().toByteArray();
        assertThatThrownBy(() -> CapacityRecord.decode(wire)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("coordinates");
    }

    @Test
    void signingWithAnotherKeyIsRefused() {
        assertThatThrownBy(() -> capacity(1).sign(STRANGER)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordSignedByAKeyOtherThanTheNodeIsInvalid() {
        Envelope forged = Envelope.seal(STRANGER, CapacityRecord.DOMAIN, CapacityRecord.PAYLOAD_TYPE,
                capacity(1).encode());
        assertThat(reason(CapacityRecord.open(forged.toBytes(), NOW))).contains("signed by another key");
        assertThat(validator.validate(key, forged.toBytes(), NOW).isValid()).isFalse();
    }

    @Test
    void wrongDomainOrPayloadTypeIsInvalid() {
        Envelope otherDomain = Envelope.seal(NODE, "other-domain", CapacityRecord.PAYLOAD_TYPE, capacity(1).encode());
        assertThat(CapacityRecord.open(otherDomain.toBytes(), NOW).isValid()).isFalse();
        Envelope otherType = Envelope.seal(NODE, CapacityRecord.DOMAIN, new byte[] {1}, capacity(1).encode());
        assertThat(reason(CapacityRecord.open(otherType.toBytes(), NOW))).contains("payload type");
    }

    @Test
    void expiredRecordIsInvalid() {
        byte[] env = capacity(1).sign(NODE).toBytes();
        assertThat(reason(CapacityRecord.open(env, T0.plusSeconds(3600)))).contains("expired");
        assertThat(validator.validate(key, env, T0.plusSeconds(7200)).isValid()).isFalse();
        assertThat(validator.validate(key, env, T0.plusSeconds(3599)).isValid()).isTrue();
    }

    @Test
    void recordIssuedFarInTheFutureIsInvalid() {
        byte[] env = capacity(1).sign(NODE).toBytes();
        assertThat(reason(CapacityRecord.open(env, T0.minusSeconds(600)))).contains("future");
        assertThat(CapacityRecord.open(env, T0.minusSeconds(60)).isValid()).isTrue();
    }

    @Test
    void validatorRejectsAForeignKey() {
        byte[] env = capacity(1).sign(NODE).toBytes();
        assertThat(validator.validate(key, env, NOW).isValid()).isTrue();
        assertThat(reason(validator.validate(CapacityRecordValidator.keyFor(STRANGER.peerId()), env, NOW)))
                .contains("foreign key");
        assertThat(validator.namespace()).isEqualTo("grid-cap");
        assertThat(RecordValidator.namespaceOf(key)).isEqualTo("grid-cap");
    }

    @Test
    void higherSequenceWins() {
        byte[] v1 = capacity(1).sign(NODE).toBytes();
        byte[] v2 = capacity(2).sign(NODE).toBytes();
        byte[] v3 = capacity(3).sign(NODE).toBytes();
        assertThat(validator.select(key, List.of(v1, v3, v2), NOW)).isEqualTo(1);
        assertThat(validator.select(key, List.of(v3, v1), NOW)).isZero();
        assertThat(validator.validateReplacement(key, v1, v2, NOW).isValid()).isTrue();
        assertThat(validator.validateReplacement(key, v2, v1, NOW).isValid()).isFalse();
        assertThat(validator.validateReplacement(key, v2, v2, NOW).isValid()).isFalse();
    }

    @Test
    void atEqualSequenceTheLaterExpiryWinsAndInvalidValuesAreSkipped() {
        byte[] early = capacity(5).sign(NODE).toBytes();
        byte[] late = capacity(5).toBuilder().expiresAt(T0.plusSeconds(7200)).build().sign(NODE).toBytes();
        assertThat(validator.select(key, List.of(early, late), NOW)).isEqualTo(1);
        byte[] garbage = {1, 2, 3};
        byte[] foreign = Envelope.seal(STRANGER, CapacityRecord.DOMAIN, CapacityRecord.PAYLOAD_TYPE,
                capacity(9).encode()).toBytes();
        assertThat(validator.select(key, List.of(garbage, foreign, early), NOW)).isEqualTo(2);
        assertThatThrownBy(() -> validator.select(key, List.of(), NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void schemaRulesAreEnforced() {
        CapacityRecord.Builder b = capacity(1).toBuilder();
        assertThatThrownBy(() -> b.free(new CapacityRecord.Resources(99, 0, 0, 0)).build())
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("exceed");
        assertThatThrownBy(() -> capacity(1).toBuilder().expiresAt(T0).build())
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("expiresAt");
        assertThatThrownBy(() -> capacity(1).toBuilder()
                .location(new CapacityRecord.Location("BEL", "", 0, 0)).build())
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("ISO 3166");
        assertThatThrownBy(() -> capacity(1).toBuilder().seq(-1).build())
                .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void decodeRejectsUnknownFieldsAtAnyDepthAndUnknownEnums() throws Exception {
        byte[] good = capacity(1).encode();
        byte[] topLevel = GridProtos.CapacityRecord.newBuilder().mergeFrom(good)
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build()).build().toByteArray();
        assertThatThrownBy(() -> CapacityRecord.decode(topLevel)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("unknown field");
        GridProtos.Resources nested = GridProtos.Resources.newBuilder().setCores(1)
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .addField(9, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build()).build();
        byte[] deep = GridProtos.CapacityRecord.newBuilder().mergeFrom(good).setTotal(nested).setFree(
                GridProtos.Resources.getDefaultInstance()).build().toByteArray();
        assertThatThrownBy(() -> CapacityRecord.decode(deep)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("unknown field");
        byte[] badEnum = GridProtos.CapacityRecord.newBuilder().mergeFrom(good).setCertificationValue(9).build()
                .toByteArray();
        assertThatThrownBy(() -> CapacityRecord.decode(badEnum)).hasMessageContaining("certification");
        byte[] badNode = GridProtos.CapacityRecord.newBuilder().mergeFrom(good)
                .setNodeId(ByteString.copyFrom(new byte[] {0, 3, 1, 2, 3})).build().toByteArray();
        assertThatThrownBy(() -> CapacityRecord.decode(badNode)).isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> CapacityRecord.decode(new byte[CapacityRecord.MAX_ENCODED_LENGTH + 1]))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("exceeds");
    }

    @Test
    @SuppressWarnings("unchecked")
    void toJsonParsesAsJson() {
        Map<String, Object> json = JsonCheck.parseObject(capacity(3).toJson());
        assertThat(json).containsEntry("nodeId", NODE.peerId().toBase58()).containsEntry("seq", 3.0)
                .containsEntry("certification", "CERTIFIED").containsKeys("total", "free", "gpus", "location",
                        "price", "uptime", "listenAddrs", "benchmarks");
        assertThat((List<Object>) json.get("listenAddrs")).containsExactly("/ip4/192.0.2.1/tcp/4001");
        @SuppressWarnings("unchecked")
        Map<String, Object> location = (Map<String, Object>) json.get("location");
        assertThat(location).containsEntry("country", "BE").containsEntry("city", "Ghent");
        // strings needing escapes and an empty record also render as JSON
        CapacityRecord odd = CapacityRecord.builder(NODE.peerId()).issuedAt(T0)
                .location(new CapacityRecord.Location("", "a\"b\\c\n\u0001", 0, 0))
                .addBenchmark(new CapacityRecord.Benchmark("nan", Double.NaN, "x")).build();
        Map<String, Object> oddJson = JsonCheck.parseObject(odd.toJson());
        @SuppressWarnings("unchecked")
        Map<String, Object> oddLocation = (Map<String, Object>) oddJson.get("location");
        assertThat(oddLocation).containsEntry("city", "a\"b\\c\n\u0001");
    }

    @Test
    void envelopeFieldLengthPastTheEndIsATypedRejection() {
        // regression: a length that fitted the bytes before its varint but not those after it escaped as
        // BufferUnderflowException from Envelope.open
        byte[] env = capacity(1).sign(NODE).toBytes();
        byte[] cut = java.util.Arrays.copyOf(env, env.length - 1);
        assertThat(reason(CapacityRecord.open(cut, NOW))).contains("declares 64 bytes but only 63 follow");
        byte[] justKeyTag = {0x0a, 0x02, 0x08};
        assertThatThrownBy(() -> Envelope.open(justKeyTag, CapacityRecord.DOMAIN))
                .isInstanceOf(InvalidEnvelopeException.class);
    }
}
