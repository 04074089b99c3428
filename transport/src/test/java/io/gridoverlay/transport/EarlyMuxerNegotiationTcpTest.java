package io.gridoverlay.transport;

import static io.gridoverlay.transport.AbuseSupport.p2pAddress;
import static io.gridoverlay.transport.AbuseSupport.socketAddress;
import static io.gridoverlay.transport.AbuseSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.transport.AbuseSupport.RawPeer;
import io.gridoverlay.transport.protocol.Ping;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Early muxer negotiation (Yamux listed in the Noise extensions) between real hosts on 127.0.0.1, and on the
 * wire against a hand-driven peer: with both sides listing Yamux, Yamux frames follow the handshake directly.
 */
class EarlyMuxerNegotiationTcpTest {
    private static final String ECHO = "/echo/1.0.0";
    private final List<Host> hosts = new ArrayList<>();

    private Host host(Host.Builder b) {
        Host h = b.listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).handshakeTimeout(Duration.ofSeconds(5)).build();
        hosts.add(h);
        h.start().join();
        h.setStreamHandler(ECHO, s -> (st, d) -> st.write(d.retain()));
        return h;
    }

    @AfterEach
    void closeHosts() {
        AbuseSupport.closeAll(hosts);
    }

    @Test
    void twoHostsAgreeOnYamuxInTheHandshake() {
        Host a = host(Host.builder());
        Host b = host(Host.builder());
        Connection c = a.dial(p2pAddress(b)).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(c.isMuxerNegotiatedInHandshake()).isTrue();
        waitUntil(Duration.ofSeconds(5), "b registers the connection", () -> b.connections().size() == 1);
        assertThat(b.connections().get(0).isMuxerNegotiatedInHandshake()).isTrue();
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void withoutTheExtensionOnEitherSideTheMuxerIsNegotiatedWithMultistream() {
        for (boolean dialerLists : new boolean[] {true, false}) {
            Host a = host(Host.builder().earlyMuxerNegotiation(dialerLists));
            Host b = host(Host.builder().earlyMuxerNegotiation(!dialerLists));
            Connection c = a.dial(p2pAddress(b)).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(c.isMuxerNegotiatedInHandshake()).isFalse();
            waitUntil(Duration.ofSeconds(5), "b registers the connection", () -> b.connections().size() == 1);
            assertThat(b.connections().get(0).isMuxerNegotiatedInHandshake()).isFalse();
            assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        }
    }

    @Test
    void onTheWireYamuxFramesFollowTheHandshakeWithoutMultistream() throws Exception {
        Host host = host(Host.builder());
        try (RawPeer raw = new RawPeer(socketAddress(host))) {
            raw.negotiateNoise();
            raw.handshake(List.of("/mplex/6.7.0", Host.YAMUX));
            assertThat(raw.noise.result().remoteStreamMuxers()).containsExactly(Host.YAMUX);
            // no multistream round: open an echo stream straight away (SYN with header, proposal and data)
            byte[] first = RawPeer.multistream("/multistream/1.0.0", ECHO, "ping me");
            raw.writeYamux(0, 1, 1, first.length, first);
            ByteArrayOutputStream onStream = new ByteArrayOutputStream();
            byte[] expected = RawPeer.multistream("/multistream/1.0.0", ECHO, "ping me");
            while (onStream.size() < expected.length) {
                RawPeer.RawFrame f = raw.readYamux();
                if (f.type() == 0 && f.streamId() == 1) {
                    onStream.writeBytes(f.body());
                }
            }
            assertThat(new String(onStream.toByteArray(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(host.connections()).singleElement()
                    .satisfies(c -> assertThat(c.isMuxerNegotiatedInHandshake()).isTrue());
        }
    }

    @Test
    void disjointMuxerListsFailTheHandshake() throws Exception {
        Host host = host(Host.builder());
        try (RawPeer raw = new RawPeer(socketAddress(host))) {
            raw.negotiateNoise();
            raw.handshake(List.of("/mplex/6.7.0"));
            raw.awaitClosedByHost(Duration.ofSeconds(5));
        }
        assertThat(host.connections()).isEmpty();
        AbuseSupport.assertServesFreshPeer(host);
    }
}
