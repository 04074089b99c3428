package io.gridoverlay.dht.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer fuzz tests of the {@code /grid/deploy/1.0.0} decoder. In the normal build each replays its
 * committed corpus (src/test/resources/.../DeployFuzzTestInputs/&lt;method&gt;); {@code mvn -Pfuzz} fuzzes one.
 * The decoder may reject input only with {@link DeployProtocolException}; accepted input must survive a
 * re-encoding.
 */
class DeployFuzzTest {
    private static final DeployCodec CODEC = new DeployCodec(DeployCodec.MAX_MESSAGE_LENGTH);

    @FuzzTest(maxDuration = "30s")
    void decodeMessage(byte[] data) {
        try {
            DeployMessage m = CODEC.decode(data);
            assertThat(CODEC.decode(CODEC.encode(m))).isEqualTo(m);
        } catch (DeployProtocolException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void frameReader(FuzzedDataProvider in) {
        int chunk = in.consumeInt(1, 64);
        byte[] data = in.consumeRemainingAsBytes();
        List<DeployMessage> whole = new ArrayList<>();
        List<DeployMessage> split = new ArrayList<>();
        boolean wholeFailed = false;
        boolean splitFailed = false;
        try {
            DeployCodec.FrameReader r = new DeployCodec(4096).newReader();
            r.read(ByteBuffer.wrap(data), whole::add);
            r.finish();
        } catch (DeployProtocolException e) {
            wholeFailed = true;
        }
        try {
            DeployCodec.FrameReader r = new DeployCodec(4096).newReader();
            for (int i = 0; i < data.length; i += chunk) {
                r.read(ByteBuffer.wrap(data, i, Math.min(chunk, data.length - i)), split::add);
            }
            r.finish();
        } catch (DeployProtocolException e) {
            splitFailed = true;
        }
        assertThat(splitFailed).isEqualTo(wholeFailed);
        if (!wholeFailed) {
            assertThat(split).isEqualTo(whole);
        }
    }
}
