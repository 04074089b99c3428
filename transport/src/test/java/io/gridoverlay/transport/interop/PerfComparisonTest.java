package io.gridoverlay.transport.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput and connection-rate comparison of the Java transport with js-libp2p, on one machine over
 * loopback. Not a pass/fail benchmark: it prints a Markdown table (and writes it to
 * {@code transport/target/perf-report.md}); numbers depend on the machine's load. Excluded from the normal
 * build; run it with
 *
 * <pre>
 * mvn -pl transport -am test -Dgroups=perf-report -DexcludedGroups= -Dtest=PerfComparisonTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <ul>
 *   <li>bulk: one {@code /perf/1.0.0} stream downloading 256 MiB, median of 3 runs after discarded warm-up
 *       runs (at least 3, and at least 5 s of them) on the same connection, Noise + Yamux over TCP, for Java→Java, js→js, Java→js and js→Java (client→server);
 *       then the same over {@code /plaintext/2.0.0} + Yamux, Java→Java and js→js, to show what Noise costs;
 *   <li>connection rate: dial + Noise + Yamux (+ the automatic Identify both stacks run) + one ping + close,
 *       repeated for about 5 s, Java→Java and js→js. The js loop is driven over the JSON command line
 *       ({@code ping} dials, then {@code hangUp}), which adds two stdin/stdout round trips per connection.
 * </ul>
 *
 * Each Java host runs one event-loop thread, as each js peer runs on one Node.js thread; Netty's leak
 * detection is off during the run. As js → js runs between two Node.js processes, the Java → Java server
 * runs in a JVM of its own ({@link JavaPeerProcess}); one more row gives Java → Java with both hosts in the
 * test's JVM, where one JIT compiles the sending and the receiving path together.
 */
@Tag("perf-report")
class PerfComparisonTest {
    static final long DOWNLOAD = 256L << 20;
    /** Discarded runs before measuring: lets C2 and V8 compile the whole path (one 32 MiB run was too short). */
    static final int WARM_UP_RUNS = 3;
    /** ... and at least this much time of them. */
    static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Discarded runs at most, however slow. */
    static final int MAX_WARM_UP_RUNS = 30;
    /** Measured runs; the median is reported. */
    static final int RUNS = 3;
    static final long RATE_NANOS = TimeUnit.SECONDS.toNanos(5);

    record Row(String what, String direction, String value) {}

    static ResourceLeakDetector.Level leakLevel;

    /** The build runs tests with paranoid leak detection, which would dominate the Java numbers. */
    @BeforeAll
    static void disableLeakDetection() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterAll
    static void restoreLeakDetection() {
        ResourceLeakDetector.setLevel(leakLevel);
    }

    @Test
    void printsComparisonTable() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (Host a = javaHost(); Host b = javaHost(); JsPeer js1 = JsPeer.start(); JsPeer js2 = JsPeer.start()) {
            Multiaddr bAddr = addr(b);
            Multiaddr aAddr = addr(a);

            try (JavaPeerProcess server = JavaPeerProcess.start(false)) {
                rows.add(bulk("Java → Java", javaPerf(a, server.addr())));
            }
            rows.add(bulk("Java → Java, both hosts in one JVM", javaPerf(a, bAddr)));
            rows.add(bulk("js → js", jsPerf(js1, js2.addr())));
            rows.add(bulk("Java → js", javaPerf(a, js1.addr())));
            rows.add(bulk("js → Java", jsPerf(js2, aAddr)));
            try (Host pa = plaintextHost(); JsPeer pjs1 = JsPeer.start("--plaintext");
                 JsPeer pjs2 = JsPeer.start("--plaintext")) {
                try (JavaPeerProcess server = JavaPeerProcess.start(true)) {
                    rows.add(bulkPlaintext("Java → Java", javaPerf(pa, server.addr())));
                }
                rows.add(bulkPlaintext("js → js", jsPerf(pjs1, pjs2.addr())));
            }

            rows.add(rate("Java → Java", javaConnectionRate(a, bAddr)));
            rows.add(rate("js → js", jsConnectionRate(js1, js2.addr())));
        }
        double openssl = opensslChaChaPoly();
        if (openssl > 0) {
            rows.add(new Row("`openssl speed -evp chacha20-poly1305 -bytes 65536`, one core", "–",
                    String.format(Locale.ROOT, "%.0f MB/s (%.0f Mbit/s)", openssl / 1e6, openssl * 8 / 1e6)));
        }
        StringBuilder table = new StringBuilder()
                .append("| measurement | client → server | result |\n")
                .append("| --- | --- | --- |\n");
        for (Row r : rows) {
            table.append("| ").append(r.what()).append(" | ").append(r.direction()).append(" | ").append(r.value())
                    .append(" |\n");
        }
        String report = table + "\n" + environment() + "\n";
        Path out = Paths.get(System.getProperty("user.dir"), "target", "perf-report.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.println("\n" + report);
        assertThat(rows).hasSizeBetween(9, 10);
    }

    static Host javaHost() {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).enablePerf().build();
        h.start().join();
        return h;
    }

    static Host plaintextHost() {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).insecurePlaintext().enablePerf().build();
        h.start().join();
        return h;
    }

    static Multiaddr addr(Host h) {
        return h.listenAddresses().get(0).encapsulate("/p2p/" + h.peerId().toBase58());
    }

    /** Median seconds of {@link #RUNS} 256 MiB downloads by a Java client, after the warm-up ({@link #warmedUp}). */
    static double javaPerf(Host client, Multiaddr server) {
        Connection c = client.dial(server).orTimeout(10, TimeUnit.SECONDS).join();
        List<Double> seconds = new ArrayList<>();
        long warmUpStart = System.nanoTime();
        for (int i = 0; seconds.size() < RUNS; i++) {
            Perf.Result r = Perf.run(c, 0, DOWNLOAD).orTimeout(120, TimeUnit.SECONDS).join();
            assertThat(r.downloaded()).isEqualTo(DOWNLOAD);
            if (warmedUp(i, warmUpStart)) {
                seconds.add(r.totalTime().toNanos() / 1e9);
            }
        }
        c.close().orTimeout(5, TimeUnit.SECONDS).join();
        return median(seconds);
    }

    /** Median seconds of {@link #RUNS} 256 MiB downloads by a js client, after the warm-up ({@link #warmedUp}). */
    static double jsPerf(JsPeer client, Multiaddr server) {
        List<Double> seconds = new ArrayList<>();
        long warmUpStart = System.nanoTime();
        for (int i = 0; seconds.size() < RUNS; i++) {
            JsPeer.Reply r = client.callSync("perf", "addr", server, "upload", 0, "download", DOWNLOAD,
                    "timeoutMs", 120_000);
            assertThat(r.number("downloadBytes")).isEqualTo(DOWNLOAD);
            if (warmedUp(i, warmUpStart)) {
                seconds.add(r.decimal("seconds"));
            }
        }
        client.callSync("hangUp", "addr", server);
        return median(seconds);
    }

    /**
     * Whether run {@code i} (0-based) is measured: after at least {@link #WARM_UP_RUNS} discarded runs and
     * {@link #WARM_UP_NANOS} of them (C2 and V8 need seconds, not a fixed byte count, to compile the whole
     * path), but never after more than {@link #MAX_WARM_UP_RUNS} discarded runs.
     */
    static boolean warmedUp(int i, long warmUpStart) {
        return i >= MAX_WARM_UP_RUNS || i >= WARM_UP_RUNS && System.nanoTime() - warmUpStart >= WARM_UP_NANOS;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Connections per second: dial, ping once, close, for about 5 s. */
    static double javaConnectionRate(Host client, Multiaddr server) {
        int n = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            Connection c = client.dial(server).orTimeout(10, TimeUnit.SECONDS).join();
            Ping.ping(c).orTimeout(10, TimeUnit.SECONDS).join();
            c.close().orTimeout(10, TimeUnit.SECONDS).join();
            c.closeFuture().orTimeout(10, TimeUnit.SECONDS).join();
            waitUntilGone(client, c);
            n++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < RATE_NANOS);
        return n / (elapsed / 1e9);
    }

    /** The same loop driven through the js peer's commands: {@code ping} dials, {@code hangUp} closes. */
    static double jsConnectionRate(JsPeer client, Multiaddr server) {
        int n = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            client.callSync("ping", "addr", server, "timeoutMs", 10_000);
            client.callSync("hangUp", "addr", server, "timeoutMs", 10_000);
            n++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < RATE_NANOS);
        return n / (elapsed / 1e9);
    }

    /** A closed connection leaves the host's table shortly after its channel closed. */
    static void waitUntilGone(Host host, Connection c) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (host.connections(c.remotePeer()).contains(c)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("closed connection still listed: " + c);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    static Row bulk(String direction, double seconds) {
        double mibPerSecond = DOWNLOAD / (1024.0 * 1024.0) / seconds;
        return new Row("bulk 256 MiB download, 1 stream", direction,
                String.format(Locale.ROOT, "%.0f MiB/s (%.0f Mbit/s, %.2f s)", mibPerSecond,
                        DOWNLOAD * 8 / seconds / 1e6, seconds));
    }

    static Row bulkPlaintext(String direction, double seconds) {
        Row r = bulk(direction, seconds);
        return new Row("bulk 256 MiB download, 1 stream, /plaintext/2.0.0 (no encryption)", direction, r.value());
    }

    static Row rate(String direction, double perSecond) {
        return new Row("connections (dial+Noise+Yamux+ping+close)", direction,
                String.format(Locale.ROOT, "%.0f /s", perSecond));
    }

    /** One-core ChaCha20-Poly1305 bytes per second of 64 KiB messages from openssl, or 0 without openssl. */
    static double opensslChaChaPoly() {
        try {
            Process p = new ProcessBuilder("openssl", "speed", "-evp", "chacha20-poly1305", "-bytes", "65536",
                    "-seconds", "3").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?mi)^chacha20-poly1305\\s+([0-9.]+)k\\s*$")
                    .matcher(out);
            return m.find() ? Double.parseDouble(m.group(1)) * 1000 : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    static String environment() {
        return String.format(Locale.ROOT, "Java %s (%s), Noise cipher %s, %d CPUs, load average %.2f; node %s",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                io.gridoverlay.transport.internal.noise.NoiseCipherBackend.defaultBackend(),
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                nodeVersion());
    }

    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return v;
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
