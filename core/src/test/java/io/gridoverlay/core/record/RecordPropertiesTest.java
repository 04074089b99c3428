package io.gridoverlay.core.record;

import static io.gridoverlay.core.record.Fixtures.COSIGNER_A;
import static io.gridoverlay.core.record.Fixtures.NODE;
import static io.gridoverlay.core.record.Fixtures.NOW;
import static io.gridoverlay.core.record.Fixtures.OWNER;
import static io.gridoverlay.core.record.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Round trips, tamper evidence and decoder robustness of every grid record. */
class RecordPropertiesTest {

    private static final SignedDeployment V0 = Fixtures.v0();
    private static final SignedDeployment V1A = Fixtures.successor(V0, "vm1", new byte[] {9});
    private static final SignedDeployment V1B = Fixtures.successor(V0, "vm1", new byte[] {8});
    private static final byte[] CAPACITY_ENVELOPE = Fixtures.capacity(1).sign(NODE).toBytes();
    private static final byte[] DEPLOYMENT_RECORD = V1A.toBytes();
    private static final byte[] ACCEPTANCE_ENVELOPE =
            Acceptance.accept(V1A, Acceptance.State.OK, NOW).sign(NODE).toBytes();

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<CapacityRecord> capacityRecords() {
        Arbitrary<CapacityRecord.Resources> free = Combinators.combine(Arbitraries.integers().between(0, 64),
                Arbitraries.longs().between(0, 1L << 40), Arbitraries.longs().between(0, 1L << 44),
                Arbitraries.longs().between(0, 1L << 46)).as(CapacityRecord.Resources::new);
        Arbitrary<CapacityRecord.Gpu> gpu = Combinators.combine(Arbitraries.of("nvidia", "AMD", "intel"),
                Arbitraries.strings().ofMaxLength(20), Arbitraries.longs().between(0, 1L << 40),
                Arbitraries.integers().between(0, 8)).as((v, m, mem, c) -> new CapacityRecord.Gpu(v, m, mem, c, c / 2));
        Arbitrary<CapacityRecord.Location> location = Combinators.combine(
                Arbitraries.of("", "BE", "nl", "US"), Arbitraries.strings().ofMaxLength(30),
                Arbitraries.integers().between(-90_000_000, 90_000_000),
                Arbitraries.integers().between(-180_000_000, 180_000_000)).as(CapacityRecord.Location::new);
        Arbitrary<CapacityRecord.Benchmark> bench = Combinators.combine(Arbitraries.strings().ofMaxLength(20),
                Arbitraries.doubles(), Arbitraries.strings().ofMaxLength(10)).as(CapacityRecord.Benchmark::new);
        Arbitrary<Multiaddr> addr = Combinators.combine(Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(1, 65535)).as((a, p) -> Multiaddr.parse("/ip4/10.0.0." + a + "/tcp/" + p));
        Arbitrary<Instant> issued = Arbitraries.longs().between(0, 4_000_000_000_000L).map(Instant::ofEpochMilli);
        return Combinators.combine(free, free, gpu.list().ofMaxSize(4), location, bench.list().ofMaxSize(3),
                addr.list().ofMaxSize(3), Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.of(CapacityRecord.Certification.values())).as((f, extra, gpus, loc, benches, addrs, seq, cert) -> {
                    CapacityRecord.Resources total = new CapacityRecord.Resources(f.cores() + extra.cores(),
                            f.memoryBytes() + extra.memoryBytes(), f.ssdBytes() + extra.ssdBytes(),
                            f.hddBytes() + extra.hddBytes());
                    CapacityRecord.Builder b = CapacityRecord.builder(NODE.peerId()).seq(seq).farmId(seq / 3)
                            .issuedAt(T0.plusNanos(seq % 1_000_000_000)).expiresAt(T0.plusSeconds(3600))
                            .total(total).free(f).gpus(gpus).location(loc).certification(cert).listenAddrs(addrs)
                            .publicIps((int) (seq % 5), 1)
                            .price(new CapacityRecord.Price("TFT", seq % 1000, 1, 2, 3, 4));
                    benches.forEach(b::addBenchmark);
                    return b.build();
                });
    }

    @Provide
    Arbitrary<Deployment> deployments() {
        Arbitrary<Workload> workload = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.of("zmachine", "zmount", "network", "ip"),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64), Arbitraries.strings().ofMaxLength(20))
                .as((n, t, d, desc) -> new Workload(n, t, 0, d, desc, ""));
        return Combinators.combine(Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(1).ofMaxLength(40),
                workload.list().ofMaxSize(6).uniqueElements(Workload::name), Arbitraries.strings().ofMaxLength(50),
                Arbitraries.longs().between(0, 1L << 40))
                .as((id, ws, meta, created) -> {
                    Deployment.Builder b = Deployment.builder(id, OWNER.publicKey(), NODE.peerId()).metadata(meta)
                            .createdAt(Instant.ofEpochMilli(created).plusNanos(created % 997))
                            .expiresAt(Instant.ofEpochMilli(created + 1 + created % 10_000))
                            .requirement(Fixtures.threeSigners());
                    ws.forEach(b::addWorkload);
                    return b.build();
                });
    }

    // ------------------------------------------------------------------ round trips

    @Property(tries = 200)
    void capacityRecordEncodeDecodeRoundTrip(@ForAll("capacityRecords") CapacityRecord r) {
        assertThat(CapacityRecord.decode(r.encode())).isEqualTo(r);
    }

    @Property(tries = 100)
    void capacityRecordSignOpenRoundTrip(@ForAll("capacityRecords") CapacityRecord r) {
        SignedRecord<CapacityRecord> signed = r.sign(NODE);
        SignedRecord<CapacityRecord> opened = CapacityRecord.open(signed.toBytes(), T0.plusSeconds(1)).orElseThrow();
        assertThat(opened.record()).isEqualTo(r);
        assertThat(opened.toBytes()).isEqualTo(signed.toBytes());
        JsonCheck.parse(r.toJson());
    }

    @Property(tries = 100)
    void signedDeploymentToBytesDecodeRoundTrip(@ForAll("deployments") Deployment d) {
        SignedDeployment s = SignedDeployment.of(d).sign(OWNER).sign(COSIGNER_A);
        SignedDeployment back = SignedDeployment.decode(s.toBytes());
        assertThat(back).isEqualTo(s);
        assertThat(back.deployment()).isEqualTo(d);
        assertThat(back.deployment().createdAt()).isEqualTo(d.createdAt());
        assertThat(back.digest()).isEqualTo(s.digest());
        assertThat(back.verify(d.createdAt()).isValid()).isTrue();
        assertThat(SignedDeployment.openEnvelope(s.toEnvelope(OWNER).toBytes())).isEqualTo(s);
        JsonCheck.parse(s.toJson());
    }

    @Property(tries = 100)
    void acceptanceRoundTrip(@ForAll("deployments") Deployment d, @ForAll boolean accepted,
                             @ForAll @StringLength(max = 30) String reason) {
        SignedDeployment s = SignedDeployment.of(d).sign(OWNER);
        Acceptance a = accepted ? Acceptance.accept(s, Acceptance.State.PAUSED, NOW) : Acceptance.reject(s, reason, NOW);
        assertThat(Acceptance.decode(a.encode())).isEqualTo(a);
        SignedRecord<Acceptance> opened = Acceptance.open(a.sign(NODE).toBytes(), s).orElseThrow();
        assertThat(opened.record()).isEqualTo(a);
        JsonCheck.parse(a.toJson());
    }

    @Property(tries = 50)
    void equivocationProofRoundTrip(@ForAll("deployments") Deployment d, @ForAll @StringLength(min = 1, max = 20) String x) {
        SignedDeployment a = SignedDeployment.of(d).sign(OWNER);
        Deployment other = new Deployment(d.deploymentId(), d.version(), d.previousDigest(), d.owner(), d.nodeId(),
                d.contractRef(), d.workloads(), d.metadata() + x, d.description(), d.createdAt(), d.expiresAt(),
                d.requirement());
        SignedDeployment b = SignedDeployment.of(other).sign(OWNER);
        EquivocationProof p = EquivocationProof.of(a, b);
        EquivocationProof back = EquivocationProof.decode(p.encode());
        assertThat(back).isEqualTo(p);
        assertThat(back.verify().isValid()).isTrue();
        assertThat(EquivocationProof.of(a, a).verify().isValid()).isFalse();
    }

    // ------------------------------------------------------------------ any single-bit change is detected

    private static byte[] flip(byte[] bytes, int bit) {
        byte[] out = bytes.clone();
        int i = Math.floorMod(bit, out.length * 8);
        out[i / 8] ^= (byte) (1 << (i % 8));
        return out;
    }

    @Property(tries = 500)
    void flippedBitInCapacityEnvelopeIsInvalid(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bit) {
        assertThat(CapacityRecord.open(flip(CAPACITY_ENVELOPE, bit), NOW).isValid()).isFalse();
    }

    @Property(tries = 500)
    void flippedBitInDeploymentRecordIsRejected(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bit) {
        byte[] tampered = flip(DEPLOYMENT_RECORD, bit);
        SignedDeployment d;
        try {
            d = SignedDeployment.decode(tampered);
        } catch (InvalidRecordException rejected) {
            return;
        }
        assertThat(d.verify(NOW).isValid()).as("bit %d", Math.floorMod(bit, tampered.length * 8)).isFalse();
    }

    @Property(tries = 500)
    void flippedBitInAcceptanceEnvelopeIsInvalid(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bit) {
        assertThat(Acceptance.open(flip(ACCEPTANCE_ENVELOPE, bit), V1A).isValid()).isFalse();
    }

    /** Proof of two records signed by the owner alone: then every byte is covered by an owner signature. */
    private static final byte[] OWNER_ONLY_PROOF = EquivocationProof.of(
            SignedDeployment.of(V1A.deployment()).sign(OWNER), SignedDeployment.of(V1B.deployment()).sign(OWNER)).encode();

    @Property(tries = 300)
    void flippedBitInEquivocationProofIsCaught(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bit) {
        assertThat(EquivocationProof.decode(OWNER_ONLY_PROOF).verify().isValid()).isTrue();
        try {
            assertThat(EquivocationProof.decode(flip(OWNER_ONLY_PROOF, bit)).verify().isValid()).isFalse();
        } catch (InvalidRecordException rejected) {
            // typed rejection
        }
    }

    // ------------------------------------------------------------------ arbitrary bytes

    private static void onlyTypedRejections(byte[] data) {
        try {
            CapacityRecord.decode(data);
        } catch (InvalidRecordException expected) {
            // typed
        }
        CapacityRecord.open(data, NOW); // must return, valid or not (a mutation may be the identity)
        try {
            SignedDeployment.decode(data).verify(NOW);
        } catch (InvalidRecordException expected) {
            // typed
        }
        try {
            SignedDeployment.openEnvelope(data);
        } catch (InvalidRecordException expected) {
            // typed
        }
        try {
            Deployment.decodeBody(data);
        } catch (InvalidRecordException expected) {
            // typed
        }
        try {
            Acceptance.decode(data);
        } catch (InvalidRecordException expected) {
            // typed
        }
        Acceptance.open(data, V1A);
        try {
            EquivocationProof.decode(data).verify();
        } catch (InvalidRecordException expected) {
            // typed
        }
    }

    @Property(tries = 500)
    void decodersGivenArbitraryBytesOnlyThrowInvalidRecordException(@ForAll @Size(max = 300) byte[] data) {
        onlyTypedRejections(data);
        assertThat(CapacityRecord.open(data, NOW).isValid()).isFalse();
        assertThat(Acceptance.open(data, V1A).isValid()).isFalse();
    }

    @Property(tries = 500)
    void decodersGivenMutatedRecordsOnlyThrowInvalidRecordException(
            @ForAll("realRecords") byte[] record, @ForAll @IntRange(min = 0, max = 100_000) int at,
            @ForAll @Size(max = 8) byte[] insert, @ForAll @IntRange(max = 8) int cut) {
        int p = at % (record.length + 1);
        byte[] out = new byte[record.length - Math.min(cut, record.length - p) + insert.length];
        System.arraycopy(record, 0, out, 0, p);
        System.arraycopy(insert, 0, out, p, insert.length);
        int rest = record.length - p - Math.min(cut, record.length - p);
        System.arraycopy(record, record.length - rest, out, p + insert.length, rest);
        onlyTypedRejections(out);
    }

    @Provide
    Arbitrary<byte[]> realRecords() {
        return Arbitraries.of(List.of(CAPACITY_ENVELOPE, DEPLOYMENT_RECORD, ACCEPTANCE_ENVELOPE,
                Fixtures.capacity(2).encode(), V0.deployment().encodeBody(), V0.toEnvelope(OWNER).toBytes(),
                Acceptance.accept(V0, Acceptance.State.OK, NOW).encode(), EquivocationProof.of(V1A, V1B).encode()));
    }
}
