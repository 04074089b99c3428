package io.gridoverlay.benchmarks;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.SignatureRequirement;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Grid records: signing and opening a capacity record, signing (3 signatures) and verifying a
 * deployment with 3 signers, and the canonical digest of a 10-workload deployment body.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RecordBenchmark {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant NOW = T0.plusSeconds(60);

    private PrivateKey node;
    private PrivateKey owner;
    private PrivateKey alice;
    private PrivateKey bob;
    private CapacityRecord capacity;
    private byte[] capacityEnvelope;
    private SignedDeployment unsignedDeployment;
    private SignedDeployment signedDeployment;
    private byte[] tenWorkloadBody;

    @Setup
    public void setup() {
        node = Ed25519.generate().privateKey();
        owner = Ed25519.generate().privateKey();
        alice = Ed25519.generate().privateKey();
        bob = Ed25519.generate().privateKey();
        capacity = CapacityRecord.builder(node.peerId()).seq(1).farmId(7).issuedAt(T0)
                .expiresAt(T0.plusSeconds(3600))
                .total(new CapacityRecord.Resources(16, 64L << 30, 1L << 40, 4L << 40))
                .free(new CapacityRecord.Resources(8, 32L << 30, 1L << 39, 0))
                .addGpu(new CapacityRecord.Gpu("nvidia", "A100", 80L << 30, 2, 1))
                .publicIps(2, 1)
                .location(CapacityRecord.Location.of("BE", "Ghent", 51.05, 3.72))
                .addListenAddr(Multiaddr.parse("/ip4/192.0.2.1/tcp/4001"))
                .build();
        capacityEnvelope = capacity.sign(node).toBytes();

        SignatureRequirement req = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(owner.publicKey(), 2, true),
                new SignatureRequirement.Request(alice.publicKey(), 1, false),
                new SignatureRequirement.Request(bob.publicKey(), 1, false)), 3);
        Deployment.Builder b = Deployment.builder("bench-1", owner.publicKey(), node.peerId())
                .requirement(req).createdAt(T0).expiresAt(T0.plusSeconds(86_400));
        for (int i = 0; i < 10; i++) {
            b.addWorkload("vm" + i, "zmachine", new byte[256]);
        }
        Deployment d = b.build();
        unsignedDeployment = SignedDeployment.of(d);
        signedDeployment = unsignedDeployment.sign(owner).sign(alice).sign(bob);
        tenWorkloadBody = d.encodeBody();
    }

    @Benchmark
    public SignedRecord<CapacityRecord> capacitySign() {
        return capacity.sign(node);
    }

    @Benchmark
    public Verification<SignedRecord<CapacityRecord>> capacityOpen() {
        return CapacityRecord.open(capacityEnvelope, NOW);
    }

    /** Three Ed25519 signatures over the digest of a 10-workload body. */
    @Benchmark
    public SignedDeployment deploymentSign3() {
        return unsignedDeployment.sign(owner).sign(alice).sign(bob);
    }

    /** Three signature checks plus the requirement rules. */
    @Benchmark
    public Verification<SignedDeployment> deploymentVerify3() {
        return signedDeployment.verify(NOW);
    }

    @Benchmark
    public byte[] deploymentDigest10Workloads() {
        return Deployment.digestOf(tenWorkloadBody);
    }
}
