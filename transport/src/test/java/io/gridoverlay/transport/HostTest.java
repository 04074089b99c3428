package io.gridoverlay.transport;

import static io.gridoverlay.testing.Conditions.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.transport.noise.HandshakeException;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two Java hosts over real TCP on 127.0.0.1. */
class HostTest {
    static final String ECHO = "/echo/1.0.0";

    Host a;
    Host b;
    Multiaddr bAddr;

    @BeforeEach
    void start() {
        a = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).enablePerf().build();
        a.start().join();
        b.start().join();
        b.setStreamHandler(ECHO, io.gridoverlay.transport.interop.Echo::serve);
        bAddr = b.listenAddresses().get(0).encapsulate("/p2p/" + b.peerId().toBase58());
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void dialsAuthenticatesAndIdentifiesBothWays() {
        Connection c = a.dial(bAddr).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(c.remotePeer()).isEqualTo(b.peerId());
        IdentifyInfo info = c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(info.protocols()).contains(ECHO, Ping.PROTOCOL, Perf.PROTOCOL, "/ipfs/id/1.0.0");
        assertThat(info.listenAddresses()).contains(b.listenAddresses().get(0));
        assertThat(info.signedPeerRecord()).hasValueSatisfying(r -> assertThat(r.peerId()).isEqualTo(b.peerId()));
        assertThat(info.agentVersion()).startsWith("gridoverlay/");
        assertThat(a.peerStore().protocols(b.peerId())).contains(ECHO);
        // b identifies a too
        waitUntil(() -> a.peerStore() != null && !b.connections(a.peerId()).isEmpty()
                && b.connections(a.peerId()).get(0).identified().isDone());
        assertThat(b.connections(a.peerId()).get(0).identified().join().peer()).isEqualTo(a.peerId());
        // a second dial reuses the connection
        assertThat(a.dial(bAddr).join()).isSameAs(c);
    }

    /** Both hosts report the connection to their peer stores, and its end: the entries are kept, idle. */
    @Test
    void peerStoresCountLiveConnections() {
        Connection c = a.dial(bAddr).orTimeout(10, TimeUnit.SECONDS).join();
        waitUntil(() -> a.peerStore().connections(b.peerId()) == 1 && b.peerStore().connections(a.peerId()) == 1);
        c.close();
        waitUntil(() -> a.peerStore().connections(b.peerId()) == 0 && b.peerStore().connections(a.peerId()) == 0);
        assertThat(a.peerStore().contains(b.peerId())).as("kept for the idle retention").isTrue();
        assertThat(b.peerStore().contains(a.peerId())).isTrue();
    }

    @Test
    void pingMeasuresRoundTrip() {
        Connection c = a.dial(bAddr).join();
        Duration rtt = Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(5));
        assertThat(Ping.ping(a, b.peerId()).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
    }

    @Test
    void echoesEightMebibytesWithBackPressure() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(1).nextBytes(data);
        ByteBuf received = Unpooled.buffer(data.length);
        CompletableFuture<Void> done = new CompletableFuture<>();
        a.dial(bAddr).join();
        Stream s = a.newStream(b.peerId(), new StreamHandler() {
            @Override
            public void onData(Stream st, ByteBuf d) {
                received.writeBytes(d);
                if (received.readableBytes() == data.length) {
                    done.complete(null);
                }
            }
        }, ECHO).join();
        assertThat(s.protocol()).isEqualTo(ECHO);
        s.write(data);
        done.orTimeout(30, TimeUnit.SECONDS).join();
        byte[] got = new byte[data.length];
        received.readBytes(got);
        received.release();
        assertThat(MessageDigest.getInstance("SHA-256").digest(got))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** StreamHandler.ofBytes: the server echoes with no reference counting, and the arrays it kept stay intact. */
    @Test
    void byteArrayHandlersOwnWhatTheyReceive() {
        List<byte[]> kept = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.setStreamHandler("/echo-bytes/1.0.0", stream -> StreamHandler.ofBytes((s, bytes) -> {
            kept.add(bytes);
            s.write(bytes);
        }));
        Received back = new Received();
        a.dial(bAddr).join();
        Stream s = a.newStream(b.peerId(), StreamHandler.ofBytes((st, bytes) -> back.append(bytes)), "/echo-bytes/1.0.0")
                .orTimeout(10, TimeUnit.SECONDS).join();
        byte[] msg = new byte[200_000];
        new Random(7).nextBytes(msg);
        s.write(msg.clone());
        waitUntil(() -> back.size() == msg.length);
        assertThat(back.bytes()).isEqualTo(msg);
        // the server's arrays were not recycled under it: concatenated, they are still the message
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        kept.forEach(all::writeBytes);
        assertThat(all.toByteArray()).isEqualTo(msg);
        assertThatThrownBy(() -> StreamHandler.ofBytes(null)).isInstanceOf(NullPointerException.class);
    }

    static final class Received {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        synchronized void append(byte[] b) {
            out.writeBytes(b);
        }

        synchronized int size() {
            return out.size();
        }

        synchronized byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Test
    void hundredConcurrentStreams() {
        Connection c = a.dial(bAddr).join();
        List<CompletableFuture<byte[]>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] msg = ("stream " + i).getBytes();
            CompletableFuture<byte[]> got = new CompletableFuture<>();
            ByteBuf acc = Unpooled.buffer();
            c.newStream(ECHO, (st, d) -> {
                acc.writeBytes(d);
                if (acc.readableBytes() == msg.length) {
                    byte[] out = new byte[msg.length];
                    acc.readBytes(out);
                    acc.release();
                    got.complete(out);
                    st.closeWrite();
                }
            }).thenAccept(st -> st.write(msg));
            results.add(got.thenApply(x -> x));
            results.set(i, got);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(new String(results.get(i).orTimeout(10, TimeUnit.SECONDS).join())).isEqualTo("stream " + i);
        }
    }

    @Test
    void perfUploadAndDownload() {
        Connection c = a.dial(bAddr).join();
        Perf.Result r = Perf.run(c, 4 << 20, 8 << 20).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(r.uploaded()).isEqualTo(4 << 20);
        assertThat(r.downloaded()).isEqualTo(8 << 20);
        assertThat(r.bitsPerSecond()).isPositive();
    }

    @Test
    void wrongPeerIdIsRejectedWithHandshakeException() {
        PeerId other = Ed25519.generate().privateKey().peerId();
        Multiaddr wrong = b.listenAddresses().get(0).encapsulate("/p2p/" + other.toBase58());
        assertThatThrownBy(() -> a.dial(wrong).orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(HandshakeException.class);
        assertThat(a.connections()).isEmpty();
    }

    @Test
    void unknownProtocolFailsTheStreamNotTheConnection() {
        Connection c = a.dial(bAddr).join();
        assertThatThrownBy(() -> c.newStream("/nope/1.0.0", StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join())
                .hasRootCauseInstanceOf(io.gridoverlay.transport.multistream.ProtocolNegotiationException.class);
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
    }

}
