package io.gridoverlay.transport;

import static io.gridoverlay.testing.Generators.ANY_SIZE;
import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Varint;
import io.gridoverlay.transport.proto.IdentifyProtos;
import org.junit.jupiter.api.Test;

/** The identify stream decoder: only {@link DecodingException} for bad input; messages merge. */
class IdentifyFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        try {
            IdentifyProtos.Identify m = IdentifyService.decodeMessages(data);
            assertThat(m).isNotNull();
        } catch (DecodingException expected) {
            // typed rejection
        }
    }

    @Test
    void arbitraryBytesDecodeOrFailWithTheTypedException() {
        qt().withFixedSeed(0x1F01L).withExamples(1000).forAll(bytes(0, ANY_SIZE))
                .checkAssert(data -> {
            decode(data);
        });
    }

    @Test
    void messagesOfOneStreamAreMerged() {
        byte[] first = IdentifyProtos.Identify.newBuilder().setAgentVersion("a").addProtocols("/x").build().toByteArray();
        byte[] second = IdentifyProtos.Identify.newBuilder().addProtocols("/y").build().toByteArray();
        byte[] stream = concat(Varint.encode(first.length), first, Varint.encode(second.length), second);
        IdentifyProtos.Identify m = IdentifyService.decodeMessages(stream);
        assertThat(m.getAgentVersion()).isEqualTo("a");
        assertThat(m.getProtocolsList()).containsExactly("/x", "/y");
    }

    @Test
    void truncatedMessageIsATypedError() {
        assertThatThrownBy(() -> IdentifyService.decodeMessages(new byte[] {5, 0x32, 1}))
                .isInstanceOf(DecodingException.class).hasMessageContaining("truncated");
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
