package io.gridoverlay.transport;

import static io.gridoverlay.transport.AbuseSupport.p2pAddress;
import static io.gridoverlay.transport.AbuseSupport.socketAddress;
import static io.gridoverlay.transport.AbuseSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.transport.AbuseSupport.RawPeer;
import io.gridoverlay.transport.multistream.ProtocolNegotiationException;
import io.gridoverlay.transport.protocol.Ping;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lazy (optimistic) multistream-select on outbound streams: Java to Java over TCP, and on the wire against a
 * hand-driven peer (Noise and Yamux by hand) to show that the dialer's first data really precedes the echo
 * and that the responder serves a dialer that sends header, proposal and data in one frame.
 */
class LazyNegotiationTest {
    private static final String ECHO = "/echo/1.0.0";
    private static final int DATA = 0;
    private static final int WINDOW_UPDATE = 1;
    private static final int SYN = 1;
    private static final int ACK = 2;

    private final List<Host> hosts = new ArrayList<>();

    private Host host(Host.Builder b) {
        Host h = b.listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        hosts.add(h);
        h.start().join();
        h.setStreamHandler(ECHO, s -> (st, d) -> st.write(d.retain()));
        return h;
    }

    @AfterEach
    void closeHosts() {
        AbuseSupport.closeAll(hosts);
    }

    /** Collects what a stream receives. */
    private static final class Collector implements StreamHandler {
        final StringBuffer text = new StringBuffer();
        final CountDownLatch reset = new CountDownLatch(1);

        @Override
        public void onData(Stream stream, ByteBuf data) {
            text.append(data.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onReset(Stream stream) {
            reset.countDown();
        }
    }

    @Test
    void lazyStreamCarriesDataAndIsConfirmedLater() {
        Host server = host(Host.builder());
        Host client = host(Host.builder().streamNegotiation(StreamNegotiation.LAZY));
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        Collector got = new Collector();
        Stream s = c.newStream(ECHO, got).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(s.isLazy()).isTrue();
        assertThat(s.protocol()).isEqualTo(ECHO);
        s.write("hello lazy".getBytes(StandardCharsets.UTF_8));
        assertThat(s.protocolConfirmed().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(ECHO);
        waitUntil(Duration.ofSeconds(10), "the echo", () -> got.text.toString().equals("hello lazy"));
    }

    @Test
    void aLazyStreamResetLocallyBeforeConfirmationEndsQuietly() throws Exception {
        // The stream is reset on the event loop in the same task that hands it out, so the server's "na"
        // (it arrives within microseconds over loopback) cannot be read before the reset; resetting from
        // the test thread raced with it.
        Host server = host(Host.builder());
        Host client = host(Host.builder().streamNegotiation(StreamNegotiation.LAZY)
                .streamNegotiationTimeout(Duration.ofMillis(300)));
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        Collector got = new Collector();
        // The reset is attached on the loop before the stream can be handed out, so it runs in the task that
        // hands it out; attached from the test thread it ran there whenever the stream was already out (rare).
        Stream s = CompletableFuture.supplyAsync(() -> c.newStream("/nobody/1.0.0", got).thenApply(st -> {
                    st.reset();
                    return st;
                }), c.eventLoop())
                .thenCompose(opened -> opened)
                .orTimeout(10, TimeUnit.SECONDS).join();
        assertThatThrownBy(() -> s.protocolConfirmed().orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class).hasMessageContaining("reset locally");
        // past the negotiation timeout: our own reset is not reported back to our handler
        assertThat(got.reset.await(1, TimeUnit.SECONDS)).isFalse();
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
    }

    @Test
    void lazyStreamToAnUnsupportedProtocolIsResetAndReportsTheRejection() throws Exception {
        Host server = host(Host.builder());
        Host client = host(Host.builder().streamNegotiation(StreamNegotiation.LAZY));
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        Collector got = new Collector();
        Stream s = c.newStream("/nobody/1.0.0", got).orTimeout(10, TimeUnit.SECONDS).join();
        s.write("lost".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> s.protocolConfirmed().orTimeout(10, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ProtocolNegotiationException.class)
                .hasMessageContaining("/nobody/1.0.0");
        assertThat(got.reset.await(10, TimeUnit.SECONDS)).as("the handler hears of the reset").isTrue();
        assertThat(c.isOpen()).isTrue();
        assertThat(Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join()).isPositive();
    }

    @Test
    void lazyStreamRefusedByTheRemotesStreamLimitReportsStreamRefused() throws Exception {
        Host server = host(Host.builder().yamux(io.gridoverlay.transport.yamux.YamuxConfig.builder().maxStreams(2).build()));
        Host client = host(Host.builder().streamNegotiation(StreamNegotiation.LAZY));
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        waitUntil(Duration.ofSeconds(5), "identify streams are closed", () -> c.streamCount() == 0
                && server.connections().get(0).streamCount() == 0);
        for (int i = 0; i < 2; i++) {
            Stream held = c.newStream(ECHO, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(held.protocolConfirmed().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(ECHO);
        }
        Collector got = new Collector();
        Stream second = c.newStream(ECHO, got).orTimeout(10, TimeUnit.SECONDS).join();
        assertThatThrownBy(() -> second.protocolConfirmed().orTimeout(10, TimeUnit.SECONDS).join())
                .hasCauseInstanceOf(StreamRefusedException.class);
        assertThat(got.reset.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void aLazyStreamOpenedWhileTheSessionQueueIsFullStillSendsItsProposalFirst() throws Exception {
        // Regression (seen against js-libp2p as "Missing newline"): the proposal of a stream opened while the
        // session's write queue was full was refused and dropped, and the data written once the queue had
        // drained went out alone, so the responder read it as a multistream message and reset the stream.
        Host server = host(Host.builder());
        AtomicReference<Stream> held = new AtomicReference<>();
        AtomicLong heldBytes = new AtomicLong();
        server.setStreamHandler("/hold/1.0.0", st -> {
            st.setAutoConsume(false); // the filler's bytes stay unconsumed: its send window closes
            held.set(st);
            return (x, d) -> heldBytes.addAndGet(d.readableBytes());
        });
        Host client = host(Host.builder().streamNegotiation(StreamNegotiation.LAZY)
                .yamux(io.gridoverlay.transport.yamux.YamuxConfig.builder().maxSessionWriteQueue(8 * 1024).build()));
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        Stream filler = c.newStream("/hold/1.0.0", StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join();
        int window = io.gridoverlay.transport.yamux.YamuxConfig.DEFAULT_WINDOW;
        CompletableFuture<Void> filled = filler.write(new byte[window + 16 * 1024]); // 16 KiB stay queued
        waitUntil(Duration.ofSeconds(10), "the filler's window is used up",
                () -> heldBytes.get() >= window - 1024 || filled.isDone()); // less its negotiation bytes
        assertThat(filled).as("the filler's last 16 KiB wait for window").isNotDone();

        Collector got = new Collector();
        Stream s = c.newStream(ECHO, got).orTimeout(10, TimeUnit.SECONDS).join();
        held.get().consumed((int) heldBytes.get()); // the window reopens, the session queue drains
        filler.closeWrite().orTimeout(10, TimeUnit.SECONDS).join();
        s.write("after a full queue".getBytes(StandardCharsets.UTF_8)).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(s.protocolConfirmed().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(ECHO);
        waitUntil(Duration.ofSeconds(10), "the echo", () -> got.text.toString().equals("after a full queue"));
        assertThat(got.reset.getCount()).as("not reset").isEqualTo(1);
    }

    @Test
    void negotiationBytesAreReturnedToTheWindowOfAHandlerThatConsumesItself() throws Exception {
        // Regression: the chunk in which the handler turned auto-consume off also carried the multistream
        // lines, which nobody consumed: every such stream's window shrank by them for good.
        Host server = host(Host.builder().yamux(io.gridoverlay.transport.yamux.YamuxConfig.builder()
                .maxStreamWindow(io.gridoverlay.transport.yamux.YamuxConfig.DEFAULT_WINDOW).build())); // no growth
        AtomicReference<Stream> held = new AtomicReference<>();
        AtomicLong heldBytes = new AtomicLong();
        server.setStreamHandler("/hold/1.0.0", st -> {
            st.setAutoConsume(false);
            held.set(st);
            return (x, d) -> heldBytes.addAndGet(d.readableBytes());
        });
        Host client = host(Host.builder());
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        for (StreamNegotiation mode : List.of(StreamNegotiation.FULL, StreamNegotiation.LAZY)) {
            heldBytes.set(0);
            int window = io.gridoverlay.transport.yamux.YamuxConfig.DEFAULT_WINDOW;
            Stream s = c.newStream(List.of("/hold/1.0.0"), StreamHandler.discarding(), mode)
                    .orTimeout(10, TimeUnit.SECONDS).join();
            s.write(new byte[3 * window]);
            // the first window: what the header and proposal left of it
            long first = window - io.gridoverlay.transport.internal.multistream.MultistreamFrames.encodedLength(
                    io.gridoverlay.transport.internal.multistream.MultistreamFrames.PROTOCOL_ID)
                    - io.gridoverlay.transport.internal.multistream.MultistreamFrames.encodedLength("/hold/1.0.0");
            waitUntil(Duration.ofSeconds(10), "the first window arrives", () -> heldBytes.get() == first);
            Thread.sleep(100); // nothing more may come: the window is closed
            assertThat(heldBytes.get()).isEqualTo(first);
            // the handler consumes all it got: the peer may send one whole window more, not one less the lines
            Stream atServer = held.get();
            atServer.connection().eventLoop().execute(() -> atServer.consumed((int) first));
            waitUntil(Duration.ofSeconds(10), mode + ": a whole window more arrives",
                    () -> heldBytes.get() == first + window);
            s.reset();
        }
    }

    @Test
    void lazyWhenSupportedIsLazyOnlyForProtocolsThePeerAdvertised() {
        Host server = host(Host.builder());
        assertThat(server.config().streamNegotiation()).isEqualTo(StreamNegotiation.FULL);
        Host client = host(Host.builder().streamNegotiation(StreamNegotiation.LAZY_WHEN_SUPPORTED));
        Connection c = client.dial(p2pAddress(server)).orTimeout(10, TimeUnit.SECONDS).join();
        c.identified().orTimeout(10, TimeUnit.SECONDS).join();
        Stream lazy = c.newStream(ECHO, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(lazy.isLazy()).isTrue();
        Stream full = c.newStream(List.of(ECHO, Ping.PROTOCOL), StreamHandler.discarding())
                .orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(full.isLazy()).isFalse();
        assertThat(full.protocolConfirmed()).isCompletedWithValue(ECHO);
        // not advertised: full negotiation, so newStream itself fails
        assertThatThrownBy(() -> c.newStream("/nobody/1.0.0", StreamHandler.discarding())
                .orTimeout(10, TimeUnit.SECONDS).join())
                .hasCauseInstanceOf(ProtocolNegotiationException.class);
    }

    @Test
    void onTheWireTheLazyDialersDataFollowsItsProposalBeforeAnyReply() throws Exception {
        Host host = host(Host.builder().streamNegotiation(StreamNegotiation.LAZY));
        try (RawPeer raw = new RawPeer(socketAddress(host))) {
            raw.negotiateNoise();
            raw.handshake();
            raw.negotiateYamux();
            waitUntil(Duration.ofSeconds(5), "the host registers the connection", () -> host.connections().size() == 1);
            Connection c = host.connections().get(0);
            Collector got = new Collector();
            // the raw peer has sent nothing on any stream: the lazy stream is handed out regardless
            Stream s = c.newStream("/raw/1.0.0", got).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(s.protocolConfirmed()).isNotDone();
            s.write("first data".getBytes(StandardCharsets.UTF_8));

            byte[] expected = concat(RawPeer.multistream("/multistream/1.0.0", "/raw/1.0.0"),
                    "first data".getBytes(StandardCharsets.UTF_8));
            // collect every host-opened stream (Identify is one too) until the /raw/1.0.0 one holds enough
            java.util.Map<Integer, ByteArrayOutputStream> streams = new java.util.HashMap<>();
            int streamId = -1;
            while (streamId < 0) {
                RawPeer.RawFrame f = raw.readYamux();
                if (f.type() != DATA) {
                    continue;
                }
                ByteArrayOutputStream b = streams.computeIfAbsent(f.streamId(), k -> new ByteArrayOutputStream());
                b.writeBytes(f.body());
                if (b.size() >= expected.length && b.toString(StandardCharsets.UTF_8).contains("/raw/1.0.0")) {
                    streamId = f.streamId();
                }
            }
            ByteArrayOutputStream onStream = streams.get(streamId);
            assertThat(onStream.toByteArray()).isEqualTo(expected);

            // now answer: ACK, header, echo and a reply, all in one frame
            raw.writeYamux(DATA, ACK, streamId, 0, new byte[0]);
            byte[] reply = concat(RawPeer.multistream("/multistream/1.0.0", "/raw/1.0.0"),
                    "reply".getBytes(StandardCharsets.UTF_8));
            raw.writeYamux(DATA, 0, streamId, reply.length, reply);
            assertThat(s.protocolConfirmed().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo("/raw/1.0.0");
            waitUntil(Duration.ofSeconds(5), "the reply reaches the handler", () -> got.text.toString().equals("reply"));
        }
    }

    @Test
    void responderServesADialerThatSendsHeaderProposalAndDataInOneFrame() throws Exception {
        Host host = host(Host.builder());
        try (RawPeer raw = new RawPeer(socketAddress(host))) {
            raw.negotiateNoise();
            raw.handshake();
            raw.negotiateYamux();
            byte[] payload = new byte[40_000]; // far more than a multistream message may be
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) ('a' + i % 26);
            }
            byte[] first = concat(RawPeer.multistream("/multistream/1.0.0", ECHO), payload);
            raw.writeYamux(DATA, SYN, 1, first.length, first);

            byte[] expected = concat(RawPeer.multistream("/multistream/1.0.0", ECHO), payload);
            ByteArrayOutputStream onStream = new ByteArrayOutputStream();
            while (onStream.size() < expected.length) {
                RawPeer.RawFrame f = raw.readYamux();
                if (f.streamId() == 1 && f.type() == DATA) {
                    onStream.writeBytes(f.body());
                }
            }
            assertThat(ByteBufUtil.hexDump(onStream.toByteArray())).isEqualTo(ByteBufUtil.hexDump(expected));
        }
    }

    @Test
    void anOversizedProposalOnAStreamIsResetWithoutWaitingForItsBytes() throws Exception {
        Host host = host(Host.builder());
        try (RawPeer raw = new RawPeer(socketAddress(host))) {
            raw.negotiateNoise();
            raw.handshake();
            raw.negotiateYamux();
            // header, then a length prefix announcing 2000 bytes (over the 1 KiB limit) and only a few of them
            byte[] header = RawPeer.multistream("/multistream/1.0.0");
            byte[] first = concat(header, new byte[] {(byte) 0xD0, 0x0F, '/', 'x', 'x'});
            raw.writeYamux(DATA, SYN, 1, first.length, first);
            RawPeer.RawFrame f;
            do {
                f = raw.readYamux();
            } while (!(f.streamId() == 1 && (f.flags() & 8) != 0)); // RST
            assertThat(host.connections()).singleElement().satisfies(c -> assertThat(c.isOpen()).isTrue());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
