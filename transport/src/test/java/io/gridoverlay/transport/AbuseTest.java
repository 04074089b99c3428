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
    /**
     * A sink stream's share of its first window that the dialer spent on its multistream header and
     * proposal: the transport consumes those bytes itself, so a sink that never consumes holds one window
     * less them (before that fix, they stayed unconsumed and the window shrank by them for good).
     */
    private static final long SINK_NEGOTIATION_BYTES =
            io.gridoverlay.transport.internal.multistream.MultistreamFrames.encodedLength(
                    io.gridoverlay.transport.internal.multistream.MultistreamFrames.PROTOCOL_ID)
            + io.gridoverlay.transport.internal.multistream.MultistreamFrames.encodedLength(SINK);

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
        long window = YamuxConfig.DEFAULT_WINDOW - SINK_NEGOTIATION_BYTES;
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
        // the writer queues without pacing itself: 512 KiB on each of 8 streams
        Host writer = host(Host.builder().yamux(YamuxConfig.builder().maxStreamWriteQueue(1 << 20)
                .maxSessionWriteQueue(8 << 20).build()));
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
        long window = YamuxConfig.DEFAULT_WINDOW - SINK_NEGOTIATION_BYTES;
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

    // ------------------------------------------------------------------ issue 14: the muxer

    /** The one connection the victim has, once registered. */
    private static Connection onlyConnection(Host victim) {
        waitUntil(Duration.ofSeconds(5), "the raw connection is registered", () -> victim.connections().size() == 1);
        return victim.connections().get(0);
    }

    /** Bytes the victim has queued on {@code c}'s channel and not yet handed to the socket. */
    private static long pendingOutbound(Connection c) {
        io.netty.channel.ChannelOutboundBuffer b = c.channel().unsafe().outboundBuffer();
        return b == null ? 0 : b.totalPendingWriteBytes();
    }

    /**
     * Regression (issue 14, finding 1): every Yamux ping request was answered at once, also while the
     * connection was unwritable, and the host never stopped reading: a peer that sends pings and reads
     * nothing piled the answers up in the host's outbound buffer (~13 MB of pings filled a 256 MiB heap).
     * Now the host stops reading while the channel is unwritable and answers only the latest ping then.
     */
    @Test
    void pingFloodFromPeerThatDoesNotReadIsBounded() throws Exception {
        Host victim = victim();
        int pings = 300_000; // 3.6 MB of requests; before the fix the answers queued up at the victim
        try (RawPeer raw = RawPeer.upgraded(socketAddress(victim), 4096)) {
            Connection c = onlyConnection(victim);
            java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            for (int i = 0; i <= pings; i++) { // the last one, opaque == pings, marks the end
                batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.PING, AbuseSupport.SYN, 0, i, new byte[0]));
            }
            byte[] all = batch.toByteArray();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    raw.writeYamuxFrames(all);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // either the victim stopped reading (the fix) or it read every ping (before the fix)
            waitUntil(Duration.ofSeconds(30), "the flood was read or the victim stopped reading", () -> writer.isDone()
                    || !c.channel().config().isAutoRead() && !c.channel().isWritable());
            assertThat(pendingOutbound(c)).as("bytes queued at the victim for a peer that does not read")
                    .isLessThan(1L << 20);
            writer.orTimeout(30, TimeUnit.SECONDS).join();
            // now read: the answer to the last ping comes, and only a few answers before it
            int[] answers = {0};
            raw.readYamuxUntil(f -> f.type() == AbuseSupport.PING && f.length() == pings, f -> {
                if (f.type() == AbuseSupport.PING && (f.flags() & AbuseSupport.ACK) != 0) {
                    answers[0]++;
                }
            });
            assertThat(answers[0]).as("ping answers written for " + pings + " pings").isLessThan(pings / 10);
            assertServesFreshPeer(victim);
        }
    }

    /**
     * Regression (issue 14, finding 3): a Data frame header announcing 16 MiB made the decoder buffer up to
     * 16 MiB before the stream's window was checked (12 such connections exhausted direct memory). The
     * announced length is now checked against the stream's credit when the header arrives: a protocol error.
     */
    @Test
    void dataFrameLargerThanTheStreamWindowIsRejectedOnItsHeader() throws Exception {
        Host victim = victim();
        try (RawPeer raw = RawPeer.upgraded(socketAddress(victim), 0)) {
            onlyConnection(victim);
            raw.writeYamuxFrames(AbuseSupport.yamuxFrame(AbuseSupport.WINDOW_UPDATE, AbuseSupport.SYN, 1, 0, new byte[0]));
            // the header says 16 MiB; only 1 KiB follows, and the window is 256 KiB
            raw.writeYamuxFrames(AbuseSupport.yamuxFrame(AbuseSupport.DATA, 0, 1, 16 << 20, new byte[1024]));
            RawPeer.RawFrame goAway = raw.readYamuxUntil(f -> f.type() == AbuseSupport.GO_AWAY, f -> { });
            assertThat(goAway.length()).as("go-away code: protocol error").isEqualTo(1);
            raw.awaitClosedByHost(Duration.ofSeconds(5));
        }
        waitUntil(Duration.ofSeconds(5), "the connection is dropped", () -> victim.connections().isEmpty());
        assertServesFreshPeer(victim);
    }

    /**
     * Regression (issue 14, finding 5): a stream opened and reset at once still armed a 10 s negotiation
     * timer (the reset arrived before the deferred attach): 410 k such pairs in 3 s filled the heap.
     */
    @Test
    void openThenResetStreamsDoNotEachArmANegotiationTimer() throws Exception {
        Host victim = victim();
        int pairs = 200; // within the default inbound stream burst
        try (RawPeer raw = RawPeer.upgraded(socketAddress(victim), 0)) {
            Connection c = onlyConnection(victim);
            java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < pairs; i++) {
                int id = 1 + 2 * i;
                batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.WINDOW_UPDATE, AbuseSupport.SYN, id, 0, new byte[0]));
                batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.WINDOW_UPDATE, AbuseSupport.RST, id, 0, new byte[0]));
            }
            batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.PING, AbuseSupport.SYN, 0, 777, new byte[0]));
            raw.writeYamuxFrames(batch.toByteArray());
            raw.readYamuxUntil(f -> f.type() == AbuseSupport.PING && f.length() == 777, f -> { });
            // the ping answer comes after every SYN/RST pair was handled; the deferred attach tasks run next
            c.eventLoop().submit(() -> { }).syncUninterruptibly();
            // only the victim's own identify stream to the raw peer, which never answers it, is negotiating
            assertThat(c.negotiatingStreams()).as("negotiation timers armed").isEqualTo(1);
        }
    }

    /**
     * Regression (issue 14, finding 5): inbound stream opens were not rate-limited. Each session now has a
     * token bucket ({@link YamuxConfig#inboundStreamBurst()}, {@link YamuxConfig#inboundStreamRate()}): an
     * open beyond it is reset with the rate-limited code.
     */
    @Test
    void inboundStreamOpensAreRateLimitedPerSession() throws Exception {
        Host victim = victim();
        int pairs = 4000;
        try (RawPeer raw = RawPeer.upgraded(socketAddress(victim), 0)) {
            onlyConnection(victim);
            java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < pairs; i++) {
                int id = 1 + 2 * i;
                batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.WINDOW_UPDATE, AbuseSupport.SYN, id, 0, new byte[0]));
                batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.WINDOW_UPDATE, AbuseSupport.RST, id, 0, new byte[0]));
            }
            batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.PING, AbuseSupport.SYN, 0, 777, new byte[0]));
            long start = System.nanoTime();
            raw.writeYamuxFrames(batch.toByteArray());
            int[] rateLimited = {0};
            raw.readYamuxUntil(f -> f.type() == AbuseSupport.PING && f.length() == 777, f -> {
                if (f.type() == AbuseSupport.WINDOW_UPDATE && (f.flags() & AbuseSupport.RST) != 0
                        && f.length() == StreamResetException.RATE_LIMITED) {
                    rateLimited[0]++;
                }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            YamuxConfig y = YamuxConfig.defaults();
            long allowed = y.inboundStreamBurst() + (long) Math.ceil(seconds * y.inboundStreamRate());
            assertThat(rateLimited[0]).as("opens refused as rate limited").isGreaterThanOrEqualTo((int) (pairs - allowed));
            assertThat(rateLimited[0]).isPositive();
        }
        assertServesFreshPeer(victim);
    }

    /**
     * Regression (issue 14, finding 6): per-IP limits applied only to pending handshakes, so one address
     * could hold every established connection slot. Established connections are now limited per IP address
     * (and per /24 or IPv6 /48).
     */
    @Test
    void oneAddressCannotHoldEveryConnectionSlot() {
        Host victim = host(Host.builder().limits(ConnectionLimits.builder().maxConnectionsPerIp(2)
                .limitLoopback(true).build()));
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(host(Host.builder()).dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join());
        }
        Host third = host(Host.builder());
        // the victim closes the third connection from 127.0.0.1 as soon as it is upgraded
        CompletableFuture<Connection> dial = third.dial(p2pAddress(victim));
        waitUntil(Duration.ofSeconds(10), "the third connection is refused or closed", () -> dial.isCompletedExceptionally()
                || dial.isDone() && !dial.join().isOpen());
        waitUntil(Duration.ofSeconds(5), "the victim holds two connections", () -> victim.connections().size() == 2);
        // a slot freed is a slot available again
        held.get(0).close().orTimeout(5, TimeUnit.SECONDS).join();
        waitUntil(Duration.ofSeconds(5), "the victim frees the slot", () -> victim.connections().size() == 1);
        Connection again = third.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(Ping.ping(again).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
    }

    /**
     * Regression (issue 14, finding 6): trimming spared every connection with an open application stream and
     * closed the oldest idle ones, so one address opening many connections, each holding an idle stream, had
     * an honest peer's idle connection closed at the next trim while keeping all of its own. Trimming now
     * goes by score ({@link ConnectionManager}): the crowded address's connections, inbound and without any
     * exchange, go first. The clock is the connection manager's, advanced past the grace period by hand.
     */
    @Test
    void oneAddressWithIdleStreamsCannotGetAnHonestPeerTrimmed() throws Exception {
        ManualClock clock = new ManualClock(java.time.Instant.parse("2026-06-01T12:00:00Z"));
        Host victim = host(Host.builder().clock(clock).limits(ConnectionLimits.builder()
                .lowWater(3).highWater(4).gracePeriod(Duration.ofMinutes(1)).build()));
        victim.setStreamHandler(HOLD, s -> StreamHandler.discarding());
        Host honest = host(Host.builder());
        Connection c = honest.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        clock.advance(Duration.ofSeconds(30)); // the attacker's connections are all younger than the honest one

        InetSocketAddress attackerAddress = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0);
        List<RawPeer> attackers = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                RawPeer raw = RawPeer.upgraded(socketAddress(victim), attackerAddress, 0);
                attackers.add(raw);
                raw.writeYamux(AbuseSupport.WINDOW_UPDATE, AbuseSupport.SYN, 1, 0, new byte[0]);
                byte[] proposal = RawPeer.multistream("/multistream/1.0.0", HOLD);
                raw.writeYamux(AbuseSupport.DATA, 0, 1, proposal.length, proposal);
            }
            waitUntil(Duration.ofSeconds(10), "the victim holds six connections with an open stream each",
                    () -> victim.connections().stream().filter(k -> !k.remotePeer().equals(honest.peerId()))
                            .filter(k -> k.applicationStreamCount() == 1).count() == 6);
            assertThat(victim.connections()).hasSize(7); // within the grace period nothing was trimmed

            clock.advance(Duration.ofMinutes(2));
            assertThat(victim.connectionManager().trim()).isEqualTo(4); // 7 down to the low watermark 3
            waitUntil(Duration.ofSeconds(10), "the victim is down to the low watermark",
                    () -> victim.connections().size() == 3);
            assertThat(victim.connections(honest.peerId())).hasSize(1);
            assertThat(c.isOpen()).isTrue();
            assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
        } finally {
            attackers.forEach(RawPeer::close);
        }
    }

    /**
     * Regression (issue 14, finding 6): an idle Ping stream never timed out, so a peer kept its connection
     * "in use" (spared by trimming) with one silent stream. Streams now time out after
     * {@link YamuxConfig#streamIdleTimeout()} without data.
     */
    @Test
    void idlePingStreamIsResetAfterTheStreamIdleTimeout() {
        Host victim = host(Host.builder().yamux(YamuxConfig.builder().streamIdleTimeout(Duration.ofMillis(300)).build()));
        Host client = host(Host.builder());
        Connection c = client.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        CompletableFuture<Void> reset = new CompletableFuture<>();
        c.newStream(Ping.PROTOCOL, new StreamHandler() {
            @Override
            public void onData(Stream st, io.netty.buffer.ByteBuf data) {
            }

            @Override
            public void onReset(Stream st) {
                reset.complete(null);
            }
        }).orTimeout(10, TimeUnit.SECONDS).join();
        reset.orTimeout(10, TimeUnit.SECONDS).join();
        Connection atVictim = victim.connections(client.peerId()).get(0);
        waitUntil(Duration.ofSeconds(5), "the victim has no stream left", () -> atVictim.applicationStreamCount() == 0);
        assertThat(c.isOpen()).isTrue();
    }

    // ------------------------------------------------------------------ issue 14: built-in protocols

    /**
     * Regression (issue 14, finding 2): per-stream write queues were 16 MiB and the Ping responder echoed
     * without back-pressure, so 4 ping streams whose reader never opened its window pinned the heap. Now the
     * responder stops consuming while its stream is not writable (and resets a stream holding more than
     * {@code Ping.MAX_HELD} bytes), and a session queues at most {@link YamuxConfig#maxSessionWriteQueue()}.
     */
    @Test
    void pingStreamsThatNeverOpenTheirWindowAreBounded() {
        Host victim = victim();
        // the attacker may queue a lot itself: 2 MiB of pings per stream
        Host attacker = host(Host.builder().yamux(YamuxConfig.builder().maxStreamWriteQueue(4 << 20)
                .maxSessionWriteQueue(16 << 20).build()));
        Connection c = attacker.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<Void> reset = new CompletableFuture<>();
            Stream s = c.newStream(Ping.PROTOCOL, new StreamHandler() {
                @Override
                public void onData(Stream st, io.netty.buffer.ByteBuf data) {
                    // never consumed: the victim's send window closes after 256 KiB of answers
                }

                @Override
                public void onReset(Stream st) {
                    reset.complete(null);
                }
            }).orTimeout(10, TimeUnit.SECONDS).join();
            s.setAutoConsume(false);
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int k = 0; k < 32; k++) {
                writes.add(s.write(randomBytes(64 * 1024)));
            }
            CompletableFuture<Void> allWritten = CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
            // before the fix every write goes through (the victim consumes and queues its answers); with it,
            // the victim stops consuming and resets the stream
            done.add(CompletableFuture.anyOf(allWritten.exceptionally(e -> null), reset).thenRun(() -> { }));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        Connection atVictim = victim.connections(attacker.peerId()).get(0);
        long queued = atVictim.muxerSnapshot().orTimeout(5, TimeUnit.SECONDS).join().streams().stream()
                .mapToLong(io.gridoverlay.transport.yamux.YamuxSessionSnapshot.StreamState::queuedBytes).sum();
        assertThat(queued).as("bytes the victim queued for a peer that does not read")
                .isLessThanOrEqualTo(YamuxConfig.defaults().maxSessionWriteQueue());
        assertServesFreshPeer(victim);
    }

    /**
     * Regression (issue 14, finding 4): every Identify push merged its listen addresses into the peer store,
     * so 230 pushes added 1.5 M addresses. A push now replaces the peer's addresses, at most
     * {@link PeerStore#DEFAULT_MAX_ADDRESSES_PER_PEER} of them.
     */
    @Test
    void identifyPushesReplaceAPeersAddressesUpToACap() {
        Host victim = victim();
        Host pusher = host(Host.builder());
        Connection c = pusher.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        List<Multiaddr> last = List.of();
        for (int push = 0; push < 5; push++) {
            io.gridoverlay.transport.proto.IdentifyProtos.Identify.Builder m =
                    io.gridoverlay.transport.proto.IdentifyProtos.Identify.newBuilder();
            List<Multiaddr> addrs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                Multiaddr a = Multiaddr.parse("/ip4/10." + push + "." + (i / 250) + "." + (i % 250) + "/tcp/4001");
                addrs.add(a);
                m.addListenAddrs(com.google.protobuf.ByteString.copyFrom(a.toBytes()));
            }
            byte[] body = m.build().toByteArray();
            byte[] prefix = io.gridoverlay.core.encoding.Varint.encode(body.length);
            Stream s = c.newStream(IdentifyService.PUSH, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join();
            s.write(Unpooled.wrappedBuffer(prefix, body)).thenCompose(v -> s.closeWrite());
            Multiaddr marker = addrs.get(0);
            waitUntil(Duration.ofSeconds(5), "push " + push + " is applied",
                    () -> victim.peerStore().addresses(pusher.peerId()).contains(marker));
            last = addrs;
        }
        List<Multiaddr> stored = victim.peerStore().addresses(pusher.peerId());
        assertThat(stored).hasSizeLessThanOrEqualTo(PeerStore.DEFAULT_MAX_ADDRESSES_PER_PEER);
        assertThat(last).containsAll(stored);
    }


    /**
     * Regression (issue 14, finding 7): the Ping responder echoed a slice of one shared 32-byte buffer that
     * it refilled before the echo was sent, so pings A, B, C written together came back as C, C, C.
     */
    @Test
    void pipelinedPingsAreEchoedInOrder() {
        Host victim = victim();
        Host pinger = host(Host.builder());
        Connection c = pinger.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        java.io.ByteArrayOutputStream echoed = new java.io.ByteArrayOutputStream();
        CompletableFuture<byte[]> all = new CompletableFuture<>();
        byte[] pings = randomBytes(3 * Ping.SIZE);
        Stream s = c.newStream(Ping.PROTOCOL, new StreamHandler() {
            @Override
            public void onData(Stream st, io.netty.buffer.ByteBuf data) {
                byte[] b = new byte[data.readableBytes()];
                data.readBytes(b);
                echoed.writeBytes(b);
                if (echoed.size() >= pings.length) {
                    all.complete(echoed.toByteArray());
                }
            }
        }).orTimeout(10, TimeUnit.SECONDS).join();
        s.write(pings.clone()); // A, B and C in one frame: the responder sees them in one onData
        assertThat(all.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(pings);
    }

    /**
     * Regression (issue 14, finding 8): every host served {@code /perf/1.0.0}, and a perf client may ask for
     * 2^63 bytes. Perf is now opt-in ({@link Host.Builder#enablePerf()}).
     */
    @Test
    void perfIsNotServedUnlessEnabled() {
        Host victim = victim();
        Host client = host(Host.builder());
        Connection c = client.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(c.identified().orTimeout(10, TimeUnit.SECONDS).join().protocols())
                .contains(Ping.PROTOCOL).doesNotContain(io.gridoverlay.transport.protocol.Perf.PROTOCOL);
        assertThatThrownBy(() -> io.gridoverlay.transport.protocol.Perf.run(c, 0, Long.MAX_VALUE)
                .orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ProtocolNegotiationException.class);
        assertThat(c.isOpen()).isTrue();

        Host bench = host(Host.builder().enablePerf());
        Connection b = client.dial(p2pAddress(bench)).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(io.gridoverlay.transport.protocol.Perf.run(b, 1024, 4096).orTimeout(10, TimeUnit.SECONDS).join()
                .downloaded()).isEqualTo(4096);
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
