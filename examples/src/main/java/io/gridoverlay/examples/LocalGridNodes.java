package io.gridoverlay.examples;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.dht.deploy.CosignPolicy;
import io.gridoverlay.dht.grid.GridNode;
import io.gridoverlay.dht.sim.CapacityMix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The grid of {@code local-grid}, in this process on 127.0.0.1: N nodes that offer capacity and accept
 * deployments (each with its own data directory and a capacity drawn from a seeded {@link CapacityMix}), a
 * twin that deploys, and a co-signer that co-signs what lists it. Keys are derived from the seed too, so a
 * seed names the same grid every run. {@link #close()} closes every node and deletes the data directories.
 */
final class LocalGridNodes implements AutoCloseable {
    /** How long any one network step of the demo may take. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    final List<GridNode> nodes = new ArrayList<>();
    final List<PrivateKey> nodeKeys = new ArrayList<>();
    final List<CapacityRecord> offered = new ArrayList<>();
    final PrivateKey ownerKey;
    final PrivateKey cosignerKey;
    GridNode twin;
    GridNode cosigner;
    final Path dataRoot;

    private LocalGridNodes(int count, long seed) throws IOException {
        Random keys = new Random(seed);
        ownerKey = keyFrom(keys); // first: the twin and the co-signer keep their ids whatever the node count
        cosignerKey = keyFrom(keys);
        CapacityMix mix = new CapacityMix(seed);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            PrivateKey k = keyFrom(keys);
            nodeKeys.add(k);
            offered.add(mix.next(k.peerId(), now));
        }
        dataRoot = Files.createTempDirectory("gridoverlay-local-grid-");
    }

    private static PrivateKey keyFrom(Random random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        return Ed25519.fromSeed(seed);
    }

    /**
     * Starts node 0, then the other nodes, the twin and the co-signer joining through it, then lets every
     * node join through node 0 once more so that the early ones learn about the later ones.
     */
    static LocalGridNodes start(int count, long seed) throws Exception {
        return start(count, seed, () -> { });
    }

    /** As {@link #start(int, long)}, calling {@code started} as each of the {@code count + 2} nodes joins. */
    static LocalGridNodes start(int count, long seed, Runnable started) throws Exception {
        LocalGridNodes g = new LocalGridNodes(count, seed);
        try {
            await(g.node(0, null).start());
            started.run();
            String seedAddress = g.address(g.nodes.get(0));
            List<CompletableFuture<GridNode>> starts = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                starts.add(g.node(i, seedAddress).start());
            }
            g.twin = GridNode.builder().identity(g.ownerKey).listen("/ip4/127.0.0.1/tcp/0").bootstrap(seedAddress)
                    .hostOptions(h -> h.eventLoopThreads(1)).build();
            g.cosigner = GridNode.builder().identity(g.cosignerKey).listen("/ip4/127.0.0.1/tcp/0")
                    .bootstrap(seedAddress).cosignPolicy(CosignPolicy.listedSigner(Clock.systemUTC()))
                    .hostOptions(h -> h.eventLoopThreads(1)).build();
            starts.add(g.twin.start());
            starts.add(g.cosigner.start());
            starts.forEach(f -> f.thenRun(started));
            await(CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)));
            // node 0 cannot dial itself: it joins again through the twin
            List<Multiaddr> viaNode0 = List.of(Multiaddr.parse(seedAddress));
            List<Multiaddr> viaTwin = List.of(Multiaddr.parse(g.address(g.twin)));
            await(CompletableFuture.allOf(g.all().map(n -> n.join(n == g.nodes.get(0) ? viaTwin : viaNode0))
                    .toArray(CompletableFuture[]::new)));
            return g;
        } catch (Exception | Error e) {
            try {
                g.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Node {@code i}: listens on loopback, accepts deployments (data directory + capacity), serves /perf. */
    private GridNode node(int i, String bootstrap) throws IOException {
        CapacityRecord capacity = offered.get(i);
        GridNode.Builder b = GridNode.builder().identity(nodeKeys.get(i)).listen("/ip4/127.0.0.1/tcp/0")
                .dataDir(Files.createDirectory(dataRoot.resolve("node-" + i)))
                .capacity((id, addrs) -> capacity.toBuilder().listenAddrs(addrs).build())
                // one event loop per node keeps a 66-node grid light; /perf for the throughput check
                .hostOptions(h -> h.eventLoopThreads(1).enablePerf());
        if (bootstrap != null) {
            b.bootstrap(bootstrap);
        }
        GridNode n = b.build();
        nodes.add(n);
        return n;
    }

    /** Every node of the grid: the capacity nodes, the twin and the co-signer. */
    Stream<GridNode> all() {
        return Stream.concat(nodes.stream(), Stream.of(twin, cosigner)).filter(n -> n != null);
    }

    /** The index of {@code n} among the capacity nodes, or -1. */
    int indexOf(GridNode n) {
        return nodes.indexOf(n);
    }

    String address(GridNode n) {
        return n.listenAddresses().get(0) + "/p2p/" + n.peerId().toBase58();
    }

    /** Closes every node, then deletes the data directories. */
    @Override
    public void close() {
        all().forEach(GridNode::close);
        try (Stream<Path> files = Files.walk(dataRoot)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("deleting the demo's data directories under " + dataRoot, e);
        }
    }

    /** The result of {@code f}, waiting at most {@link #STEP_TIMEOUT}. */
    static <T> T await(CompletableFuture<T> f) throws ExecutionException, InterruptedException, TimeoutException {
        return f.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Polls {@code condition} every 50 ms until it holds or {@link #STEP_TIMEOUT} passed; returns whether it
     * held.
     */
    static boolean pollUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50); // poll interval
        }
        return true;
    }
}
