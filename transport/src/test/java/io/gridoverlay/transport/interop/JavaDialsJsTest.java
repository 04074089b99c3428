package io.gridoverlay.transport.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Protocol;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.PeerRecord;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.IdentifyInfo;
import io.gridoverlay.transport.noise.HandshakeException;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A Java {@link Host} dials a js-libp2p peer ({@code interop/js/peer.mjs}) over TCP on 127.0.0.1. */
@Tag("interop")
class JavaDialsJsTest {
    static JsPeer js;
    Host host;

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

    @BeforeEach
    void startHost() {
        host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).enablePerf().build();
        host.start().join();
    }

    @AfterEach
    void stopHost() {
        host.close();
    }

    Connection dial() {
        return host.dial(js.addr()).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void connectsWithNoiseAndYamux() {
        Connection c = dial();
        assertThat(c.remotePeer()).isEqualTo(js.peerId());
        assertThat(c.direction()).isEqualTo(Connection.Direction.OUTBOUND);
        assertThat(js.peerId().matches(c.remotePublicKey())).isTrue();
        // js sees the same connection, encrypted with Noise and multiplexed with Yamux
        JsPeer.Reply info = js.callSync("info");
        List<Object> conns = info.list("connections");
        assertThat(conns).anySatisfy(o -> {
            @SuppressWarnings("unchecked")
            JsPeer.Reply conn = new JsPeer.Reply((java.util.Map<String, Object>) o);
            assertThat(conn.string("peerId")).isEqualTo(host.peerId().toBase58());
            assertThat(conn.string("direction")).isEqualTo("inbound");
            assertThat(conn.string("encryption")).isEqualTo(Host.NOISE);
            assertThat(conn.string("multiplexer")).isEqualTo(Host.YAMUX);
        });
    }

    @Test
    void identifiesTheJsPeer() {
        Connection c = dial();
        IdentifyInfo info = c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(info.peer()).isEqualTo(js.peerId());
        assertThat(info.agentVersion()).isEqualTo("gridoverlay-interop-js/0.1.0");
        assertThat(info.protocols()).contains(Echo.PROTOCOL, Ping.PROTOCOL, Perf.PROTOCOL, "/ipfs/id/1.0.0",
                "/ipfs/id/push/1.0.0");
        Multiaddr jsListen = js.addr().decapsulate(Protocol.P2P).orElseThrow();
        assertThat(info.listenAddresses()).contains(jsListen);
        // the observed address is where js sees us: our side of this connection (js appends /p2p/<our id>)
        assertThat(info.observedAddress()).hasValueSatisfying(a -> assertThat(a)
                .isEqualTo(c.localAddress().encapsulate("/p2p/" + host.peerId().toBase58())));
        // the signed peer record was verified on receipt; it names js and its listen address
        PeerRecord record = info.signedPeerRecord().orElseThrow(
                () -> new AssertionError("js sent no signed peer record"));
        assertThat(record.peerId()).isEqualTo(js.peerId());
        assertThat(record.addresses()).extracting(Multiaddr::fromBytes).contains(jsListen);
        assertThat(host.peerStore().protocols(js.peerId())).contains(Echo.PROTOCOL);
        assertThat(host.peerStore().addresses(js.peerId())).contains(jsListen);
    }

    @Test
    void pings() {
        Connection c = dial();
        for (int i = 0; i < 3; i++) {
            Duration rtt = Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void echoesSixtyFourMebibytesWithBackPressure() {
        byte[] data = new byte[64 << 20];
        new Random(64).nextBytes(data);
        Connection c = dial();
        Echo.roundTrip(c, data).orTimeout(40, TimeUnit.SECONDS).join();
    }

    @Test
    void hundredConcurrentEchoStreams() {
        Connection c = dial();
        Random random = new Random(100);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] data = new byte[1024 + random.nextInt(64 * 1024)];
            random.nextBytes(data);
            all.add(Echo.roundTrip(c, data));
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
            }
            // Timed out once in CI (2026-11-25) and never again in 9 runs: say where the streams stood.
            long finished = all.stream().filter(CompletableFuture::isDone).count();
            Object snapshot = c.muxerSnapshot().handle((snap, err) -> err != null ? err : snap)
                    .orTimeout(5, TimeUnit.SECONDS).join();
            throw new AssertionError(finished + " of 100 echo round trips finished within 30 s; connection open: "
                    + c.isOpen() + "; muxer: " + snapshot, e);
        }
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void perfUploadAndDownload() {
        Connection c = dial();
        Perf.Result up = Perf.run(c, 16 << 20, 0).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(up.uploaded()).isEqualTo(16 << 20);
        assertThat(up.downloaded()).isZero();
        Perf.Result down = Perf.run(c, 0, 16 << 20).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(down.downloaded()).isEqualTo(16 << 20);
        Perf.Result both = Perf.run(c, 4 << 20, 4 << 20).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(both.uploaded()).isEqualTo(4 << 20);
        assertThat(both.downloaded()).isEqualTo(4 << 20);
        assertThat(both.bitsPerSecond()).isPositive();
    }

    @Test
    void wrongPeerIdIsRejectedWithHandshakeException() {
        PeerId other = Ed25519.generate().privateKey().peerId();
        Multiaddr wrong = js.addr().decapsulate(Protocol.P2P).orElseThrow().encapsulate("/p2p/" + other.toBase58());
        assertThatThrownBy(() -> host.dial(wrong).orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(HandshakeException.class);
        assertThat(host.connections()).isEmpty();
        // the js peer is still fine and reachable under its real id
        assertThat(Ping.ping(dial()).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
    }
}
