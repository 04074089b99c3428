package io.gridoverlay.benchmarks;

import io.gridoverlay.transport.internal.yamux.YamuxFrame;
import io.gridoverlay.transport.internal.yamux.YamuxFrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Yamux frame codec: encode and decode of a 16 KiB data frame and of a window update. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class YamuxBenchmark {

    private static final int BODY = 16 * 1024;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ByteBuf body;
    private ByteBuf encodedData;
    private ByteBuf encodedUpdate;

    @Setup(Level.Trial)
    public void setUp() {
        body = alloc.directBuffer(BODY).writeZero(BODY);
        ByteBuf data = YamuxFrameCodec.encode(new YamuxFrame.Data(1, 0, body.retainedDuplicate()), alloc);
        encodedData = alloc.directBuffer(data.readableBytes()).writeBytes(data);
        data.release();
        encodedUpdate = alloc.directBuffer(12);
        YamuxFrameCodec.encodeHeader(new YamuxFrame.WindowUpdate(1, 0, 128 * 1024), encodedUpdate);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        body.release();
        encodedData.release();
        encodedUpdate.release();
    }

    @Benchmark
    public int encodeData16k() {
        ByteBuf out = YamuxFrameCodec.encode(new YamuxFrame.Data(1, 0, body.retainedDuplicate()), alloc);
        int n = out.readableBytes();
        out.release();
        return n;
    }

    @Benchmark
    public int decodeData16k() {
        ByteBuf in = encodedData.duplicate();
        YamuxFrame.Data frame = (YamuxFrame.Data) YamuxFrameCodec.decode(in, 1 << 20);
        int n = frame.body().readableBytes();
        frame.release();
        return n;
    }

    @Benchmark
    public int encodeWindowUpdate() {
        ByteBuf out = YamuxFrameCodec.encode(new YamuxFrame.WindowUpdate(1, 0, 128 * 1024), alloc);
        int n = out.getInt(8);
        out.release();
        return n;
    }

    @Benchmark
    public long decodeWindowUpdate() {
        ByteBuf in = encodedUpdate.duplicate();
        return YamuxFrameCodec.decode(in, 1 << 20).lengthField();
    }
}
