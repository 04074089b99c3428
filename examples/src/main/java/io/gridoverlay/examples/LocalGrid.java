package io.gridoverlay.examples;

import static io.gridoverlay.examples.LocalGridNodes.await;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.LookupResult;
import io.gridoverlay.dht.capacity.ByteSize;
import io.gridoverlay.dht.capacity.CapacityPublisher;
import io.gridoverlay.dht.capacity.CapacityQuery;
import io.gridoverlay.dht.capacity.CapacityQueryResult;
import io.gridoverlay.dht.deploy.DeploymentConfig;
import io.gridoverlay.dht.grid.GridNode;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.IdentifyInfo;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code grid-peer local-grid}: the whole grid story in one process over real TCP on 127.0.0.1, every node a
 * {@link GridNode}. N nodes with a seeded capacity mix form the grid (step 1), advertise their capacity and
 * answer a twin's capacity query (2); the twin deploys onto the best match, co-signed by a co-signer node (3),
 * another node resolves and verifies it while the advertised free capacity follows (4), an update (5), the
 * refusals (6), the delete (7) — see {@link DeploymentStory} — and a throughput check (8). Every step prints
 * its checks; the command exits 0 only if all of them passed.
 */
@Command(name = "local-grid", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Start a grid on 127.0.0.1 in this process and run its whole story: capacity nodes, a twin "
                + "and a co-signer join the DHT; the twin finds capacity, deploys onto the best match with a "
                + "co-signature, another node resolves and verifies it, then update, refusals (dropped co-signer, "
                + "replay, forged acceptance, equivocation), delete, and a throughput check. Each check prints ok or "
                + "FAIL; the nodes' data directories are temporary."},
        footer = {"", "Examples:", "  grid-peer local-grid", "  grid-peer local-grid --nodes 8 --seed 42 --perf 64MiB --json",
            "", "Exit codes: 0 every check passed, 1 a check failed, 2 usage error."})
final class LocalGrid implements Callable<Integer> {
    /** How long the throughput check may take before the multiplexer state of both sides is printed. */
    private static final long PERF_TIMEOUT_SECONDS = Long.getLong("gridoverlay.perfTimeoutSeconds", 300);
    private static final long GIB = 1L << 30;

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--nodes", "--peers"}, defaultValue = "20", paramLabel = "N",
            description = "Nodes that offer capacity (2-64; default ${DEFAULT-VALUE}); a twin and a co-signer join "
                    + "them.")
    int peers;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "SEED",
            description = "Seed of the capacity mix and of the node keys (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--perf", defaultValue = "64MiB", paramLabel = "SIZE",
            description = "Bytes each way for the throughput check between nodes 1 and 0 (default ${DEFAULT-VALUE}; "
                    + "0 skips it).")
    String perf;

    @Option(names = "--json", description = "Print one JSON document at the end (every check with its step, the "
            + "step times and the outcome) instead of the story.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter out = json ? new PrintWriter(java.io.OutputStream.nullOutputStream()) : stdout;
        PrintWriter err = spec.commandLine().getErr();
        long perfBytes;
        try {
            perfBytes = ByteSize.parse(perf);
        } catch (IllegalArgumentException e) {
            perfBytes = -1;
        }
        if (peers < 2 || peers > 64 || perfBytes < 0) {
            err.println("grid-peer local-grid: " + (perfBytes < 0 ? "--perf must be a size such as 64MiB or 0, not '"
                    + perf + "'" : "--nodes must be between 2 and 64, not " + peers));
            err.flush();
            return 2;
        }
        out.printf(Locale.ROOT, "local-grid: %d nodes with a seeded capacity mix (seed %d), a twin and a co-signer, "
                + "all GridNodes on 127.0.0.1%n%n", peers, seed);
        DemoChecks checks = new DemoChecks(out);
        StepTimes times = new StepTimes(checks);
        LocalGridNodes started;
        try (Progress bar = Progress.start("starting nodes", peers + 2L, "nodes", json)) {
            started = LocalGridNodes.start(peers, seed, bar::step);
        } catch (Exception e) {
            started = null;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            checks.stepFailed("step 'start'", e);
        }
        if (started != null) {
            runStory(started, perfBytes, out, checks, times);
        }
        times.next(null);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", checks.failed().isEmpty());
            m.put("nodes", peers);
            m.put("seed", seed);
            m.put("passed", checks.passed());
            m.put("failed", checks.failed());
            m.put("stepSeconds", times.seconds());
            m.put("checks", checks.all());
            DeployCommands.printJson(stdout, m);
            stdout.flush();
            return checks.failed().isEmpty() ? 0 : 1;
        }
        out.println();
        if (checks.failed().isEmpty()) {
            out.printf(Locale.ROOT, "local-grid: all %d checks passed (%d nodes, a twin, a co-signer; %s)%n",
                    checks.passed(), peers, times);
        } else {
            out.printf(Locale.ROOT, "local-grid: %d of %d checks FAILED (%s):%n", checks.failed().size(),
                    checks.passed() + checks.failed().size(), times);
            checks.failed().forEach(f -> out.println("  - " + f));
        }
        out.flush();
        return checks.failed().isEmpty() ? 0 : 1;
    }

    /** Steps 1-8 on a started grid, which it closes; a step that throws ends the story as a failed check. */
    private static void runStory(LocalGridNodes started, long perfBytes, PrintWriter out, DemoChecks checks,
                                 StepTimes times) {
        try (LocalGridNodes grid = started) {
            times.next("grid");
            Connection c = formGrid(grid, out, checks);
            times.next("capacity");
            CapacityRecord chosen = findCapacity(grid, out, checks);
            times.next("deployment");
            GridNode target = grid.nodes.stream().filter(n -> n.peerId().equals(chosen.nodeId())).findFirst()
                    .orElseThrow();
            new DeploymentStory(grid, target, chosen.free(), out, checks).run();
            times.next("throughput");
            throughput(grid, c, perfBytes, out, checks);
            times.next("stop");
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            checks.stepFailed("step '" + times.current + "'", e);
        }
    }

    /** Step 1: who is in the grid, routing tables, identify + ping, and a lookup against the true closest peers. */
    private static Connection formGrid(LocalGridNodes grid, PrintWriter out, DemoChecks checks) throws Exception {
        out.println("[1] the grid: every node joined the DHT (" + DhtConfig.GRID_PROTOCOL + ") through node 0");
        for (int i = 0; i < grid.nodes.size(); i++) {
            out.printf(Locale.ROOT, "%-9s %s  %s%n", "node " + i, grid.nodes.get(i).peerId(),
                    CapacityCommands.summary(grid.offered.get(i)));
        }
        out.printf(Locale.ROOT, "%-9s %s  deploys: the owner of the deployment%n", "twin", grid.twin.peerId());
        out.printf(Locale.ROOT, "%-9s %s  co-signs the deployments that list it%n", "co-signer",
                grid.cosigner.peerId());
        out.println("data directories: " + grid.dataRoot + "/node-<i> (SQLite ledger and stores; deleted at the end)");
        out.println("routing table sizes (nodes 0.." + (grid.nodes.size() - 1) + ", twin, co-signer): "
                + grid.all().map(n -> n.dht().orElseThrow().routingTableSize()).toList());

        GridNode from = grid.nodes.get(1);
        GridNode to = grid.nodes.get(0);
        Connection c = await(from.host().dial(to.peerId()));
        IdentifyInfo info = await(c.identified());
        Duration rtt = await(Ping.ping(c));
        checks.check(info.peer().equals(to.peerId()) && info.signedPeerRecord().isPresent()
                        && info.protocols().contains(DhtConfig.GRID_PROTOCOL)
                        && info.protocols().contains(DeploymentConfig.PROTOCOL),
                String.format(Locale.ROOT, "node 1 -> node 0: identify lists %d protocols (%s and %s among them) and a "
                        + "verified signed peer record; ping %.3f ms", info.protocols().size(), DhtConfig.GRID_PROTOCOL,
                        DeploymentConfig.PROTOCOL, rtt.toNanos() / 1e6));

        GridNode last = grid.nodes.get(grid.nodes.size() - 1);
        byte[] key = "/grid/demo".getBytes(StandardCharsets.UTF_8);
        LookupResult r = await(last.dht().orElseThrow().findClosestPeers(key));
        List<PeerId> truth = grid.all().map(GridNode::peerId).filter(p -> !p.equals(last.peerId()))
                .sorted(Comparator.comparing(KademliaDht::keyOf, Key.sha256(key)::compareDistance))
                .limit(20).toList();
        checks.check(r.peers().stream().map(PeerInfo::peerId).toList().equals(truth), String.format(Locale.ROOT,
                "lookup of /grid/demo from node %d finds exactly the true %d closest peers (%d requests, hop depth %d)",
                grid.nodes.size() - 1, truth.size(), r.stats().requests(), r.stats().rounds()));
        return c;
    }

    /**
     * Step 2: every node advertises its signed capacity; the twin's query is checked against the brute-force
     * answer over the advertised records. Returns the best match's record.
     */
    private static CapacityRecord findCapacity(LocalGridNodes grid, PrintWriter out, DemoChecks checks)
            throws Exception {
        out.println();
        out.println("[2] capacity: every node advertises its signed record, the twin queries the grid");
        List<CompletableFuture<CapacityPublisher.Publication>> ads = new ArrayList<>();
        grid.nodes.forEach(n -> ads.add(n.advertiseCapacity()));
        await(CompletableFuture.allOf(ads.toArray(CompletableFuture[]::new)));
        List<CapacityPublisher.Publication> pubs = ads.stream().map(CompletableFuture::join).toList();
        checks.check(pubs.stream().allMatch(p -> p.failed().isEmpty() && !p.registered().isEmpty()),
                "every node registered its capacity under all its index keys (keys per node: "
                        + pubs.stream().map(p -> p.registered().size()).toList() + ")");

        CapacityQuery q = CapacityQuery.builder().minFreeCores(4).minFreeMemory(4 * GIB)
                .sort(CapacityQuery.Sort.FREE_CAPACITY).limit(3).build();
        CapacityQueryResult r = await(grid.twin.findCapacity(q));
        CapacityCommands.printTable(out, q, r);
        Instant now = Instant.now();
        List<CapacityRecord> matching = pubs.stream().map(p -> p.record().record()).filter(rec -> q.matches(rec, now))
                .sorted(Comparator.comparingInt((CapacityRecord rec) -> -rec.free().cores())
                        .thenComparingLong(rec -> -rec.free().memoryBytes())
                        .thenComparing(rec -> rec.nodeId().toBase58()))
                .toList();
        List<PeerId> truth = matching.stream().limit(3).map(CapacityRecord::nodeId).toList();
        checks.check(r.matches().stream().map(m -> m.record().nodeId()).toList().equals(truth),
                String.format(Locale.ROOT, "the answer is the brute-force truth: the top %d by free capacity of the %d "
                        + "advertised records (of %d) that match, each record verified by the twin", truth.size(),
                        matching.size(), pubs.size()));
        if (r.matches().isEmpty()) {
            throw new IllegalStateException("no node has 4 free cores and 4 GiB free: nothing to deploy onto "
                    + "(try more --peers or another --seed)");
        }
        CapacityRecord best = r.matches().get(0).record();
        out.printf(Locale.ROOT, "the twin picks the first match, node %d (%s)%n",
                grid.nodes.stream().map(GridNode::peerId).toList().indexOf(best.nodeId()), best.nodeId());
        return best;
    }

    /** Step 8: /perf/1.0.0 between node 1 and node 0 over the connection of step 1. */
    private static void throughput(LocalGridNodes grid, Connection c, long bytes, PrintWriter out, DemoChecks checks)
            throws Exception {
        out.println();
        out.println("[8] throughput");
        if (bytes == 0) {
            out.println("skipped (--perf 0)");
            return;
        }
        Perf.Result pr;
        try {
            pr = Perf.run(c, bytes, bytes).get(PERF_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            out.println("perf did not finish within " + PERF_TIMEOUT_SECONDS + " s; multiplexer state:");
            out.println("node 1 side: " + await(c.muxerSnapshot()));
            for (Connection back : grid.nodes.get(0).host().connections(grid.nodes.get(1).peerId())) {
                out.println("node 0 side: " + await(back.muxerSnapshot()));
            }
            throw e;
        }
        checks.check(pr.uploaded() == bytes && pr.downloaded() == bytes, String.format(Locale.ROOT,
                "perf node 1 <-> node 0 (Noise + Yamux, one stream): %s up + %s down in %.3f s = %.2f Gbit/s",
                ByteSize.format(pr.uploaded()), ByteSize.format(pr.downloaded()), pr.totalTime().toNanos() / 1e9,
                pr.bitsPerSecond() / 1e9));
    }

    /** Wall time per step, for the summary line. Not thread-safe. */
    private static final class StepTimes {
        private final long started = System.nanoTime();
        private final Map<String, Double> seconds = new LinkedHashMap<>();
        private final DemoChecks checks;
        private long stepStarted = started;
        String current = "start";

        StepTimes(DemoChecks checks) {
            this.checks = checks;
        }

        /** Seconds per finished step, in order. */
        Map<String, Double> seconds() {
            return seconds;
        }

        /** Ends the current step and starts {@code name} (null: the end). */
        void next(String name) {
            long now = System.nanoTime();
            if (current != null) {
                seconds.put(current, Math.round((now - stepStarted) / 1e8) / 10.0);
            }
            current = name;
            if (name != null) {
                checks.step(name);
            }
            stepStarted = now;
        }

        @Override
        public String toString() {
            StringBuilder done = new StringBuilder();
            seconds.forEach((step, s) -> done.append(done.length() == 0 ? "" : ", ").append(step)
                    .append(String.format(Locale.ROOT, " %.1f", s)));
            return String.format(Locale.ROOT, "%.1f s: %s", (System.nanoTime() - started) / 1e9, done);
        }
    }
}
