package io.gridoverlay.transport;

import static io.gridoverlay.transport.AbuseSupport.p2pAddress;
import static io.gridoverlay.transport.AbuseSupport.socketAddress;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.transport.AbuseSupport.RawPeer;
import io.gridoverlay.transport.protocol.Ping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The abuse soak (issue 14): each attack runs for {@code -Dabuse.seconds} (default 60 under {@code -Pabuse})
 * against one host in this JVM, while an honest peer pings it every 50 ms; reported per attack: peak heap
 * used, peak direct memory, the honest peer's ping p50/p99 and failed pings, and whether the host still
 * serves a fresh peer afterwards. Written to {@code target/abuse-report.md}. Tagged {@code abuse}: excluded
 * from the default build, run by the {@code abuse} profile (transport/pom.xml), which also caps the JVM at
 * {@code -Xmx256m -XX:MaxDirectMemorySize=256m}.
 */
@Tag("abuse")
class AbuseSoakTest {
    private static final Duration DURATION = Duration.ofSeconds(Long.getLong("abuse.seconds", 60));
    private static final List<String> ROWS = new ArrayList<>();

    /** One attack: runs until {@code stop} is set; called on its own thread. */
    interface Attack {
        void run(Host victim, AtomicBoolean stop) throws Exception;
    }

    @Test
    void pingFloodFromPeerThatDoesNotRead() throws Exception {
        soak("Yamux ping flood, attacker never reads", (victim, stop) -> {
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 0; i < 5000; i++) {
                batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.PING, AbuseSupport.SYN, 0, i, new byte[0]));
            }
            byte[] frames = batch.toByteArray();
            while (!stop.get()) {
                try (RawPeer raw = RawPeer.upgraded(socketAddress(victim), 4096)) {
                    while (!stop.get()) {
                        raw.writeYamuxFrames(frames); // blocks once the victim stops reading
                    }
                } catch (IOException closedByVictim) {
                    // reconnect
                }
            }
        });
    }

    @Test
    void openThenResetStreamFlood() throws Exception {
        soak("stream open-then-reset flood", (victim, stop) -> {
            int next = 1;
            while (!stop.get()) {
                try (RawPeer raw = RawPeer.upgraded(socketAddress(victim), 0)) {
                    drainInBackground(raw, stop);
                    while (!stop.get()) {
                        ByteArrayOutputStream batch = new ByteArrayOutputStream();
                        for (int i = 0; i < 2000; i++, next += 2) {
                            batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.WINDOW_UPDATE, AbuseSupport.SYN, next, 0,
                                    new byte[0]));
                            batch.writeBytes(AbuseSupport.yamuxFrame(AbuseSupport.WINDOW_UPDATE, AbuseSupport.RST, next, 0,
                                    new byte[0]));
                        }
                        raw.writeYamuxFrames(batch.toByteArray());
                    }
                } catch (IOException closedByVictim) {
                    next = 1;
                }
            }
        });
    }

    @Test
    void largeDataFrameHeaders() throws Exception {
        soak("16 MiB data frame headers on 12 connections at a time", (victim, stop) -> {
            while (!stop.get()) {
                List<RawPeer> raws = new ArrayList<>();
                try {
                    for (int i = 0; i < 12; i++) {
                        RawPeer raw = RawPeer.upgraded(socketAddress(victim), 0);
                        raws.add(raw);
                        raw.writeYamuxFrames(AbuseSupport.yamuxFrame(AbuseSupport.WINDOW_UPDATE, AbuseSupport.SYN, 1, 0,
                                new byte[0]));
                        raw.writeYamuxFrames(AbuseSupport.yamuxFrame(AbuseSupport.DATA, 0, 1, 16 << 20, new byte[60_000]));
                    }
                } catch (IOException closedByVictim) {
                    // expected: a protocol error
                } finally {
                    raws.forEach(RawPeer::close);
                }
            }
        });
    }

    @Test
    void identityChurnHoldingMoreConnectionsThanTheLimit() throws Exception {
        // fresh identities, 250 connections at a time against maxConnections 192: slots, trimming and the peer
        // store (one entry per identity, bounded by PeerStore.maxPeers) under churn
        soak("250 connections at a time from fresh identities, replaced continuously", (victim, stop) -> {
            java.util.ArrayDeque<RawPeer> open = new java.util.ArrayDeque<>();
            try {
                while (!stop.get()) {
                    try {
                        open.add(RawPeer.upgraded(socketAddress(victim), 0));
                    } catch (IOException refusedOrClosed) {
                        // over the limit: the victim closes or refuses; keep trying with new identities
                    }
                    while (open.size() > 250) {
                        open.poll().close();
                    }
                }
            } finally {
                open.forEach(RawPeer::close);
            }
        });
    }

    @Test
    void identifyPushFloodWithThousandsOfAddresses() throws Exception {
        soak("Identify push flood, 1,000 addresses per push", (victim, stop) -> {
            try (Host attacker = Host.builder().eventLoopThreads(1).build()) {
                attacker.start().join();
                Connection c = attacker.dial(p2pAddress(victim)).get(10, TimeUnit.SECONDS);
                int push = 0;
                while (!stop.get()) {
                    if (!c.isOpen()) {
                        c = attacker.dial(p2pAddress(victim)).get(10, TimeUnit.SECONDS);
                    }
                    io.gridoverlay.transport.proto.IdentifyProtos.Identify.Builder m =
                            io.gridoverlay.transport.proto.IdentifyProtos.Identify.newBuilder();
                    for (int i = 0; i < 1000; i++) {
                        m.addListenAddrs(com.google.protobuf.ByteString.copyFrom(io.gridoverlay.core.encoding.Multiaddr
                                .parse("/ip4/10." + (push % 250) + "." + (i / 250) + "." + (i % 250) + "/tcp/4001").toBytes()));
                    }
                    byte[] body = m.build().toByteArray();
                    byte[] prefix = io.gridoverlay.core.encoding.Varint.encode(body.length);
                    try {
                        Stream st = c.newStream(IdentifyService.PUSH, (x, d) -> { }).get(10, TimeUnit.SECONDS);
                        st.write(io.netty.buffer.Unpooled.wrappedBuffer(prefix, body)).thenCompose(v -> st.closeWrite())
                                .get(10, TimeUnit.SECONDS);
                    } catch (Exception refused) {
                        // stream limits or rate limits: go on
                    }
                    push++;
                }
            }
        });
    }

    @Test
    void pingStreamsThatNeverOpenTheirWindow() throws Exception {
        soak("ping streams whose reader never opens its window", (victim, stop) -> {
            try (Host attacker = Host.builder().eventLoopThreads(1).build()) {
                while (!stop.get()) {
                    Connection c = attacker.dial(p2pAddress(victim)).get(10, TimeUnit.SECONDS);
                    List<CompletableFuture<Void>> writes = new ArrayList<>();
                    for (int i = 0; i < 16 && !stop.get(); i++) {
                        Stream s = c.newStream(Ping.PROTOCOL, (st, data) -> { }).get(10, TimeUnit.SECONDS);
                        s.setAutoConsume(false);
                        for (int k = 0; k < 4; k++) {
                            writes.add(s.write(new byte[64 * 1024]).exceptionally(e -> null));
                        }
                    }
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).completeOnTimeout(null, 2, TimeUnit.SECONDS)
                            .join();
                    c.close().get(10, TimeUnit.SECONDS);
                }
            }
        });
    }

    private static void drainInBackground(RawPeer raw, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try {
                while (!stop.get() && raw.in.read(buf) >= 0) {
                    // discard
                }
            } catch (IOException closed) {
                // done
            }
        }, "abuse-drain");
        t.setDaemon(true);
        t.start();
    }

    private static void soak(String name, Attack attack) throws Exception {
        try (Host victim = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(2).build();
             Host honest = Host.builder().eventLoopThreads(1).build()) {
            victim.start().join();
            Connection hc = honest.dial(p2pAddress(victim)).get(10, TimeUnit.SECONDS);
            AtomicBoolean stop = new AtomicBoolean();
            Thread attacker = new Thread(() -> {
                try {
                    attack.run(victim, stop);
                } catch (Exception e) {
                    if (!stop.get()) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "abuse-attacker");
            attacker.setDaemon(true);
            attacker.start();
            List<Long> rtts = new ArrayList<>();
            int failed = 0;
            long peakHeap = 0;
            long peakDirect = 0;
            long end = System.nanoTime() + DURATION.toNanos();
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                try {
                    if (!hc.isOpen()) {
                        hc = honest.dial(p2pAddress(victim)).get(5, TimeUnit.SECONDS);
                    }
                    Ping.ping(hc).get(5, TimeUnit.SECONDS);
                    rtts.add(System.nanoTime() - start);
                } catch (Exception e) {
                    failed++;
                }
                peakHeap = Math.max(peakHeap, usedHeap());
                peakDirect = Math.max(peakDirect, usedDirect());
                Thread.sleep(50); // the honest peer's ping interval, not a wait for an event
            }
            stop.set(true);
            attacker.join(15_000);
            boolean serves;
            try {
                AbuseSupport.assertServesFreshPeer(victim);
                serves = true;
            } catch (AssertionError | RuntimeException e) {
                serves = false;
            }
            rtts.sort(null);
            ROWS.add(String.format(Locale.ROOT, "| %s | %d s | %.1f MiB | %.1f MiB | %.2f ms | %.2f ms | %d of %d | %s |",
                    name, DURATION.toSeconds(), peakHeap / 1048576.0, peakDirect / 1048576.0, percentile(rtts, 50),
                    percentile(rtts, 99), failed, failed + rtts.size(), serves ? "yes" : "NO"));
            assertThat(serves).as("the host serves a fresh peer after: " + name).isTrue();
        }
    }

    private static double percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, i)) / 1e6;
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long usedDirect() {
        long used = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                used += b.getMemoryUsed();
            }
        }
        return Math.max(used, io.netty.util.internal.PlatformDependent.usedDirectMemory());
    }

    @AfterAll
    static void report() throws IOException {
        StringBuilder md = new StringBuilder("# Abuse soak\n\nJVM: max heap ")
                .append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB, max direct ")
                .append(io.netty.util.internal.PlatformDependent.maxDirectMemory() >> 20).append(" MiB\n\n")
                .append("| attack | duration | peak heap used | peak direct | honest ping p50 | p99 | failed pings | fresh peer served after |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        ROWS.forEach(r -> md.append(r).append('\n'));
        Path out = Paths.get(System.getProperty("user.dir"), "target", "abuse-report.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        System.out.println(md);
    }
}
