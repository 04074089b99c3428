package io.gridoverlay.transport;

import static io.gridoverlay.transport.AbuseSupport.p2pAddress;
import static io.gridoverlay.transport.AbuseSupport.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.transport.yamux.YamuxConfig;
import io.gridoverlay.transport.internal.yamux.YamuxReceiveBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host-wide receive budget ({@link ConnectionLimits#maxHostReceiveBuffer()}) over real TCP on 127.0.0.1:
 * received data that applications have not consumed, on all connections together, stays within it; a
 * connection whose next frame does not fit waits and is served once bytes are released; well-behaved
 * transfers through a budget much smaller than their sum all complete.
 */
class ReceiveBudgetTest {
    private static final String HOLD = "/hold/1.0.0";
    private static final String SINK = "/sink/1.0.0";
    private static final int WINDOW = YamuxConfig.DEFAULT_WINDOW;

    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        AbuseSupport.closeAll(hosts);
    }

    private Host host(Host.Builder b) {
        Host h = b.listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
        hosts.add(h);
        h.start().join();
        return h;
    }

    /** A host whose windows never grow beyond 256 KiB, with a receive budget of {@code budget} bytes. */
    private Host victim(long budget) {
        return host(Host.builder()
                .yamux(YamuxConfig.builder().maxStreamWindow(WINDOW).build())
                .limits(ConnectionLimits.builder().maxHostReceiveBuffer(budget).build()));
    }

    /** A stream handler that keeps its data unconsumed, counting what arrived. */
    private record Holder(Stream stream, AtomicLong received) {}

    @Test
    void unconsumedDataOfAllConnectionsStaysWithinTheBudgetAndAWaitingConnectionResumes() {
        Host victim = victim(2L * WINDOW);
        Map<io.gridoverlay.core.identity.PeerId, Holder> held = new ConcurrentHashMap<>();
        victim.setStreamHandler(HOLD, s -> {
            s.setAutoConsume(false);
            AtomicLong received = new AtomicLong();
            held.put(s.connection().remotePeer(), new Holder(s, received));
            return (st, data) -> received.addAndGet(data.readableBytes());
        });
        List<Host> peers = List.of(host(Host.builder()), host(Host.builder()), host(Host.builder()));
        List<Stream> streams = new ArrayList<>();
        for (Host p : peers) {
            Connection c = p.dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
            streams.add(c.newStream(HOLD, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join());
            // Identify done both ways: no late Identify data competes for the budget below
            c.identified().orTimeout(10, TimeUnit.SECONDS).join();
            victim.connections(p.peerId()).get(0).identified().orTimeout(10, TimeUnit.SECONDS).join();
        }
        waitUntil(Duration.ofSeconds(5), "the victim holds three streams", () -> held.size() == 3);
        YamuxReceiveBudget budget = victim.receiveBudget();
        // the multistream lines of the three streams arrived in the chunk during which their handler turned
        // auto-consume off: the transport consumes them itself, so nothing of them stays reserved
        waitUntil(Duration.ofSeconds(5), "the negotiation bytes are released", () -> budget.used() == 0);
        long base = budget.used();
        int chunk = WINDOW - 4096;

        // two peers fill nearly their whole windows: the budget (two windows) has less than 8 KiB left
        streams.get(0).write(new byte[chunk]).orTimeout(10, TimeUnit.SECONDS).join();
        streams.get(1).write(new byte[chunk]).orTimeout(10, TimeUnit.SECONDS).join();
        Holder first = held.get(peers.get(0).peerId());
        Holder second = held.get(peers.get(1).peerId());
        waitUntil(Duration.ofSeconds(10), "the victim received both chunks",
                () -> first.received().get() == chunk && second.received().get() == chunk);
        assertThat(budget.used()).isEqualTo(base + 2L * chunk);

        // the third peer's 10,000 bytes do not fit: its connection stops reading, nothing of them is buffered
        streams.get(2).write(new byte[10_000]).orTimeout(10, TimeUnit.SECONDS).join();
        waitUntil(Duration.ofSeconds(10), "the third connection waits for the budget", () -> budget.waitingSessions() == 1);
        Holder third = held.get(peers.get(2).peerId());
        assertThat(third.received()).hasValue(0);
        assertThat(budget.used()).isEqualTo(base + 2L * chunk).isLessThanOrEqualTo(budget.limit());

        // the application consumes one stream: the waiting connection is served
        first.stream().consumed(chunk);
        waitUntil(Duration.ofSeconds(10), "the third peer's data arrives", () -> third.received().get() == 10_000);
        assertThat(budget.waitingSessions()).isZero();
        assertThat(budget.used()).isEqualTo(base + chunk + 10_000L);
        second.stream().consumed(chunk);
        third.stream().consumed(10_000);
        waitUntil(Duration.ofSeconds(5), "the consumed bytes are returned", () -> budget.used() == base);

        // a stream reset with unconsumed data returns its reservation too
        streams.get(1).write(new byte[1000]).orTimeout(10, TimeUnit.SECONDS).join();
        waitUntil(Duration.ofSeconds(10), "1000 more bytes held", () -> budget.used() == base + 1000);
        second.stream().reset();
        waitUntil(Duration.ofSeconds(5), "the reset stream's bytes are returned", () -> budget.used() == base);
    }

    @Test
    void transfersMuchLargerThanTheBudgetAllCompleteAndReturnEveryByte() {
        Host victim = victim(WINDOW); // one window for the whole host
        AtomicLong sunk = new AtomicLong();
        victim.setStreamHandler(SINK, s -> (st, data) -> sunk.addAndGet(data.readableBytes()));
        int peers = 3;
        int streamsPerPeer = 2;
        int perStream = 2 << 20;
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            Connection c = host(Host.builder()).dial(p2pAddress(victim)).orTimeout(10, TimeUnit.SECONDS).join();
            for (int k = 0; k < streamsPerPeer; k++) {
                Stream s = c.newStream(SINK, StreamHandler.discarding()).orTimeout(10, TimeUnit.SECONDS).join();
                done.add(writePaced(s, perStream));
            }
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        long total = (long) peers * streamsPerPeer * perStream;
        waitUntil(Duration.ofSeconds(30), "the victim received every byte", () -> sunk.get() == total);
        waitUntil(Duration.ofSeconds(5), "every reservation is returned", () -> victim.receiveBudget().used() == 0);
        assertThat(victim.receiveBudget().waitingSessions()).isZero();
    }

    /** Writes {@code bytes} in 64 KiB pieces, each after the previous one was accepted. */
    private static CompletableFuture<Void> writePaced(Stream s, int bytes) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int off = 0; off < bytes; off += 65536) {
            int n = Math.min(65536, bytes - off);
            chain = chain.thenCompose(v -> s.write(new byte[n]));
        }
        return chain.thenCompose(v -> s.closeWrite());
    }

    @Test
    void aBudgetSmallerThanOneStreamWindowIsRefused() {
        assertThatThrownBy(() -> Host.builder()
                .limits(ConnectionLimits.builder().maxHostReceiveBuffer(1 << 20).build()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxHostReceiveBuffer");
    }
}
