package io.gridoverlay.transport.internal.multistream;

import io.gridoverlay.transport.multistream.ProtocolNegotiationException;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Jazzer fuzz test of the multistream-select message decoder. Without JAZZER_FUZZ it replays the corpus
 * in src/test/resources/.../MultistreamFuzzTestInputs/decode. The decoder may reject input only with
 * {@link ProtocolNegotiationException}; every accepted message re-encodes to the bytes it consumed.
 */
class MultistreamFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        ByteBuf in = Unpooled.wrappedBuffer(data);
        try {
            while (in.isReadable()) {
                int start = in.readerIndex();
                String message = MultistreamFrames.tryDecode(in, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
                if (message == null) {
                    assertThat(in.readerIndex()).isEqualTo(start);
                    return;
                }
                ByteBuf again = Unpooled.buffer();
                try {
                    MultistreamFrames.write(message, again, MultistreamFrames.DEFAULT_MAX_MESSAGE_LENGTH);
                    assertThat(again).isEqualTo(in.slice(start, in.readerIndex() - start));
                } finally {
                    again.release();
                }
            }
        } catch (ProtocolNegotiationException expected) {
            // typed rejection
        } finally {
            in.release();
        }
    }
}
