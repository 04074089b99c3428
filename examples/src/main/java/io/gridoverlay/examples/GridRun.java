package io.gridoverlay.examples;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.capacity.CapacityIndexConfig;
import io.gridoverlay.dht.capacity.CapacityPublisher;
import io.gridoverlay.dht.capacity.CapacitySource;
import io.gridoverlay.dht.deploy.CosignPolicy;
import io.gridoverlay.dht.grid.GridNode;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code grid-peer run} on the grid protocol: one {@link GridNode} with the options of {@link GridPeer.Run}
 * (capacity, data directory, co-signing, metrics), running until the process is stopped.
 */
final class GridRun {
    private GridRun() {
    }

    private static final long RETRY_POLL_NANOS = TimeUnit.SECONDS.toNanos(5);

    static int run(GridPeer.Run o, CapacitySource source) throws Exception {
        PrintStream out = GridPeer.OUT;
        MetricsServer metrics = o.metricsPort == null ? null : new MetricsServer(o.metricsHost, o.metricsPort);
        GridNode.Builder b = GridNode.builder()
                .identity(GridPeer.loadKey(o.keyFile, o.createKey))
                .dht(DhtConfig.builder().protocol(o.protocol).mode(o.mode)
                        .refreshInterval(Duration.ofMinutes(10)).build())
                .agentVersion("gridoverlay-grid-peer/0.1.0")
                .hostOptions(h -> {
                    if (o.perf) {
                        h.enablePerf();
                    }
                    if (o.insecurePlaintext) {
                        h.insecurePlaintext();
                    }
                });
        if (!o.listen.isEmpty()) {
            b.listen(o.listen.toArray(String[]::new));
        }
        o.bootstrap.forEach(b::bootstrap);
        if (source != null) {
            b.capacity(source::read);
        }
        if (o.dataDir != null) {
            b.dataDir(o.dataDir);
        }
        if (o.cosign) {
            b.cosignPolicy(CosignPolicy.listedSigner(Clock.systemUTC()));
        }
        if (metrics != null) {
            b.meterRegistry(metrics.registry);
        }
        GridNode node = b.build();
        try {
            node.start().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            node.close();
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
        for (Multiaddr a : node.listenAddresses()) {
            out.println("listening on " + a + "/p2p/" + node.peerId().toBase58());
        }
        int table = node.dht().orElseThrow().routingTableSize();
        if (!o.bootstrap.isEmpty()) {
            out.println("joined the DHT through " + o.bootstrap.size() + " bootstrap peers; " + table
                    + " peers in the routing table");
        }
        node.lastAdvertisement().ifPresent(p -> printAdvertisement(out, p));
        if (source != null && node.lastAdvertisement().map(p -> p.registered().isEmpty()).orElse(true)) {
            retryWhenAPeerJoins(node, out);
        }
        node.deploymentService().ifPresent(s -> out.println("accepting deployments on /grid/deploy/1.0.0: "
                + s.totalCapacity().cores() + " cores, " + io.gridoverlay.dht.capacity.ByteSize.format(
                        s.totalCapacity().memoryBytes()) + " offered, " + s.freeCapacity().cores()
                + " cores free; ledger in " + o.dataDir));
        if (o.dataDir != null && node.deploymentService().isEmpty()) {
            out.println("data directory " + o.dataDir + " keeps the records stored for others (no capacity: "
                    + "this node accepts no deployments)");
        }
        if (o.cosign) {
            out.println("co-signing deployments that list " + node.peerId() + " as a signer");
        }
        if (metrics != null) {
            out.println("metrics at http://" + o.metricsHost + ":" + metrics.port() + "/metrics");
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            if (metrics != null) {
                metrics.close();
            }
            stop.countDown();
        }, "grid-peer-shutdown"));
        stop.await();
        return 0;
    }

    static void printAdvertisement(PrintStream out, CapacityPublisher.Publication p) {
        CapacityRecord r = p.record().record();
        out.printf(Locale.ROOT, "advertising capacity: %s; registered under %d index keys%s, refreshed every %ds%n",
                CapacityCommands.summary(r), p.registered().size(),
                p.failed().isEmpty() ? "" : " (" + p.failed().size() + " not yet: no holder answered; retried when a peer joins)",
                CapacityIndexConfig.defaults().refreshInterval().toSeconds());
    }

    /** The first node of a grid registers under no key: publish again as soon as a peer is in the table. */
    private static void retryWhenAPeerJoins(GridNode node, PrintStream out) {
        var dht = node.dht().orElseThrow();
        dht.scheduler().schedule(() -> {
            if (dht.routingTableSize() == 0) {
                retryWhenAPeerJoins(node, out);
                return;
            }
            node.advertiseCapacity().whenComplete((p, e) -> {
                if (e != null) {
                    out.println("capacity advertisement failed: " + e);
                } else {
                    out.println("a peer joined: capacity registered under " + p.registered().size() + " index keys");
                }
            });
        }, RETRY_POLL_NANOS);
    }

}
