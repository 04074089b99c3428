package io.gridoverlay.transport.interop;

import static io.gridoverlay.testing.Conditions.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A js-libp2p peer ({@code interop/js/peer.mjs}) dials a Java {@link Host} over TCP on 127.0.0.1; the Java
 * host serves {@code /echo/1.0.0} with back-pressure besides its built-in protocols.
 */
@Tag("interop")
class JsDialsJavaTest {
    static JsPeer js;
    static Host host;
    static Multiaddr hostAddr;

    @BeforeAll
    static void start() {
        host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).enablePerf().build();
        host.start().join();
        host.setStreamHandler(Echo.PROTOCOL, Echo::serve);
        hostAddr = host.listenAddresses().get(0).encapsulate("/p2p/" + host.peerId().toBase58());
        js = JsPeer.start();
    }

    @AfterAll
    static void stop() {
        if (js != null) {
            js.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void dialsWithNoiseAndYamux() {
        JsPeer.Reply r = js.callSync("dial", "addr", hostAddr);
        assertThat(r.string("peerId")).isEqualTo(host.peerId().toBase58());
        assertThat(r.string("encryption")).isEqualTo(Host.NOISE);
        assertThat(r.string("multiplexer")).isEqualTo(Host.YAMUX);
        // the Java side authenticated the js peer and identified it
        waitUntil(() -> !host.connections(js.peerId()).isEmpty());
        Connection c = host.connections(js.peerId()).get(0);
        assertThat(c.direction()).isEqualTo(Connection.Direction.INBOUND);
        assertThat(c.identified().orTimeout(10, TimeUnit.SECONDS).join().agentVersion())
                .isEqualTo("gridoverlay-interop-js/0.1.0");
    }

    @Test
    void pings() {
        JsPeer.Reply r = js.callSync("ping", "addr", hostAddr);
        assertThat(r.number("rtt")).isNotNegative().isLessThan(5000);
    }

    @Test
    void identifiesTheJavaHostWithAVerifiedSignedPeerRecord() {
        JsPeer.Reply r = identifyFromJs();
        assertThat(r.string("peerId")).isEqualTo(host.peerId().toBase58());
        assertThat(r.strings("protocols")).contains(Echo.PROTOCOL, Ping.PROTOCOL, Perf.PROTOCOL, "/ipfs/id/1.0.0",
                "/ipfs/id/push/1.0.0");
        String listen = host.listenAddresses().get(0).toString();
        assertThat(r.strings("listenAddrs")).anySatisfy(a -> assertThat(a).startsWith(listen));
        assertThat(r.string("agentVersion")).startsWith("gridoverlay/");
        assertThat(r.string("protocolVersion")).isEqualTo("ipfs/0.1.0");
        assertThat(r.string("publicKeyHex")).isEqualToIgnoringCase(
                java.util.HexFormat.of().formatHex(host.peerId().publicKey().orElseThrow().encode()));
        JsPeer.Reply record = r.object("signedPeerRecord")
                .orElseThrow(() -> new AssertionError("js saw no signed peer record from Java"));
        assertThat(record.fields().get("verified")).isEqualTo(Boolean.TRUE);
        assertThat(Long.parseUnsignedLong(record.string("seq"))).isPositive();
        assertThat(record.strings("addrs")).anySatisfy(a -> assertThat(a).startsWith(listen));
    }

    @Test
    void echoesSixtyFourMebibytesWithBackPressure() {
        JsPeer.Reply r = js.callSync("echo", "addr", hostAddr, "bytes", 64 << 20, "timeoutMs", 40_000);
        assertThat(r.number("bytes")).isEqualTo(64 << 20);
    }

    @Test
    void hundredConcurrentEchoStreams() {
        JsPeer.Reply r = js.callSync("streams", "addr", hostAddr, "count", 100, "bytes", 16 * 1024,
                "timeoutMs", 30_000);
        assertThat(r.number("count")).isEqualTo(100);
    }

    @Test
    void perfUploadAndDownload() {
        for (List<Integer> updown : List.of(List.of(16 << 20, 0), List.of(0, 16 << 20), List.of(4 << 20, 4 << 20))) {
            JsPeer.Reply r = js.callSync("perf", "addr", hostAddr, "upload", updown.get(0), "download", updown.get(1),
                    "timeoutMs", 30_000);
            assertThat(r.number("uploadBytes")).isEqualTo(updown.get(0).longValue());
            assertThat(r.number("downloadBytes")).isEqualTo(updown.get(1).longValue());
        }
    }

    /**
     * js's {@code identify} command. On a fresh connection it can race js's automatic identify, and js
     * allows one outbound identify stream per connection: retry that refusal until a deadline.
     */
    static JsPeer.Reply identifyFromJs() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return js.callSync("identify", "addr", hostAddr);
            } catch (JsPeer.JsPeerException e) {
                if (!e.getMessage().contains("TooManyOutboundProtocolStreams") || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

}
