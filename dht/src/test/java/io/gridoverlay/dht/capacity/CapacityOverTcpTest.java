package io.gridoverlay.dht.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.DhtMode;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.sim.CapacityMix;
import io.gridoverlay.transport.Host;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capacity discovery over real TCP on loopback: 20 in-JVM hosts on the grid protocol, each serving the
 * capacity index and advertising the capacity written in its own capacity file (TOML for half of them, YAML
 * for the others); queries from a client node must return exactly what a brute-force filter over the 20
 * records returns.
 */
@Tag("slow")
class CapacityOverTcpTest {
    private static final int NODES = 20;
    private static final long GIB = 1L << 30;
    private static final long TIMEOUT_S = 60;

    private final List<Host> hosts = new ArrayList<>();
    private final List<PrivateKey> keys = new ArrayList<>();
    private final List<KademliaDht> dhts = new ArrayList<>();
    private final List<CapacityPublisher> publishers = new ArrayList<>();

    @TempDir
    Path dir;

    private static DhtConfig config(DhtMode mode) {
        return DhtConfig.builder().protocol(DhtConfig.GRID_PROTOCOL).mode(mode).refreshInterval(Duration.ZERO)
                .keyspace(() -> new CapacityIndexStore(CapacityIndexConfig.defaults())).build();
    }

    private Host host(boolean listen) {
        PrivateKey key = Ed25519.generate().privateKey();
        keys.add(key);
        Host.Builder b = Host.builder().identity(key).eventLoopThreads(1);
        if (listen) {
            b.listen("/ip4/127.0.0.1/tcp/0");
        }
        Host h = b.build();
        hosts.add(h);
        h.start().orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
        return h;
    }

    @AfterEach
    void close() {
        publishers.forEach(CapacityPublisher::close);
        dhts.forEach(KademliaDht::close);
        hosts.forEach(Host::close);
    }

    @Test
    void twentyNodesAdvertiseTheirCapacityFilesAndQueriesOverTcpAnswerExactlyTheBruteForceFilter() throws Exception {
        for (int i = 0; i < NODES; i++) {
            dhts.add(KademliaDht.onHost(host(true), config(DhtMode.SERVER)));
        }
        PeerInfo seed = new PeerInfo(hosts.get(0).peerId(), hosts.get(0).listenAddresses());
        for (int i = 1; i < NODES; i++) {
            dhts.get(i).bootstrap(List.of(seed)).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
        }
        for (KademliaDht d : dhts) { // a second pass lets early nodes learn of later ones
            d.bootstrap(List.of()).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
        }

        // each node's capacity: a realistic mix, written to a capacity file and advertised from that file
        CapacityMix mix = new CapacityMix(11);
        List<CapacityRecord> truth = new ArrayList<>();
        List<CompletableFuture<CapacityPublisher.Publication>> published = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            Host h = hosts.get(i);
            CapacityRecord planned = mix.next(h.peerId(), Instant.now());
            Path file = CapacityFiles.write(planned, dir.resolve("node" + i + (i % 2 == 0 ? ".toml" : ".yaml")));
            CapacityRecord r = CapacitySource.file(file).read(h.peerId(), h.listenAddresses());
            // the file says exactly what was planned (times and addresses are the source's)
            assertThat(r.toBuilder().issuedAt(planned.issuedAt()).expiresAt(planned.expiresAt()).listenAddrs(List.of())
                    .build()).as("node %d read back from %s", i, file).isEqualTo(planned);
            truth.add(r);
            CapacityPublisher p = CapacityPublisher.create(dhts.get(i), keys.get(i), CapacityIndexConfig.defaults());
            publishers.add(p);
            published.add(p.publish(r));
        }
        for (CompletableFuture<CapacityPublisher.Publication> f : published) {
            CapacityPublisher.Publication p = f.get(TIMEOUT_S, TimeUnit.SECONDS);
            assertThat(p.failed()).as("index keys no holder took").isEmpty();
            assertThat(p.registered()).hasSize(IndexKeys.of(p.record().record()).size());
        }

        KademliaDht client = KademliaDht.onHost(host(false), config(DhtMode.CLIENT));
        dhts.add(client);
        client.bootstrap(List.of(seed)).orTimeout(TIMEOUT_S, TimeUnit.SECONDS).join();
        CapacityFinder finder = CapacityFinder.create(client);

        CapacityRecord some = truth.get(7);
        List<CapacityQuery> queries = new ArrayList<>(List.of(
                CapacityQuery.builder().build(),
                CapacityQuery.builder().minFreeCores(8).minFreeMemory(32 * GIB).build(),
                CapacityQuery.builder().countries("BE", "NL", "DE").build(),
                CapacityQuery.builder().countries(some.location().country()).build(),
                CapacityQuery.builder().farms(some.farmId()).build(),
                CapacityQuery.builder().gpu(true).build(),
                CapacityQuery.builder().minCertification(CapacityRecord.Certification.CERTIFIED).build(),
                CapacityQuery.builder().near(some.location().latitudeE6() / 1e6, some.location().longitudeE6() / 1e6, 400)
                        .sort(CapacityQuery.Sort.DISTANCE).build(),
                CapacityQuery.builder().minFreeSsd(1024 * GIB).maxPricePerCoreHour(30_000).sort(CapacityQuery.Sort.PRICE).build()));
        truth.stream().flatMap(r -> r.gpus().stream()).findFirst().ifPresent(g ->
                queries.add(CapacityQuery.builder().gpuVendors(g.vendor()).minGpuMemory(g.memoryBytes()).build()));
        Instant now = Instant.now();
        assertThat(truth.stream().filter(r -> queries.get(0).matches(r, now))).hasSize(NODES);
        for (CapacityQuery q : queries) {
            CapacityQueryResult r = finder.find(q).get(TIMEOUT_S, TimeUnit.SECONDS);
            Instant at = Instant.now();
            Set<PeerId> expected = truth.stream().filter(rec -> q.matches(rec, at)).map(CapacityRecord::nodeId)
                    .collect(Collectors.toSet());
            Set<PeerId> got = r.matches().stream().map(m -> m.record().nodeId()).collect(Collectors.toSet());
            System.out.printf("%-3d matches over TCP, %s: %s%n", got.size(), q, r.cost());
            assertThat(got).as("%s (plan %s)", q, r.cost().plan()).isEqualTo(expected);
            assertThat(r.matches()).hasSize(expected.size());
            assertThat(r.cost().recordsRejected()).isZero();
        }
    }
}
