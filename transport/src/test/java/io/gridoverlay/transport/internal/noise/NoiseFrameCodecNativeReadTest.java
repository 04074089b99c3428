package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.NoiseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The in-place read path of {@link NoiseFrameCodec} with a native back end: every byte it allocates is freed
 * on every path (whole reads, frames split anywhere, 1-byte reads, zero-length and maximum-size frames, a
 * failure mid-read, the channel closed or the codec removed while it passes frames on), and a read that
 * yields no frame asks for the next one when auto-read is off.
 */
class NoiseFrameCodecNativeReadTest {
    private static final byte[] KEY = new byte[32];

    static {
        new Random(3).nextBytes(KEY);
    }

    /** Counts direct memory: whatever the codec allocates through the channel's allocator. */
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, false);

    private EmbeddedChannel receiver(ChannelHandler... after) {
        assumeThat(NoiseCipherBackend.CONSCRYPT.isAvailable()).isTrue();
        NoiseSession session = new NoiseSession(null, NoiseCipherBackend.CONSCRYPT.newCipherState(KEY),
                NoiseCipherBackend.CONSCRYPT.newCipherState(KEY));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast("noise", new NoiseFrameCodec(session));
        ch.pipeline().addLast(after);
        return ch;
    }

    /** Wire bytes of frames with these plaintext lengths (0 and {@link NoiseFrameCodec#MAX_PLAINTEXT} allowed). */
    private static byte[] wire(int[] plainLengths, Random random, ByteArrayOutputStream plain) {
        CipherState enc = NoiseCipherBackend.FAST.newCipherState(KEY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int len : plainLengths) {
            byte[] p = new byte[len];
            random.nextBytes(p);
            plain.writeBytes(p);
            byte[] c = new byte[len + CipherState.TAG_LENGTH];
            enc.encrypt(p, 0, len, c, 0);
            out.write(c.length >>> 8);
            out.write(c.length);
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    private static byte[] drain(EmbeddedChannel ch) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (Object m; (m = ch.readInbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            got.writeBytes(bytes);
            b.release();
        }
        return got.toByteArray();
    }

    private static List<ByteBuf> feed(EmbeddedChannel ch, byte[] wire, int[] cuts) {
        List<ByteBuf> reads = new ArrayList<>();
        int off = 0;
        for (int i = 0; off < wire.length && ch.isOpen(); i++) {
            int n = Math.min(Math.max(1, cuts[i % cuts.length]), wire.length - off);
            ByteBuf read = Unpooled.directBuffer(n).writeBytes(wire, off, n);
            reads.add(read);
            ch.writeInbound(read);
            off += n;
        }
        return reads;
    }

    @Test
    void anySplitOfAnyFramesDecodesAndFreesEverything() {
        qt().withFixedSeed(0x4E01L).withExamples(30)
                .forAll(integers().between(1, 12), integers().between(256, 70_000), booleans().all(), longs().all())
                .checkAssert((frames, maxRead, tamper, seed) -> {
            Random random = new Random(seed);
            int[] lengths = new int[frames];
            for (int i = 0; i < frames; i++) {
                int kind = random.nextInt(4);
                lengths[i] = kind == 0 ? 0 : kind == 1 ? NoiseFrameCodec.MAX_PLAINTEXT : random.nextInt(3000);
            }
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            byte[] wire = wire(lengths, random, plain);
            if (tamper) {
                wire[random.nextInt(wire.length)] ^= (byte) (1 << random.nextInt(8));
            }
            int[] cuts = new int[7];
            for (int i = 0; i < cuts.length; i++) {
                cuts[i] = random.nextInt(6) == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(maxRead);
            }
            List<Throwable> errors = new ArrayList<>();
            EmbeddedChannel ch = receiver(errorsTo(errors));
            List<ByteBuf> reads = feed(ch, wire, cuts);
            byte[] got = drain(ch);
            if (!tamper) {
                assertThat(got).isEqualTo(plain.toByteArray());
                assertThat(errors).isEmpty();
            } else {
                assertThat(got.length).isLessThanOrEqualTo(plain.size());
                assertThat(got).isEqualTo(java.util.Arrays.copyOf(plain.toByteArray(), got.length));
                assertThat(errors).allMatch(e -> e instanceof NoiseException);
            }
            ch.finishAndReleaseAll();
            assertThat(reads).allMatch(b -> b.refCnt() == 0);
            assertThat(alloc.metric().usedDirectMemory()).as("direct memory still held").isZero();
        });
    }

    @Test
    void oneByteReadsOfZeroLengthAndMaximumFramesDecodeAndFreeEverything() {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        byte[] wire = wire(new int[] {0, 1, 0, 300, NoiseFrameCodec.MAX_PLAINTEXT, 0},
                new Random(1), plain);
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel ch = receiver(errorsTo(errors));
        List<ByteBuf> reads = feed(ch, wire, new int[] {1});
        assertThat(drain(ch)).isEqualTo(plain.toByteArray());
        assertThat(errors).isEmpty();
        ch.finishAndReleaseAll();
        assertThat(reads).allMatch(b -> b.refCnt() == 0);
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    /** A frame split across reads is gathered into a buffer of its own size, not of the largest frame. */
    @Test
    void aSplitSmallFrameIsGatheredIntoABufferOfItsOwnSize() {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        byte[] wire = wire(new int[] {100}, new Random(2), plain);
        List<ByteBuf> kept = new ArrayList<>();
        EmbeddedChannel ch = receiver(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                kept.add((ByteBuf) msg);
            }
        });
        feed(ch, wire, new int[] {1, 50});
        try {
            assertThat(kept).singleElement().satisfies(b -> assertThat(b.readableBytes()).isEqualTo(100));
            assertThat(alloc.metric().usedDirectMemory()).isLessThanOrEqualTo(2 + 100 + CipherState.TAG_LENGTH);
        } finally {
            kept.forEach(ByteBuf::release);
            ch.finishAndReleaseAll();
        }
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    /**
     * A handler after the codec closing the channel on the first frame: EmbeddedChannel tears the pipeline
     * down inside that call (the codec is removed while it still holds the rest of the read, ending in a split
     * frame). Nothing may be kept after removal.
     */
    @Test
    void channelTornDownWhileFramesArePassedOnLeaksNothing() {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        byte[] wire = wire(new int[] {10, 20, 30, 4000}, new Random(4), plain);
        AtomicInteger seen = new AtomicInteger();
        EmbeddedChannel ch = receiver(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                if (seen.incrementAndGet() == 1) {
                    ctx.channel().close();
                }
            }
        });
        ByteBuf read = Unpooled.directBuffer(wire.length).writeBytes(wire, 0, wire.length - 100);
        ch.writeInbound(read);
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.pipeline().get("noise")).isNull();
        assertThat(read.refCnt()).isZero();
        ch.finishAndReleaseAll();
        assertThat(alloc.metric().usedDirectMemory()).as("direct memory still held").isZero();
    }

    @Test
    void codecRemovedWhileFramesArePassedOnStopsAndLeaksNothing() {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        byte[] wire = wire(new int[] {10, 20, 30, 4000}, new Random(5), plain);
        List<Integer> sizes = new ArrayList<>();
        EmbeddedChannel ch = receiver(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                sizes.add(((ByteBuf) msg).readableBytes());
                ((ByteBuf) msg).release();
                if (sizes.size() == 1) {
                    ctx.pipeline().remove("noise");
                }
            }
        });
        ch.writeInbound(Unpooled.directBuffer(wire.length).writeBytes(wire, 0, wire.length - 100));
        assertThat(sizes).containsExactly(10);
        ch.finishAndReleaseAll();
        assertThat(alloc.metric().usedDirectMemory()).as("direct memory still held").isZero();
    }

    /** With auto-read off, a read that completes no frame must ask for more, as ByteToMessageDecoder does. */
    @Test
    void aReadYieldingNoFrameRequestsTheNextReadWhenAutoReadIsOff() {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        byte[] wire = wire(new int[] {500}, new Random(6), plain);
        assumeThat(NoiseCipherBackend.CONSCRYPT.isAvailable()).isTrue();
        AtomicInteger reads = new AtomicInteger();
        NoiseSession session = new NoiseSession(null, NoiseCipherBackend.CONSCRYPT.newCipherState(KEY),
                NoiseCipherBackend.CONSCRYPT.newCipherState(KEY));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.config().setAutoRead(false);
        ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        }, new NoiseFrameCodec(session));
        int before = reads.get();
        ch.writeInbound(Unpooled.directBuffer(100).writeBytes(wire, 0, 100));
        assertThat(reads.get()).as("read() requested after a read that yielded no frame").isGreaterThan(before);
        int afterPartial = reads.get();
        ch.writeInbound(Unpooled.directBuffer(wire.length - 100).writeBytes(wire, 100, wire.length - 100));
        assertThat(reads.get()).as("a frame was passed on: its consumer decides about reading").isEqualTo(afterPartial);
        assertThat(drain(ch)).isEqualTo(plain.toByteArray());
        ch.finishAndReleaseAll();
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    private static ChannelHandler errorsTo(List<Throwable> errors) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        };
    }
}
