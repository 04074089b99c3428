package io.gridoverlay.dht.protocol;


import static io.gridoverlay.testing.Generators.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.gridoverlay.dht.protocol.KadProtocolException.Kind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KadFrameDecoderTest {
    final KadCodec codec = KadCodec.withDefaults();

    static byte[] concat(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(out::writeBytes);
        return out.toByteArray();
    }

    @Test
    void anySplitDecodesTheSameFrames() {
        qt().withFixedSeed(0xFD01L).withExamples(200)
                .forAll(lists().of(bytes(0, 300)).ofSizeBetween(0, 6),
                        lists().of(integers().between(0, 2000)).ofSizeBetween(0, 20))
                .checkAssert((payloads, cuts) -> {
            List<byte[]> framed = new ArrayList<>();
            payloads.forEach(p -> framed.add(codec.frame(p)));
            byte[] all = concat(framed);
            int[] points = cuts.stream().mapToInt(c -> Math.min(c, all.length)).sorted().toArray();
            KadFrameDecoder d = new KadFrameDecoder(4096);
            List<byte[]> got = new ArrayList<>();
            int from = 0;
            for (int p : points) {
                d.decode(Arrays.copyOfRange(all, from, p), got::add);
                from = p;
            }
            d.decode(Arrays.copyOfRange(all, from, all.length), got::add);
            d.finish();
            assertThat(got).hasSameSizeAs(payloads);
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i)).isEqualTo(payloads.get(i));
            }
            assertThat(d.isMidFrame()).isFalse();
        });
    }

    @Test
    void aFrameOverTheLimitFailsOnItsPrefixBeforeAnyPayload() {
        KadFrameDecoder d = new KadFrameDecoder(4 << 20);
        byte[] prefix = io.gridoverlay.core.encoding.Varint.encode((4 << 20) + 1);
        assertThatThrownBy(() -> d.decode(prefix))
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
        // the decoder stays failed
        assertThatThrownBy(() -> d.decode(new byte[] {0})).isInstanceOf(KadProtocolException.class);
    }

    @Test
    void aFrameOfExactlyTheLimitIsAccepted() {
        KadFrameDecoder d = new KadFrameDecoder(4 << 20);
        byte[] payload = new byte[4 << 20];
        payload[payload.length - 1] = 9;
        List<byte[]> got = d.decode(codec.frame(payload));
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).isEqualTo(payload);
    }

    @Test
    void aHugeVarintFailsEarly() {
        KadFrameDecoder d = new KadFrameDecoder(4 << 20);
        assertThatThrownBy(() -> d.decode(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isInstanceOf(KadProtocolException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void nonMinimalLengthIsMalformed() {
        KadFrameDecoder d = new KadFrameDecoder(100);
        assertThatThrownBy(() -> d.decode(new byte[] {(byte) 0x81, 0x00}))
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED));
    }

    @Test
    void truncatedFrameIsReportedAtEndOfStream() {
        KadFrameDecoder d = new KadFrameDecoder(100);
        assertThat(d.decode(new byte[] {5, 1, 2})).isEmpty();
        assertThat(d.isMidFrame()).isTrue();
        assertThatThrownBy(d::finish)
                .isInstanceOfSatisfying(KadProtocolException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRUNCATED))
                .hasMessageContaining("after 2 of 5 payload bytes");
        KadFrameDecoder p = new KadFrameDecoder(1000);
        p.decode(new byte[] {(byte) 0x80});
        assertThatThrownBy(p::finish).hasMessageContaining("inside the length prefix");
    }

    @Test
    void emptyFramesAreDelivered() {
        KadFrameDecoder d = new KadFrameDecoder(100);
        List<byte[]> got = d.decode(new byte[] {0, 0, 1, 42});
        assertThat(got).hasSize(3);
        assertThat(got.get(2)).containsExactly(42);
    }
}
