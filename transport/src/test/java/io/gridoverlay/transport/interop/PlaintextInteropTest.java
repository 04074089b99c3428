package io.gridoverlay.transport.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.internal.plaintext.PlaintextHandshakeHandler;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /plaintext/2.0.0} with a js-libp2p peer started with {@code --plaintext}, both directions. */
class PlaintextInteropTest {
    static Host host;
    static Multiaddr hostAddr;
    static JsPeer js;

    @BeforeAll
    static void start() {
        host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).insecurePlaintext().enablePerf().build();
        host.start().join();
        hostAddr = host.listenAddresses().get(0).encapsulate("/p2p/" + host.peerId().toBase58());
        js = JsPeer.start("--plaintext");
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
    void javaDialsJsPingsAndDownloads() {
        Connection c = host.dial(js.addr()).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(c.remotePeer()).isEqualTo(js.peerId());
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        Perf.Result r = Perf.run(c, 2 << 20, 8 << 20).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(r.downloaded()).isEqualTo(8 << 20);
        c.close().orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Test
    void jsDialsJavaWithPlaintextAndYamux() {
        JsPeer.Reply r = js.callSync("dial", "addr", hostAddr);
        assertThat(r.string("peerId")).isEqualTo(host.peerId().toBase58());
        assertThat(r.string("encryption")).isEqualTo(PlaintextHandshakeHandler.PROTOCOL);
        assertThat(r.string("multiplexer")).isEqualTo(Host.YAMUX);
        assertThat(js.callSync("ping", "addr", hostAddr).number("rtt")).isNotNegative();
        JsPeer.Reply perf = js.callSync("perf", "addr", hostAddr, "upload", 1 << 20, "download", 4 << 20,
                "timeoutMs", 30_000);
        assertThat(perf.number("downloadBytes")).isEqualTo(4L << 20);
    }
}
