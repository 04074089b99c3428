package io.gridoverlay.transport;

import static io.gridoverlay.transport.AbuseSupport.assertServesFreshPeer;
import static io.gridoverlay.transport.AbuseSupport.p2pAddress;
import static io.gridoverlay.transport.AbuseSupport.socketAddress;
import static io.gridoverlay.transport.AbuseSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.transport.AbuseSupport.LogCapture;
import io.gridoverlay.transport.AbuseSupport.RawPeer;
import io.gridoverlay.transport.multistream.ProtocolNegotiationException;
import io.gridoverlay.transport.noise.DecryptionException;
import io.gridoverlay.transport.noise.HandshakeException;
import io.gridoverlay.transport.protocol.Ping;
import io.gridoverlay.transport.yamux.YamuxConfig;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A misbehaving peer against a real {@link Host} over TCP on 127.0.0.1: garbage at every stage of the
 * upgrade, stalled handshakes, too many pending handshakes, stream floods, a reader that never reads and
 * oversized messages. Each test checks that the offending connection or stream is closed with a typed
 * error while the host stays up, its memory use stays bounded and a well-behaved peer is still served.
 */
class AbuseTest {
    private static final String HOLD = "/hold/1.0.0";
    private static final String SINK = "/sink/1.0.0";

    private final List<Host> hosts = new ArrayList<>();
    private final Random random = new Random(42);

    private Host host(Host.Builder b) {
        Host h = b.listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        hosts.add(h);
        h.start().join();
        return h;
    }

    private Host victim() {
        return host(Host.builder().handshakeTimeout(Duration.ofSeconds(3)));
    }

    @AfterEach
    void closeHosts() {
        AbuseSupport.closeAll(hosts);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ garbage

    @Test
    void garbageInsteadOfMultistreamIsRejected() throws Exception {
        Host victim = victim();
        try (LogCapture log = new LogCapture(); RawPeer raw = new RawPeer(socketAddress(victim))) {
            raw.write(randomBytes(4096));
            raw.awaitClosedByHost(Duration.ofSeconds(5));
            log.awaitThrowable(ProtocolNegotiationException.class);
        }
        assertThat(victim.connections()).isEmpty();
        waitUntil(Duration.ofSeconds(5), "no handshake pending", () -> victim.pendingInboundCount() == 0);
        assertServesFreshPeer(victim);
    }

    @Test
    void garbageInsteadOfTheFirstNoiseMessageIsRejected() throws Exception {
        Host victim = victim();
        try (LogCapture log = new LogCapture(); RawPeer raw = new RawPeer(socketAddress(victim))) {
            raw.negotiateNoise();
            raw.writeFrame(randomBytes(7)); // message 1 must hold a 32-byte ephemeral key
            raw.awaitClosedByHost(Duration.ofSeconds(5));
            log.awaitThrowable(HandshakeException.class);
        }
        assertThat(victim.connections()).isEmpty();
        assertServesFreshPeer(victim);
    }

    @Test
    void garbageInsteadOfTheThirdNoiseMessageIsRejected() throws Exception {
        Host victim = victim();
        try (LogCapture log = new LogCapture(); RawPeer raw = new RawPeer(socketAddress(victim))) {
            raw.negotiateNoise();
            raw.writeFrame(randomBytes(32)); // any 32 bytes are an acceptable ephemeral key
            byte[] message2 = raw.readFrame();
            assertThat(message2.length).isGreaterThan(32);
            raw.writeFrame(randomBytes(200)); // fails authentication
            raw.awaitClosedByHost(Duration.ofSeconds(5));
            log.awaitThrowable(HandshakeException.class);
        }
        assertThat(victim.connections()).isEmpty();
        assertServesFreshPeer(victim);
    }

    @Test
    void garbageCiphertextAfterTheHandshakeIsRejected() throws Exception {
        Host victim = victim();
        try (LogCapture log = new LogCapture(); RawPeer raw = new RawPeer(socketAddress(victim))) {
            raw.negotiateNoise();
            raw.handshake();
            raw.writeFrame(randomBytes(100)); // a transport frame whose tag cannot verify
            raw.awaitClosedByHost(Duration.ofSeconds(5));
            log.awaitThrowable(DecryptionException.class);
        }
        assertThat(victim.connections()).isEmpty();
        assertServesFreshPeer(victim);
    }

    @Test
    void garbageCiphertextOnAnUpgradedConnectionClosesOnlyThatConnection() throws Exception {
        Host victim = victim();
        Host good = host(Host.builder());
        Connection goodConnection = good.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        try (LogCapture log = new LogCapture(); RawPeer raw = new RawPeer(socketAddress(victim))) {
            raw.negotiateNoise();
            raw.handshake();
            raw.writeEncrypted(RawPeer.multistream("/multistream/1.0.0", Host.YAMUX));
            waitUntil(Duration.ofSeconds(5), "the raw connection is registered", () -> victim.connections().size() == 2);
            raw.writeFrame(randomBytes(100));
            raw.awaitClosedByHost(Duration.ofSeconds(5));
            waitUntil(Duration.ofSeconds(5), "the raw connection is dropped", () -> victim.connections().size() == 1);
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains(DecryptionException.class.getName()));
        }
        assertThat(goodConnection.isOpen()).isTrue();
        assertThat(Ping.ping(goodConnection).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        assertServesFreshPeer(victim);
    }

    // ------------------------------------------------------------------ stalls

    @Test
    void silentConnectionIsClosedAfterTheHandshakeTimeout() throws Exception {
        Host victim = host(Host.builder().handshakeTimeout(Duration.ofMillis(500)));
        try (LogCapture log = new LogCapture(); RawPeer raw = new RawPeer(socketAddress(victim))) {
            Duration took = raw.awaitClosedByHost(Duration.ofSeconds(5));
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            log.awaitThrowable(HandshakeException.class);
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("timed out"));
        }
        waitUntil(Duration.ofSeconds(5), "no handshake pending", () -> victim.pendingInboundCount() == 0);
        assertServesFreshPeer(victim);
    }

    @Test
    void halfANoiseMessageIsClosedAfterTheHandshakeTimeout() throws Exception {
        Host victim = host(Host.builder().handshakeTimeout(Duration.ofMillis(500)));
        try (LogCapture log = new LogCapture(); RawPeer raw = new RawPeer(socketAddress(victim))) {
            raw.negotiateNoise();
            byte[] half = new byte[2 + 16];
            half[1] = 32; // announces 32 bytes, sends 16
            raw.write(half);
            Duration took = raw.awaitClosedByHost(Duration.ofSeconds(5));
            assertThat(took).isLessThan(Duration.ofSeconds(4));
            log.awaitThrowable(HandshakeException.class);
        }
        assertServesFreshPeer(victim);
    }

    @Test
    void extraPendingHandshakesAreResetAndSlotsAreFreedOnClose() throws Exception {
        Host victim = host(Host.builder().handshakeTimeout(Duration.ofSeconds(20))
                .limits(ConnectionLimits.builder().maxConnections(64).maxPendingInbound(4).maxPendingInboundPerIp(4).build()));
        List<RawPeer> stallers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                stallers.add(new RawPeer(socketAddress(victim)));
            }
            waitUntil(Duration.ofSeconds(5), "four handshakes pending", () -> victim.pendingInboundCount() == 4);
            for (int i = 0; i < 3; i++) {
                assertResetPromptly(socketAddress(victim));
            }
            assertThat(victim.pendingInboundCount()).isEqualTo(4);
            // a proper peer is refused too while the slots are taken: the limit is global
            try (Host probe = Host.builder().eventLoopThreads(1).build()) {
                assertThatThrownBy(() -> probe.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join())
                        .isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(TransportException.class);
            }
        } finally {
            stallers.forEach(RawPeer::close);
        }
        waitUntil(Duration.ofSeconds(5), "the stallers' slots are freed", () -> victim.pendingInboundCount() == 0);
        assertServesFreshPeer(victim);
    }

    @Test
    void stallersFromOneIpv4AddressDoNotBlockHandshakesFromAnother() throws Exception {
        Host victim = host(Host.builder().handshakeTimeout(Duration.ofSeconds(30))
                .limits(ConnectionLimits.builder().maxPendingInbound(4).maxPendingInboundPerIp(2).build()));
        assertStallersFromOneGroupAreContained(victim, socketAddress(victim),
                new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
    }

    @Test
    void stallersFromOneIpv6PrefixDoNotBlockHandshakesFromIpv4() throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, loopback6)) {
            assumeTrue(probe.isBound(), "no IPv6 loopback");
        } catch (java.io.IOException e) {
            assumeTrue(false, "no IPv6 loopback: " + e);
        }
        Host victim = host(Host.builder().listen("/ip6/::1/tcp/0").handshakeTimeout(Duration.ofSeconds(30))
                .limits(ConnectionLimits.builder().maxPendingInbound(4).maxPendingInboundPerIp(2).build()));
        InetSocketAddress target6 = victim.listenAddresses().stream()
                .map(a -> Host.toSocketAddress(a, false))
                .filter(a -> a.getAddress() instanceof java.net.Inet6Address)
                .findFirst().orElseThrow();
        assertStallersFromOneGroupAreContained(victim, target6, new InetSocketAddress(loopback6, 0));
    }

    /**
     * Four stallers from {@code stallerSource} (global limit 4, per-address limit 2): two hold a slot, two are
     * reset at once; a proper peer dialling from 127.0.0.1 is still served long before the handshake timeout
     * would free anything. With only the global limit the four stallers would lock everyone out.
     */
    private static void assertStallersFromOneGroupAreContained(Host victim, InetSocketAddress target,
            InetSocketAddress stallerSource) throws Exception {
        List<RawPeer> stallers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                stallers.add(new RawPeer(target, stallerSource));
            }
            waitUntil(Duration.ofSeconds(5), "two handshakes pending", () -> victim.pendingInboundCount() == 2);
            for (int i = 0; i < 2; i++) {
                assertResetPromptly(target, stallerSource);
            }
            assertThat(victim.pendingInboundCount()).isEqualTo(2);
            // a proper peer from 127.0.0.1 is served within 10 s, while the stallers still hold their slots
            Multiaddr ipv4 = victim.listenAddresses().stream().filter(a -> a.toString().startsWith("/ip4/"))
                    .findFirst().orElseThrow().encapsulate("/p2p/" + victim.peerId().toBase58());
            try (Host probe = Host.builder().eventLoopThreads(1).build()) {
                Connection c = probe.dial(ipv4).orTimeout(10, TimeUnit.SECONDS).join();
                assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
            }
            waitUntil(Duration.ofSeconds(5), "only the stallers pending", () -> victim.pendingInboundCount() == 2);
        } finally {
            stallers.forEach(RawPeer::close);
        }
        waitUntil(Duration.ofSeconds(5), "the stallers' slots are freed", () -> victim.pendingInboundCount() == 0);
    }

    /** A connection to {@code target} is reset (already while connecting, or right after). */
    private static void assertResetPromptly(InetSocketAddress target) throws java.io.IOException {
        assertResetPromptly(target, null);
    }

    /** A connection from {@code local} to {@code target} is reset (already while connecting, or right after). */
    private static void assertResetPromptly(InetSocketAddress target, InetSocketAddress local)
            throws java.io.IOException {
        RawPeer extra;
        try {
            extra = new RawPeer(target, local);
        } catch (java.net.SocketException resetWhileConnecting) {
            return;
        }
        try (extra) {
            extra.awaitClosedByHost(Duration.ofSeconds(5));
        }
    }

    // ------------------------------------------------------------------ streams

    @Test
    void streamFloodIsResetBeyondTheLimitAndTheConnectionSurvives() {
        Host victim = host(Host.builder().yamux(YamuxConfig.builder().maxStreams(16).build()));
        List<Stream> held = new CopyOnWriteArrayList<>();
        victim.setStreamHandler(HOLD, s -> {
            held.add(s);
            return StreamHandler.discarding();
        });
        Host flooder = host(Host.builder());
        Connection c = flooder.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        Connection atVictim = victim.connections(flooder.peerId()).get(0);
        waitUntil(Duration.ofSeconds(5), "identify streams are closed", () -> atVictim.streamCount() == 0);

        List<CompletableFuture<Stream>> opened = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            opened.add(c.newStream(HOLD, StreamHandler.discarding()));
        }
        int ok = 0;
        int refused = 0;
        for (CompletableFuture<Stream> f : opened) {
            try {
                f.orTimeout(10, TimeUnit.SECONDS).join();
                ok++;
            } catch (CompletionException e) {
                // the victim reset the SYN (clean, per stream) with the resource-limit code, before any ACK
                assertThat(e.getCause()).isInstanceOf(StreamRefusedException.class)
                        .hasMessageContaining("refused by the remote")
                        .hasMessageContaining(HOLD);
                assertThat(((StreamResetException) e.getCause()).errorCode())
                        .isEqualTo(StreamResetException.RESOURCE_LIMIT_EXCEEDED);
                refused++;
            }
        }
        assertThat(ok).isEqualTo(16);
        assertThat(refused).isEqualTo(48);
        assertThat(atVictim.streamCount()).isLessThanOrEqualTo(16);
        assertThat(c.isOpen()).isTrue();
        assertThat(held).hasSize(16);

        // the connection survives: once the held streams end, the same connection serves streams again
        held.forEach(Stream::reset);
        waitUntil(Duration.ofSeconds(5), "held streams are gone", () -> atVictim.streamCount() == 0);
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        assertServesFreshPeer(victim);
    }

    @Test
    void openerHittingItsOwnStreamLimitGetsLimitExceeded() {
        Host victim = victim();
        victim.setStreamHandler(HOLD, s -> StreamHandler.discarding());
        Host opener = host(Host.builder().yamux(YamuxConfig.builder().maxStreams(4).build()));
        Connection c = opener.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        waitUntil(Duration.ofSeconds(5), "identify streams are closed", () -> c.streamCount() == 0);
        for (int i = 0; i < 4; i++) {
            c.newStream(HOLD, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join();
        }
        assertThatThrownBy(() -> c.newStream(HOLD, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(LimitExceededException.class)
                .hasMessageContaining("maxStreams");
        assertThat(c.isOpen()).isTrue();
        assertServesFreshPeer(victim);
    }

    @Test
    void readerThatNeverReadsHoldsAtMostOneWindowAndOtherStreamsKeepWorking() {
        Host victim = victim();
        CompletableFuture<Stream> sinkStream = new CompletableFuture<>();
        victim.setStreamHandler(SINK, s -> {
            s.setAutoConsume(false);
            sinkStream.complete(s);
            return StreamHandler.discarding(); // never calls consumed()
        });
        int queueLimit = 512 * 1024;
        Host writer = host(Host.builder().yamux(YamuxConfig.builder().maxStreamWriteQueue(queueLimit).build()));
        Connection c = writer.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        Stream s = c.newStream(SINK, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join();

        int chunk = 16 * 1024;
        AtomicLong handedOver = new AtomicLong();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 64; i++) { // 1 MiB, more than window plus write queue
            CompletableFuture<Void> w = s.write(Unpooled.wrappedBuffer(randomBytes(chunk)));
            w.thenRun(() -> handedOver.addAndGet(chunk));
            writes.add(w);
        }
        Stream atVictim = sinkStream.orTimeout(10, TimeUnit.SECONDS).join();
        long window = YamuxConfig.DEFAULT_WINDOW;
        waitUntil(Duration.ofSeconds(10), "the victim holds one full window",
                () -> atVictim.unconsumedBytes() == window);
        // top the writer's queue up until it refuses; each write is settled (queued or refused) once the
        // connection's event loop has run the tasks submitted before ours
        CompletableFuture<Void> refused = null;
        for (int i = 0; i < 64 && refused == null; i++) {
            CompletableFuture<Void> w = s.write(Unpooled.wrappedBuffer(randomBytes(chunk)));
            c.eventLoop().submit(() -> { }).syncUninterruptibly();
            if (w.isCompletedExceptionally()) {
                refused = w;
            } else {
                w.thenRun(() -> handedOver.addAndGet(chunk));
                writes.add(w);
            }
        }
        assertThat(refused).as("a write beyond the queue budget is refused").isNotNull();
        assertThatThrownBy(refused::join).hasCauseInstanceOf(LimitExceededException.class)
                .hasMessageContaining("maxStreamWriteQueue");
        assertThat(s.isWritable()).isFalse();
        // memory stays bounded on both sides: one window at the reader, one queue budget at the writer
        long stalled = handedOver.get();
        long queued = writes.stream().filter(w -> !w.isDone()).count() * chunk;
        assertThat(stalled).isLessThanOrEqualTo(window);
        assertThat(queued).isLessThanOrEqualTo(queueLimit + chunk); // plus the partly sent chunk
        assertThat(atVictim.unconsumedBytes()).isEqualTo(window);

        // other streams on the same connection and other connections keep working
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        assertServesFreshPeer(victim);
        assertThat(atVictim.unconsumedBytes()).isEqualTo(window);
        assertThat(handedOver.get()).isEqualTo(stalled);

        // consuming reopens the window and the writer drains its queue
        victim.connections(writer.peerId()).get(0).eventLoop().execute(() -> atVictim.consumed((int) window));
        waitUntil(Duration.ofSeconds(10), "the writer moves on", () -> handedOver.get() > stalled);
    }

    @Test
    void manyNonReadingStreamsHoldAtMostOneWindowEachPerConnection() {
        int maxStreams = 8;
        Host victim = host(Host.builder().yamux(YamuxConfig.builder().maxStreams(maxStreams).build()));
        List<Stream> sinks = new CopyOnWriteArrayList<>();
        victim.setStreamHandler(SINK, st -> {
            st.setAutoConsume(false);
            sinks.add(st);
            return StreamHandler.discarding();
        });
        Host writer = host(Host.builder());
        Connection c = writer.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        Connection atVictim = victim.connections(writer.peerId()).get(0);
        waitUntil(Duration.ofSeconds(5), "identify streams are closed", () -> atVictim.streamCount() == 0);
        for (int i = 0; i < maxStreams; i++) {
            Stream st = c.newStream(SINK, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join();
            for (int k = 0; k < 8; k++) { // 512 KiB per stream, twice the window
                st.write(randomBytes(64 * 1024));
            }
        }
        long window = YamuxConfig.DEFAULT_WINDOW;
        waitUntil(Duration.ofSeconds(10), "every stream holds one full window", () -> sinks.size() == maxStreams
                && sinks.stream().allMatch(st -> st.unconsumedBytes() == window));
        // a further stream is refused: the connection's buffering is bounded by maxStreams windows
        assertThatThrownBy(() -> c.newStream(SINK, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class);
        long total = sinks.stream().mapToLong(Stream::unconsumedBytes).sum();
        assertThat(total).isEqualTo(maxStreams * window);
        assertThat(c.isOpen()).isTrue();
        assertServesFreshPeer(victim);
    }

    // ------------------------------------------------------------------ oversized messages

    @Test
    void multistreamLineOverOneKibibyteIsRejected() throws Exception {
        Host victim = victim();
        try (LogCapture log = new LogCapture(); RawPeer raw = new RawPeer(socketAddress(victim))) {
            raw.sendMultistream("/multistream/1.0.0");
            raw.sendMultistream("/" + "x".repeat(2000));
            raw.awaitClosedByHost(Duration.ofSeconds(5));
            log.awaitThrowable(ProtocolNegotiationException.class);
        }
        assertServesFreshPeer(victim);
    }

    @Test
    void identifyReplyOverSixtyFourKibibytesIsRejected() {
        Host liar = host(Host.builder());
        // the liar answers identify with a 70 KiB message of valid framing
        liar.setStreamHandler(IdentifyService.ID, stream -> {
            byte[] body = new byte[70 * 1024];
            byte[] prefix = io.gridoverlay.core.encoding.Varint.encode(body.length);
            stream.write(Unpooled.wrappedBuffer(prefix, body)).thenCompose(v -> stream.closeWrite());
            return StreamHandler.discarding();
        });
        Host victim = victim();
        Connection c = victim.dial(p2pAddress(liar)).orTimeout(10, TimeUnit.SECONDS).join();
        assertThatThrownBy(() -> c.identified().orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(TransportException.class)
                .hasMessageContaining("exceeds " + IdentifyService.MAX_BYTES);
        waitUntil(Duration.ofSeconds(5), "the identify stream is closed", () -> c.streamCount() == 0);
        assertThat(victim.peerStore().protocols(liar.peerId())).isEmpty();
        // the stream was rejected, not the connection
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        assertServesFreshPeer(victim);
    }
}
