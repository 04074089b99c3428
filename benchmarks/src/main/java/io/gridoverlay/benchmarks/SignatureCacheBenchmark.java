package io.gridoverlay.benchmarks;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.identity.SignatureCaches;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.Envelope;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening the same signed envelope / capacity record again and again (what the holders of a capacity index
 * entry and the finders that read it do with one publication), with the process-wide {@link SignatureCaches}
 * off ({@code none}: key decoding and Ed25519 verification every time), with only the decoded-key cache
 * ({@code keys}), and with both ({@code all}: a repeat costs the parse and one SHA-256).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignatureCacheBenchmark {
    private static final String DOMAIN = "gridoverlay-benchmark";
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Param({"none", "keys", "all"})
    public String caches;

    private byte[] envelope;
    private byte[] capacityEnvelope;

    @Setup(Level.Trial)
    public void setUp() {
        switch (caches) {
            case "none" -> SignatureCaches.setMaximumSizes(0, 0);
            case "keys" -> SignatureCaches.setMaximumSizes(SignatureCaches.DEFAULT_MAX_PUBLIC_KEYS, 0);
            case "all" -> SignatureCaches.setMaximumSizes(SignatureCaches.DEFAULT_MAX_PUBLIC_KEYS,
                    SignatureCaches.DEFAULT_MAX_VERIFICATIONS);
            default -> throw new IllegalArgumentException("caches must be none, keys or all: " + caches);
        }
        PrivateKey key = Ed25519.generate().privateKey();
        byte[] payload = new byte[256];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        envelope = Envelope.seal(key, DOMAIN, new byte[] {0x03, 0x01}, payload).toBytes();
        capacityEnvelope = CapacityRecord.builder(key.peerId()).seq(1).farmId(7).issuedAt(T0)
                .expiresAt(T0.plusSeconds(3600))
                .total(new CapacityRecord.Resources(16, 64L << 30, 1L << 40, 4L << 40))
                .free(new CapacityRecord.Resources(8, 32L << 30, 1L << 39, 0))
                .addGpu(new CapacityRecord.Gpu("nvidia", "A100", 80L << 30, 2, 1))
                .publicIps(2, 1)
                .location(CapacityRecord.Location.of("BE", "Ghent", 51.05, 3.72))
                .addListenAddr(Multiaddr.parse("/ip4/192.0.2.1/tcp/4001"))
                .build().sign(key).toBytes();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        SignatureCaches.setMaximumSizes(SignatureCaches.DEFAULT_MAX_PUBLIC_KEYS,
                SignatureCaches.DEFAULT_MAX_VERIFICATIONS);
    }

    @Benchmark
    public Envelope envelopeOpen() {
        return Envelope.open(envelope, DOMAIN);
    }

    @Benchmark
    public Verification<SignedRecord<CapacityRecord>> capacityOpen() {
        return CapacityRecord.open(capacityEnvelope, T0.plusSeconds(60));
    }
}
