package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxErrorCode;
import io.gridoverlay.transport.yamux.YamuxProtocolException;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * Jazzer fuzz test of the frame decoder. In the normal build it replays its committed corpus
 * (src/test/resources/.../YamuxFrameCodecFuzzTestInputs/decode); {@code mvn -Pfuzz} fuzzes it. The decoder
 * may reject input only with {@link YamuxProtocolException}; every frame it accepts re-encodes to exactly
 * the bytes it consumed.
 */
class YamuxFrameCodecFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        try {
            while (true) {
                int start = in.readerIndex();
                YamuxFrame frame = YamuxFrameCodec.decode(in, 4096);
                if (frame == null) {
                    assertThat(in.readerIndex()).isEqualTo(start);
                    break;
                }
                byte[] consumed = ByteBufUtil.getBytes(in, start, in.readerIndex() - start);
                ByteBuf again = YamuxFrameCodec.encode(frame, in.alloc());
                try {
                    assertThat(ByteBufUtil.getBytes(again)).isEqualTo(consumed);
                } finally {
                    again.release();
                }
            }
        } catch (YamuxProtocolException expected) {
            assertThat(expected.errorCode()).isEqualTo(YamuxErrorCode.PROTOCOL_ERROR);
        } finally {
            in.release();
        }
    }
}
