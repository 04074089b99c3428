package io.gridoverlay.core.record;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PrivateKey;
import java.time.Instant;
import java.util.List;

/** Deterministic keys and records shared by the record tests. */
final class Fixtures {
    private Fixtures() {}

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant NOW = T0.plusSeconds(60);

    static final PrivateKey OWNER = key(1);
    static final PrivateKey COSIGNER_A = key(2);
    static final PrivateKey COSIGNER_B = key(3);
    static final PrivateKey NODE = key(4);
    static final PrivateKey STRANGER = key(5);

    static PrivateKey key(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        seed[31] = 0x5a;
        return Ed25519.fromSeed(seed);
    }

    /** Owner required weight 2, two co-signers weight 1, threshold 3. */
    static SignatureRequirement threeSigners() {
        return new SignatureRequirement(List.of(
                new SignatureRequirement.Request(OWNER.publicKey(), 2, true),
                new SignatureRequirement.Request(COSIGNER_A.publicKey(), 1, false),
                new SignatureRequirement.Request(COSIGNER_B.publicKey(), 1, false)), 3);
    }

    static Deployment.Builder v0Builder() {
        return Deployment.builder("dep-1", OWNER.publicKey(), NODE.peerId())
                .contractRef("contract:42")
                .createdAt(T0)
                .expiresAt(T0.plusSeconds(86_400))
                .requirement(threeSigners())
                .addWorkload("vm1", "zmachine", new byte[] {1, 2, 3})
                .addWorkload("disk1", "zmount", new byte[] {4});
    }

    static SignedDeployment v0() {
        return SignedDeployment.of(v0Builder().build()).sign(OWNER).sign(COSIGNER_A);
    }

    static SignedDeployment successor(SignedDeployment previous, String workload, byte[] data) {
        Deployment d = DeploymentUpdate.from(previous).createdAt(T0.plusSeconds(previous.deployment().version() + 1))
                .putWorkload(workload, "zmachine", data, "changed").build();
        return SignedDeployment.of(d).sign(OWNER).sign(COSIGNER_B);
    }

    static CapacityRecord capacity(long seq) {
        return CapacityRecord.builder(NODE.peerId())
                .farmId(7).seq(seq).issuedAt(T0).expiresAt(T0.plusSeconds(3600))
                .total(new CapacityRecord.Resources(16, 64L << 30, 1L << 40, 4L << 40))
                .free(new CapacityRecord.Resources(8, 32L << 30, 1L << 39, 0))
                .addGpu(new CapacityRecord.Gpu("NVIDIA", "A100", 80L << 30, 2, 1))
                .publicIps(2, 1)
                .location(CapacityRecord.Location.of("be", "Ghent", 51.05, 3.72))
                .price(new CapacityRecord.Price("TFT", 1000, 200, 3000, 1000, 500))
                .certification(CapacityRecord.Certification.CERTIFIED)
                .uptime(new CapacityRecord.Uptime(T0.minusSeconds(86_400), T0.minusSeconds(86_400)))
                .addListenAddr(Multiaddr.parse("/ip4/192.0.2.1/tcp/4001"))
                .addBenchmark(new CapacityRecord.Benchmark("cpu-single-thread", 1234.5, "score"))
                .build();
    }
}
