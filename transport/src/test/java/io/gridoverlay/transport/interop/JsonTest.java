package io.gridoverlay.transport.interop;

import static io.gridoverlay.testing.Generators.ANY_SIZE;
import static io.gridoverlay.testing.Generators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The minimal JSON reader/writer used to talk to the js peer. */
class JsonTest {

    @Test
    void readsAPeerReply() {
        Map<String, Object> m = Json.parseObject("{\"id\":3,\"ok\":true,\"rtt\":2,\"elapsedMs\":3.41,"
                + "\"addrs\":[\"/ip4/127.0.0.1/tcp/1\"],\"signedPeerRecord\":null,\"e\":\"a\\\"b\\u00e9\\n\"}");
        assertThat(m).containsEntry("id", 3L).containsEntry("ok", true).containsEntry("elapsedMs", 3.41)
                .containsEntry("addrs", List.of("/ip4/127.0.0.1/tcp/1")).containsEntry("signedPeerRecord", null)
                .containsEntry("e", "a\"bé\n");
    }

    @Test
    void writesACommand() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", 1L);
        m.put("cmd", "echo");
        m.put("bytes", 64 << 20);
        m.put("list", List.of(true, "x\ty"));
        assertThat(Json.write(m)).isEqualTo("{\"id\":1,\"cmd\":\"echo\",\"bytes\":67108864,\"list\":[true,\"x\\ty\"]}");
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : List.of("{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "01", "\"\\x\"", "{\"a\":1}x", "{\"a\":1,\"a\":2}",
                "tru", "\"\\u12\"")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad JSON");
        }
    }

    @Test
    void stringsRoundTrip() {
        qt().withFixedSeed(0x75001L).withExamples(1000).forAll(strings(0, ANY_SIZE))
                .checkAssert(s -> {
            assertThat(Json.parse(Json.write(s))).isEqualTo(s);
        });
    }

    @Test
    void longsRoundTrip() {
        qt().withFixedSeed(0x75002L).withExamples(1000).forAll(longs().all())
                .checkAssert(n -> {
            assertThat(Json.parse(Json.write(n))).isEqualTo(n);
        });
    }
}
