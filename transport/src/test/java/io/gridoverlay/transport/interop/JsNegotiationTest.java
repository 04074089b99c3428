package io.gridoverlay.transport.interop;

import static io.gridoverlay.testing.Conditions.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.Stream;
import io.gridoverlay.transport.StreamHandler;
import io.gridoverlay.transport.StreamNegotiation;
import io.gridoverlay.transport.protocol.Ping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Negotiation shortcuts against js-libp2p 3.x ({@code interop/js/peer.mjs}), both directions.
 *
 * <ul>
 *   <li>Early muxer negotiation: @chainsafe/libp2p-noise 17 sends {@code stream_muxers} in both roles and
 *       honours ours, so with both sides listing Yamux neither runs the multistream round for the muxer;
 *       with ours switched off, both fall back to multistream-select.</li>
 *   <li>Lazy multistream-select: js accepts a Java dialer that sends its data right after the proposal.
 *       js itself never negotiates lazily ({@code @libp2p/multistream-select} 7 {@code select()} always waits
 *       for the echo), so the js-dials-Java direction is full negotiation, covered by {@link JsDialsJavaTest};
 *       the Java responder's handling of a lazy dialer is shown on the wire in {@code LazyNegotiationTest}.</li>
 * </ul>
 */
@Tag("interop")
class JsNegotiationTest {
    static JsPeer js;
    final List<Host> hosts = new ArrayList<>();

    @BeforeAll
    static void startJs() {
        js = JsPeer.start();
    }

    @AfterAll
    static void stopJs() {
        if (js != null) {
            js.close();
        }
    }

    @AfterEach
    void stopHosts() {
        hosts.forEach(Host::close);
        hosts.clear();
    }

    Host host(Host.Builder b) {
        Host h = b.listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        hosts.add(h);
        h.start().join();
        h.setStreamHandler(Echo.PROTOCOL, Echo::serve);
        return h;
    }

    static Multiaddr addr(Host h) {
        return h.listenAddresses().get(0).encapsulate("/p2p/" + h.peerId().toBase58());
    }


    @Test
    void javaDialsJsAndBothAgreeOnYamuxInTheNoiseHandshake() {
        Host host = host(Host.builder());
        Connection c = host.dial(js.addr()).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(c.isMuxerNegotiatedInHandshake()).isTrue();
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        assertThat(c.identified().orTimeout(10, TimeUnit.SECONDS).join().peer()).isEqualTo(js.peerId());
        Echo.roundTrip(c, randomBytes(1 << 20, 1)).orTimeout(20, TimeUnit.SECONDS).join();
    }

    @Test
    void jsDialsJavaAndBothAgreeOnYamuxInTheNoiseHandshake() {
        Host host = host(Host.builder());
        JsPeer.Reply r = js.callSync("dial", "addr", addr(host));
        assertThat(r.string("multiplexer")).isEqualTo(Host.YAMUX);
        waitUntil(() -> !host.connections(js.peerId()).isEmpty());
        Connection c = host.connections(js.peerId()).get(0);
        assertThat(c.isMuxerNegotiatedInHandshake()).isTrue();
        js.callSync("ping", "addr", addr(host));
        js.callSync("echo", "addr", addr(host), "bytes", 1 << 20);
    }

    @Test
    void withoutOurExtensionJsFallsBackToMultistreamBothWays() {
        Host host = host(Host.builder().earlyMuxerNegotiation(false));
        Connection out = host.dial(js.addr()).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(out.isMuxerNegotiatedInHandshake()).isFalse();
        assertThat(Ping.ping(out).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        out.close().orTimeout(10, TimeUnit.SECONDS).join();
        // js may redial the host it just identified (a new connection, also without our extension), so
        // wait for this connection to leave the table rather than for the table to empty
        waitUntil(() -> !host.connections(js.peerId()).contains(out));

        // js may not have processed our close yet and would hand back that dead connection: drop it first
        js.callSync("hangUp", "addr", addr(host));
        JsPeer.Reply r = js.callSync("dial", "addr", addr(host));
        assertThat(r.string("multiplexer")).isEqualTo(Host.YAMUX);
        waitUntil(() -> !host.connections(js.peerId()).isEmpty());
        assertThat(host.connections(js.peerId()).get(0).isMuxerNegotiatedInHandshake()).isFalse();
        js.callSync("echo", "addr", addr(host), "bytes", 64 * 1024);
    }

    @Test
    void jsAcceptsLazilyNegotiatedStreams() {
        Host host = host(Host.builder().streamNegotiation(StreamNegotiation.LAZY));
        Connection c = host.dial(js.addr()).orTimeout(10, TimeUnit.SECONDS).join();
        Stream probe = c.newStream(Echo.PROTOCOL, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(probe.isLazy()).isTrue();
        assertThat(probe.protocolConfirmed().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(Echo.PROTOCOL);
        probe.reset();
        // Echo.roundTrip writes its first 64 KiB as soon as newStream returns: before js's echo, on the wire
        Echo.roundTrip(c, randomBytes(4 << 20, 2)).orTimeout(30, TimeUnit.SECONDS).join();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(Echo.roundTrip(c, randomBytes(1000 + i * 997, 10 + i)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isLessThan(Duration.ofSeconds(5));
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
