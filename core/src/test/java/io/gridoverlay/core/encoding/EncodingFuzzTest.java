package io.gridoverlay.core.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Jazzer fuzz tests for the encoding decoders. In the normal build each replays its committed corpus
 * (src/test/resources/.../EncodingFuzzTestInputs/&lt;method&gt;); {@code mvn -Pfuzz} fuzzes one of them.
 * A decoder may reject input only with {@link DecodingException}; accepted input must re-encode to the
 * same bytes.
 */
class EncodingFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void varint(byte[] data) {
        try {
            long v = Varint.read(ByteBuffer.wrap(data));
            byte[] again = Varint.encode(v);
            assertThat(data).startsWith(again);
        } catch (DecodingException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void multihash(byte[] data) {
        try {
            Multihash mh = Multihash.decode(data);
            assertThat(mh.toBytes()).isEqualTo(data);
        } catch (DecodingException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void multibase(FuzzedDataProvider in) {
        String text = in.consumeRemainingAsString();
        try {
            byte[] bytes = Multibase.decode(text);
            assertThat(Multibase.encode(Multibase.baseOf(text.charAt(0)), bytes)).isEqualTo(text);
        } catch (DecodingException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void multiaddrBinary(byte[] data) {
        try {
            Multiaddr m = Multiaddr.fromBytes(data);
            assertThat(m.toBytes()).isEqualTo(data);
            assertThat(Multiaddr.parse(m.toString())).isEqualTo(m);
        } catch (DecodingException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void multiaddrText(FuzzedDataProvider in) {
        String text = in.consumeRemainingAsString();
        try {
            Multiaddr m = Multiaddr.parse(text);
            assertThat(Multiaddr.fromBytes(m.toBytes())).isEqualTo(m);
            assertThat(Multiaddr.parse(m.toString())).isEqualTo(m);
        } catch (DecodingException expected) {
            // typed rejection
        }
    }
}
