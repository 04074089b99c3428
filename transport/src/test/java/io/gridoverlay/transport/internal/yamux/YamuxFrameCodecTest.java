package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxErrorCode;
import io.gridoverlay.transport.yamux.YamuxException;
import io.gridoverlay.transport.yamux.YamuxProtocolException;

import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class YamuxFrameCodecTest {

    private static final int MAX = 64 * 1024;

    @Test
    void encodesTheSpecHeaderLayoutBigEndian() {
        ByteBuf out = YamuxFrameCodec.encode(new YamuxFrame.WindowUpdate(0x01020304, YamuxFrame.FLAG_SYN
                | YamuxFrame.FLAG_FIN, 0xA0B0C0D0L), Unpooled.buffer().alloc());
        try {
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo("00010005" + "01020304" + "a0b0c0d0");
        } finally {
            out.release();
        }
    }

    @Test
    void dataFrameCarriesItsBodyAfterTheHeader() {
        ByteBuf out = YamuxFrameCodec.encode(new YamuxFrame.Data(3, YamuxFrame.FLAG_ACK,
                Unpooled.wrappedBuffer(new byte[] {9, 8, 7})), Unpooled.buffer().alloc());
        try {
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo("00000002" + "00000003" + "00000003" + "090807");
        } finally {
            out.release();
        }
    }

    @Test
    void returnsNullUntilAWholeFrameIsBuffered() {
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(ByteBufUtil.decodeHexDump("000000000000000500000004" + "0102"));
        try {
            assertThat(YamuxFrameCodec.decode(in, MAX)).isNull();
            assertThat(in.readerIndex()).isZero();
            in.writeBytes(new byte[] {3, 4});
            YamuxFrame frame = YamuxFrameCodec.decode(in, MAX);
            assertThat(frame).isInstanceOf(YamuxFrame.Data.class);
            YamuxFrame.Data data = (YamuxFrame.Data) frame;
            assertThat(ByteBufUtil.getBytes(data.body())).containsExactly(1, 2, 3, 4);
            data.release();
        } finally {
            in.release();
        }
    }

    @Test
    void rejectsBadVersion() {
        assertRejected("010100000000000100000000", "version 1");
    }

    @Test
    void rejectsUnknownType() {
        assertRejected("000400000000000100000000", "unknown yamux frame type 4");
    }

    @Test
    void rejectsOversizedDataBeforeItsBodyArrives() {
        assertRejected("00000000000000010001" + "0001", "exceeds the limit of 65536");
    }

    @Test
    void rejectsSessionFramesOnAStreamAndStreamFramesOnStreamZero() {
        assertRejected("000200010000000100000000", "ping on stream 1");
        assertRejected("000300000000000200000000", "go-away on stream 2");
        assertRejected("000000000000000000000000", "data frame on stream 0");
        assertRejected("000100000000000000000000", "window update on stream 0");
    }

    private static void assertRejected(String hex, String message) {
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
        try {
            assertThatThrownBy(() -> YamuxFrameCodec.decode(in, MAX))
                    .isInstanceOf(YamuxProtocolException.class)
                    .hasMessageContaining(message)
                    .extracting(e -> ((YamuxException) e).errorCode()).isEqualTo(YamuxErrorCode.PROTOCOL_ERROR);
        } finally {
            in.release();
        }
    }

    @Test
    void pipelineDecoderReportsTheProtocolErrorAndDiscardsTheRest() {
        EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameCodec(16));
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(
                ByteBufUtil.decodeHexDump("000000000000000100000011"))))
                .hasCauseInstanceOf(YamuxProtocolException.class);
        // Later valid bytes are discarded rather than misparsed.
        assertThat(channel.writeInbound(Unpooled.wrappedBuffer(
                ByteBufUtil.decodeHexDump("000200010000000000000007")))).isFalse();
        channel.finishAndReleaseAll();
    }

    // ------------------------------------------------------------------ properties

    private static Gen<List<YamuxFrame>> frames() {
        Gen<Integer> flags = integers().between(0, 0xFFFF);
        Gen<Integer> streamIds = integers().all().map(i -> i == 0 ? 1 : i); // any id but 0
        Gen<Long> u32 = longs().between(0, YamuxFrame.MAX_U32);
        Gen<YamuxFrame> data = streamIds.zip(flags, bytes(0, 300),
                (id, f, body) -> new YamuxFrame.Data(id, f, Unpooled.wrappedBuffer(body)));
        Gen<YamuxFrame> update = streamIds.zip(flags, u32, YamuxFrame.WindowUpdate::new);
        Gen<YamuxFrame> ping = flags.zip(u32, YamuxFrame.Ping::new);
        Gen<YamuxFrame> goAway = u32.map(YamuxFrame.GoAway::new);
        return lists().of(Generate.oneOf(data, update, ping, goAway)).ofSizeBetween(0, 20);
    }

    /** Describes a frame without its buffer identity, for comparison. */
    private static String describe(YamuxFrame frame) {
        String body = frame instanceof YamuxFrame.Data d ? ByteBufUtil.hexDump(d.body()) : "";
        return frame.type() + "/" + frame.flags() + "/" + frame.streamId() + "/" + frame.lengthField() + "/" + body;
    }

    @Test
    void decodeInvertsEncode() {
        qt().withFixedSeed(0x7F01L).withExamples(200).forAll(frames())
                .checkAssert(frames -> {
            List<String> expected = frames.stream().map(YamuxFrameCodecTest::describe).toList();
            ByteBuf wire = Unpooled.buffer();
            for (YamuxFrame frame : frames) {
                ByteBuf encoded = YamuxFrameCodec.encode(frame, wire.alloc());
                wire.writeBytes(encoded);
                encoded.release();
            }
            List<String> decoded = new ArrayList<>();
            YamuxFrame frame;
            while ((frame = YamuxFrameCodec.decode(wire, MAX)) != null) {
                decoded.add(describe(frame));
                if (frame instanceof YamuxFrame.Data d) {
                    d.release();
                }
            }
            assertThat(wire.isReadable()).isFalse();
            assertThat(wire.release()).isTrue();
            assertThat(decoded).isEqualTo(expected);
        });
    }

    @Test
    void anySplitOfTheBytesDecodesTheSameFrames() {
        qt().withFixedSeed(0x7F02L).withExamples(200)
                .forAll(frames(), lists().of(integers().between(1, 64)).ofSizeBetween(0, 40))
                .checkAssert((frames, cuts) -> {
            List<String> expected = frames.stream().map(YamuxFrameCodecTest::describe).toList();
            ByteBuf wire = Unpooled.buffer();
            for (YamuxFrame frame : frames) {
                ByteBuf encoded = YamuxFrameCodec.encode(frame, wire.alloc());
                wire.writeBytes(encoded);
                encoded.release();
            }
            EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameCodec(MAX));
            int cut = 0;
            while (wire.isReadable()) {
                int n = Math.min(wire.readableBytes(), cuts.isEmpty() ? wire.readableBytes() : cuts.get(cut++ % cuts.size()));
                channel.writeInbound(wire.readRetainedSlice(n));
            }
            wire.release();
            List<String> decoded = new ArrayList<>();
            Object msg;
            while ((msg = channel.readInbound()) != null) {
                YamuxFrame frame = (YamuxFrame) msg;
                decoded.add(describe(frame));
                if (frame instanceof YamuxFrame.Data d) {
                    d.release();
                }
            }
            assertThat(channel.finish()).isFalse();
            assertThat(decoded).isEqualTo(expected);
        });
    }
}
