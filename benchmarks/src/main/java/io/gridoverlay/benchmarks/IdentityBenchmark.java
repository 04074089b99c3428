package io.gridoverlay.benchmarks;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.record.Envelope;
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
 * Identity and signed-envelope costs with Ed25519: peer id derivation from a key, peer id parsing from both
 * text forms, key decoding, and sealing / opening a 256-byte envelope (the latter dominated by the Ed25519
 * signature and verification).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IdentityBenchmark {
    private static final String DOMAIN = "gridoverlay-benchmark";

    private PrivateKey privateKey;
    private PublicKey publicKey;
    private byte[] encodedPublicKey;
    private String base58;
    private String cid;
    private byte[] payloadType;
    private byte[] payload;
    private byte[] envelope;

    @Setup
    public void setUp() {
        byte[] seed = new byte[32];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) (i * 7 + 1);
        }
        privateKey = Ed25519.fromSeed(seed);
        publicKey = privateKey.publicKey();
        encodedPublicKey = publicKey.encode();
        base58 = publicKey.peerId().toBase58();
        cid = publicKey.peerId().toCid();
        payloadType = new byte[] {0x03, 0x01};
        payload = new byte[256];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        envelope = Envelope.seal(privateKey, DOMAIN, payloadType, payload).toBytes();
    }

    @Benchmark
    public PeerId peerIdFromKey() {
        return PeerId.fromPublicKey(publicKey);
    }

    @Benchmark
    public PeerId peerIdFromEncodedKey() {
        return PublicKey.decode(encodedPublicKey).peerId();
    }

    @Benchmark
    public PeerId peerIdParseBase58() {
        return PeerId.parse(base58);
    }

    @Benchmark
    public PeerId peerIdParseCid() {
        return PeerId.parse(cid);
    }

    @Benchmark
    public String peerIdToBase58() {
        return PeerId.fromPublicKey(publicKey).toBase58();
    }

    @Benchmark
    public Envelope envelopeSeal() {
        return Envelope.seal(privateKey, DOMAIN, payloadType, payload);
    }

    @Benchmark
    public Envelope envelopeOpen() {
        return Envelope.open(envelope, DOMAIN);
    }
}
