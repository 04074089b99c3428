package io.gridoverlay.dht.protocol;


import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer fuzz tests of the Kad decoders. In the normal build each replays its committed corpus
 * (src/test/resources/.../KadFuzzTestInputs/&lt;method&gt;); {@code mvn -Pfuzz} fuzzes one of them. A decoder
 * may reject input only with {@link KadProtocolException}; accepted input must survive a re-encoding.
 */
class KadFuzzTest {
    private static final KadCodec CODEC = new KadCodec(KadLimits.builder().maxMessageSize(64 * 1024).build());

    @FuzzTest(maxDuration = "30s")
    void decodeRequest(byte[] data) {
        try {
            KadRequest r = CODEC.decodeRequest(data);
            assertThat(CODEC.decodeRequest(CODEC.encodeRequest(r))).isEqualTo(r);
        } catch (KadProtocolException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void decodeResponse(FuzzedDataProvider in) {
        int type = in.consumeInt(0, 4);
        byte[] key = in.consumeBytes(8);
        if (key.length == 0) {
            key = new byte[] {1};
        }
        KadRequest request = switch (type) {
            case 0 -> new KadRequest.FindNode(key);
            case 1 -> new KadRequest.GetValue(key);
            case 2 -> new KadRequest.GetProviders(key);
            case 3 -> new KadRequest.PutValue(KadRecord.of(key, new byte[] {7}));
            default -> new KadRequest.Ping();
        };
        byte[] data = in.consumeRemainingAsBytes();
        try {
            KadResponse r = CODEC.decodeResponse(data, request);
            assertThat(r.type()).isEqualTo(request.type());
            assertThat(CODEC.decodeResponse(CODEC.encodeResponse(r), request)).isEqualTo(r);
        } catch (KadProtocolException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "30s")
    void frameDecoder(FuzzedDataProvider in) {
        int chunk = in.consumeInt(1, 64);
        byte[] data = in.consumeRemainingAsBytes();
        KadFrameDecoder whole = new KadFrameDecoder(1024);
        KadFrameDecoder split = new KadFrameDecoder(1024);
        List<byte[]> a = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        KadProtocolException wholeError = null;
        KadProtocolException splitError = null;
        try {
            whole.decode(data, a::add);
            whole.finish();
        } catch (KadProtocolException e) {
            wholeError = e;
        }
        try {
            for (int i = 0; i < data.length; i += chunk) {
                split.decode(java.util.Arrays.copyOfRange(data, i, Math.min(data.length, i + chunk)), b::add);
            }
            split.finish();
        } catch (KadProtocolException e) {
            splitError = e;
        }
        assertThat(splitError == null).isEqualTo(wholeError == null);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).isEqualTo(a.get(i));
        }
    }
}
