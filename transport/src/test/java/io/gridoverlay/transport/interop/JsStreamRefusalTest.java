package io.gridoverlay.transport.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.Stream;
import io.gridoverlay.transport.StreamHandler;
import io.gridoverlay.transport.StreamRefusedException;
import io.gridoverlay.transport.StreamResetException;
import io.gridoverlay.transport.protocol.Ping;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A js-libp2p peer whose Yamux accepts at most {@value #JS_LIMIT} inbound streams per connection refuses the
 * next one with a bare RST (no ACK, no error code): the Java opener gets a {@link StreamRefusedException},
 * not a negotiation error, and the connection keeps working.
 */
@Tag("interop")
class JsStreamRefusalTest {
    private static final int JS_LIMIT = 6;
    static JsPeer js;
    Host host;

    @BeforeAll
    static void startJs() {
        js = JsPeer.start("--max-inbound-streams", Integer.toString(JS_LIMIT));
    }

    @AfterAll
    static void stopJs() {
        if (js != null) {
            js.close();
        }
    }

    @BeforeEach
    void startHost() {
        host = Host.builder().eventLoopThreads(1).build();
    }

    @AfterEach
    void stopHost() {
        host.close();
    }

    @Test
    void streamBeyondTheJsYamuxLimitIsRefusedNotMisreportedAsNegotiationFailure() {
        Connection c = host.dial(js.addr()).orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        List<Stream> held = new ArrayList<>();
        Throwable refusal = null;
        // echo streams stay open until we close them; one of the first JS_LIMIT + 2 must be refused
        for (int i = 0; i < JS_LIMIT + 2 && refusal == null; i++) {
            try {
                held.add(c.newStream(Echo.PROTOCOL, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join());
            } catch (CompletionException e) {
                refusal = e.getCause();
            }
        }
        assertThat(refusal).as("js refused a stream beyond its limit of " + JS_LIMIT)
                .isInstanceOf(StreamRefusedException.class)
                .hasMessageContaining("refused by the remote")
                .hasMessageContaining(Echo.PROTOCOL);
        assertThat(((StreamResetException) refusal).errorCode()).isEqualTo(StreamResetException.NO_ERROR);
        assertThat(held.size()).isBetween(JS_LIMIT - 2, JS_LIMIT);
        assertThat(c.isOpen()).isTrue();

        // freeing the held streams makes room again on the same connection
        held.forEach(Stream::reset);
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        assertThat(c.newStream(Echo.PROTOCOL, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join()
                .protocol()).isEqualTo(Echo.PROTOCOL);
    }
}
