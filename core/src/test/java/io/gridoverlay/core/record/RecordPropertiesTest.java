package io.gridoverlay.core.record;

import static io.gridoverlay.testing.Generators.bytes;
import static io.gridoverlay.testing.Generators.oneOf;
import static io.gridoverlay.testing.Generators.strings;
import static io.gridoverlay.core.record.Fixtures.COSIGNER_A;
import static io.gridoverlay.core.record.Fixtures.NODE;
import static io.gridoverlay.core.record.Fixtures.NOW;
import static io.gridoverlay.core.record.Fixtures.OWNER;
import static io.gridoverlay.core.record.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.gridoverlay.core.encoding.Multiaddr;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

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

    private static Gen<CapacityRecord> capacityRecords() {
        Gen<CapacityRecord.Resources> free = integers().between(0, 64).zip(longs().between(0, 1L << 40),
                longs().between(0, 1L << 44), longs().between(0, 1L << 46), CapacityRecord.Resources::new);
        Gen<CapacityRecord.Gpu> gpu = oneOf("nvidia", "AMD", "intel").zip(strings(0, 20),
                longs().between(0, 1L << 40), integers().between(0, 8),
                (v, m, mem, c) -> new CapacityRecord.Gpu(v, m, mem, c, c / 2));
        Gen<CapacityRecord.Location> location = oneOf("", "BE", "nl", "US").zip(strings(0, 30),
                integers().between(-90_000_000, 90_000_000), integers().between(-180_000_000, 180_000_000),
                CapacityRecord.Location::new);
        Gen<CapacityRecord.Benchmark> bench = strings(0, 20).zip(doubles().any().assuming(Double::isFinite),
                strings(0, 10), CapacityRecord.Benchmark::new);
        Gen<Multiaddr> addr = integers().between(0, 255).zip(integers().between(1, 65535),
                (a, p) -> Multiaddr.parse("/ip4/10.0.0." + a + "/tcp/" + p));
        Gen<List<CapacityRecord.Gpu>> gpuLists = lists().of(gpu).ofSizeBetween(0, 4);
        Gen<List<CapacityRecord.Benchmark>> benchLists = lists().of(bench).ofSizeBetween(0, 3);
        Gen<List<Multiaddr>> addrLists = lists().of(addr).ofSizeBetween(0, 3);
        Gen<Long> seqs = longs().between(0, Long.MAX_VALUE);
        Gen<CapacityRecord.Certification> certs = Generate.enumValues(CapacityRecord.Certification.class);
        return in -> {
            CapacityRecord.Resources f = free.generate(in);
            CapacityRecord.Resources extra = free.generate(in);
            List<CapacityRecord.Gpu> gpus = gpuLists.generate(in);
            CapacityRecord.Location loc = location.generate(in);
            List<CapacityRecord.Benchmark> benches = benchLists.generate(in);
            List<Multiaddr> addrs = addrLists.generate(in);
            long seq = seqs.generate(in);
            CapacityRecord.Certification cert = certs.generate(in);
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
        };
    }

    private static Gen<Deployment> deployments() {
        Gen<Workload> workload = strings(ALPHA, 1, 10).zip(oneOf("zmachine", "zmount", "network", "ip"),
                bytes(0, 64), strings(0, 20), (n, t, d, desc) -> new Workload(n, t, 0, d, desc, ""));
        Gen<List<Workload>> workloads = lists().of(workload).ofSizeBetween(0, 6).map(ws -> {
            Map<String, Workload> byName = new LinkedHashMap<>();
            ws.forEach(w -> byName.putIfAbsent(w.name(), w)); // unique names, as a deployment requires
            return List.copyOf(byName.values());
        });
        return strings("abcXYZ019._:-", 1, 40).zip(workloads, strings(0, 50), longs().between(0, 1L << 40),
                (id, ws, meta, created) -> {
                    Deployment.Builder b = Deployment.builder(id, OWNER.publicKey(), NODE.peerId()).metadata(meta)
                            .createdAt(Instant.ofEpochMilli(created).plusNanos(created % 997))
                            .expiresAt(Instant.ofEpochMilli(created + 1 + created % 10_000))
                            .requirement(Fixtures.threeSigners());
                    ws.forEach(b::addWorkload);
                    return b.build();
                });
    }

    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // ------------------------------------------------------------------ round trips

    @Test
    void capacityRecordEncodeDecodeRoundTrip() {
        qt().withFixedSeed(0x2E01L).withExamples(200).forAll(capacityRecords())
                .checkAssert(r -> {
            assertThat(CapacityRecord.decode(r.encode())).isEqualTo(r);
        });
    }

    @Test
    void capacityRecordSignOpenRoundTrip() {
        qt().withFixedSeed(0x2E02L).withExamples(100).forAll(capacityRecords())
                .checkAssert(r -> {
            SignedRecord<CapacityRecord> signed = r.sign(NODE);
            SignedRecord<CapacityRecord> opened = CapacityRecord.open(signed.toBytes(), T0.plusSeconds(1)).orElseThrow();
            assertThat(opened.record()).isEqualTo(r);
            assertThat(opened.toBytes()).isEqualTo(signed.toBytes());
            JsonCheck.parse(r.toJson());
        });
    }

    @Test
    void signedDeploymentToBytesDecodeRoundTrip() {
        qt().withFixedSeed(0x2E03L).withExamples(100).forAll(deployments())
                .checkAssert(d -> {
            SignedDeployment s = SignedDeployment.of(d).sign(OWNER).sign(COSIGNER_A);
            SignedDeployment back = SignedDeployment.decode(s.toBytes());
            assertThat(back).isEqualTo(s);
            assertThat(back.deployment()).isEqualTo(d);
            assertThat(back.deployment().createdAt()).isEqualTo(d.createdAt());
            assertThat(back.digest()).isEqualTo(s.digest());
            assertThat(back.verify(d.createdAt()).isValid()).isTrue();
            assertThat(SignedDeployment.openEnvelope(s.toEnvelope(OWNER).toBytes())).isEqualTo(s);
            JsonCheck.parse(s.toJson());
        });
    }

    @Test
    void acceptanceRoundTrip() {
        qt().withFixedSeed(0x2E04L).withExamples(100).forAll(deployments(), booleans().all(), strings(0, 30))
                .checkAssert((d, accepted, reason) -> {
            SignedDeployment s = SignedDeployment.of(d).sign(OWNER);
            Acceptance a = accepted ? Acceptance.accept(s, Acceptance.State.PAUSED, NOW) : Acceptance.reject(s, reason, NOW);
            assertThat(Acceptance.decode(a.encode())).isEqualTo(a);
            SignedRecord<Acceptance> opened = Acceptance.open(a.sign(NODE).toBytes(), s).orElseThrow();
            assertThat(opened.record()).isEqualTo(a);
            JsonCheck.parse(a.toJson());
        });
    }

    @Test
    void equivocationProofRoundTrip() {
        qt().withFixedSeed(0x2E05L).withExamples(50).forAll(deployments(), strings(1, 20))
                .checkAssert((d, x) -> {
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
        });
    }

    // ------------------------------------------------------------------ any single-bit change is detected

    private static byte[] flip(byte[] bytes, int bit) {
        byte[] out = bytes.clone();
        int i = Math.floorMod(bit, out.length * 8);
        out[i / 8] ^= (byte) (1 << (i % 8));
        return out;
    }

    @Test
    void flippedBitInCapacityEnvelopeIsInvalid() {
        qt().withFixedSeed(0x2E06L).withExamples(500).forAll(integers().between(0, Integer.MAX_VALUE))
                .checkAssert(bit -> {
            assertThat(CapacityRecord.open(flip(CAPACITY_ENVELOPE, bit), NOW).isValid()).isFalse();
        });
    }

    @Test
    void flippedBitInDeploymentRecordIsRejected() {
        qt().withFixedSeed(0x2E07L).withExamples(500).forAll(integers().between(0, Integer.MAX_VALUE))
                .checkAssert(bit -> {
            byte[] tampered = flip(DEPLOYMENT_RECORD, bit);
            SignedDeployment d;
            try {
                d = SignedDeployment.decode(tampered);
            } catch (InvalidRecordException rejected) {
                return;
            }
            assertThat(d.verify(NOW).isValid()).as("bit %d", Math.floorMod(bit, tampered.length * 8)).isFalse();
        });
    }

    @Test
    void flippedBitInAcceptanceEnvelopeIsInvalid() {
        qt().withFixedSeed(0x2E08L).withExamples(500).forAll(integers().between(0, Integer.MAX_VALUE))
                .checkAssert(bit -> {
            assertThat(Acceptance.open(flip(ACCEPTANCE_ENVELOPE, bit), V1A).isValid()).isFalse();
        });
    }

    /** Proof of two records signed by the owner alone: then every byte is covered by an owner signature. */
    private static final byte[] OWNER_ONLY_PROOF = EquivocationProof.of(
            SignedDeployment.of(V1A.deployment()).sign(OWNER), SignedDeployment.of(V1B.deployment()).sign(OWNER)).encode();

    @Test
    void flippedBitInEquivocationProofIsCaught() {
        qt().withFixedSeed(0x2E09L).withExamples(300).forAll(integers().between(0, Integer.MAX_VALUE))
                .checkAssert(bit -> {
            assertThat(EquivocationProof.decode(OWNER_ONLY_PROOF).verify().isValid()).isTrue();
            try {
                assertThat(EquivocationProof.decode(flip(OWNER_ONLY_PROOF, bit)).verify().isValid()).isFalse();
            } catch (InvalidRecordException rejected) {
                // typed rejection
            }
        });
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

    @Test
    void decodersGivenArbitraryBytesOnlyThrowInvalidRecordException() {
        qt().withFixedSeed(0x2E10L).withExamples(500).forAll(bytes(0, 300))
                .checkAssert(data -> {
            onlyTypedRejections(data);
            assertThat(CapacityRecord.open(data, NOW).isValid()).isFalse();
            assertThat(Acceptance.open(data, V1A).isValid()).isFalse();
        });
    }

    @Test
    void decodersGivenMutatedRecordsOnlyThrowInvalidRecordException() {
        qt().withFixedSeed(0x2E11L).withExamples(500)
                .forAll(realRecords(), integers().between(0, 100_000), bytes(0, 8), integers().between(0, 8))
                .checkAssert((record, at, insert, cut) -> {
            int p = at % (record.length + 1);
            byte[] out = new byte[record.length - Math.min(cut, record.length - p) + insert.length];
            System.arraycopy(record, 0, out, 0, p);
            System.arraycopy(insert, 0, out, p, insert.length);
            int rest = record.length - p - Math.min(cut, record.length - p);
            System.arraycopy(record, record.length - rest, out, p + insert.length, rest);
            onlyTypedRejections(out);
        });
    }

    private static Gen<byte[]> realRecords() {
        return Generate.pick(List.of(CAPACITY_ENVELOPE, DEPLOYMENT_RECORD, ACCEPTANCE_ENVELOPE,
                Fixtures.capacity(2).encode(), V0.deployment().encodeBody(), V0.toEnvelope(OWNER).toBytes(),
                Acceptance.accept(V0, Acceptance.State.OK, NOW).encode(), EquivocationProof.of(V1A, V1B).encode()));
    }
}
