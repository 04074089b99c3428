package io.gridoverlay.benchmarks;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Varint;
import java.nio.ByteBuffer;
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

/** Varint and multiaddr codecs: the encodings on every libp2p message and address. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class EncodingBenchmark {
    private static final String ADDR =
            "/ip4/192.168.10.20/tcp/4001/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC";

    private byte[] varintBytes;
    private final byte[] varintOut = new byte[Varint.MAX_BYTES];
    private ByteBuffer varintBuf;
    private byte[] addrBytes;
    private Multiaddr addr;

    @Setup
    public void setup() {
        varintBytes = Varint.encode(1_234_567L);
        varintBuf = ByteBuffer.wrap(varintBytes);
        addr = Multiaddr.parse(ADDR);
        addrBytes = addr.toBytes();
    }

    @Benchmark
    public int varintEncode() {
        return Varint.write(1_234_567L, varintOut, 0);
    }

    @Benchmark
    public long varintDecode() {
        varintBuf.clear();
        return Varint.read(varintBuf);
    }

    @Benchmark
    public Multiaddr multiaddrParseText() {
        return Multiaddr.parse(ADDR);
    }

    @Benchmark
    public String multiaddrFormatText() {
        return Multiaddr.fromBytes(addrBytes).toString();
    }

    @Benchmark
    public Multiaddr multiaddrFromBytes() {
        return Multiaddr.fromBytes(addrBytes);
    }
}
