package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.ProviderStoreConfig;
import io.gridoverlay.dht.record.RecordStoreConfig;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import io.gridoverlay.dht.sim.CapacityMix;
import io.gridoverlay.dht.sim.LatencyModel;
import io.gridoverlay.dht.sim.SimulatedNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * A small grid in virtual time for capacity tests: {@code n} DHT servers on a {@link SimulatedNetwork}, each
 * serving the capacity index and publishing a capacity record from a seeded {@link CapacityMix}.
 */
final class SimGrid {
    final SimulatedNetwork net;
    final List<KademliaDht> dhts = new ArrayList<>();
    final List<SimulatedNetwork.Endpoint> endpoints = new ArrayList<>();
    final List<PrivateKey> keys = new ArrayList<>();
    final List<CapacityPublisher> publishers = new ArrayList<>();
    final List<CapacityRecord> capacities = new ArrayList<>();
    final CapacityIndexConfig indexConfig;

    SimGrid(int n, long seed, CapacityIndexConfig base) {
        this(n, seed, base, (i, r) -> r);
    }

    /** As above, each node's capacity from the mix passed through {@code adjust} (node index, record). */
    SimGrid(int n, long seed, CapacityIndexConfig base, BiFunction<Integer, CapacityRecord, CapacityRecord> adjust) {
        this(n, seed, base, adjust, 0);
    }

    /** As above, with {@code loss} of the messages dropped at random. */
    SimGrid(int n, long seed, CapacityIndexConfig base, BiFunction<Integer, CapacityRecord, CapacityRecord> adjust,
            double loss) {
        net = new SimulatedNetwork(new LatencyModel(LatencyModel.Config.defaults(), seed), loss, true, seed); // messages go through the Kad codec, as over TCP
        indexConfig = base.withClock(net.clock());
        Random r = new Random(seed);
        List<PeerInfo> infos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] s = new byte[Ed25519.SEED_LENGTH];
            r.nextBytes(s);
            PrivateKey k = Ed25519.fromSeed(s);
            keys.add(k);
            infos.add(new PeerInfo(k.publicKey().peerId(), List.of(Multiaddr.parse(
                    "/ip4/10.1." + (i >>> 8) + "." + (i & 0xFF) + "/tcp/4001"))));
        }
        DhtConfig config = DhtConfig.builder()
                .refreshInterval(Duration.ZERO)
                .staleCheckInterval(Duration.ZERO)
                .republishInterval(Duration.ZERO)
                .routing(RoutingTableConfig.builder().noDiversityLimits().build())
                .recordStore(RecordStoreConfig.builder().clock(net.clock()).build())
                .providerStore(ProviderStoreConfig.builder().clock(net.clock()).build())
                .keyspace(() -> new CapacityIndexStore(indexConfig))
                .build();
        for (int i = 0; i < n; i++) {
            SimulatedNetwork.Endpoint e = net.attach(i, infos.get(i));
            KademliaDht d = KademliaDht.builder(e).config(config).scheduler(e).seed(seed + i).build();
            dhts.add(d);
            endpoints.add(e);
        }
        for (KademliaDht d : dhts) {
            for (PeerInfo p : infos) {
                if (!p.peerId().equals(d.self())) {
                    d.addPeer(p, true);
                }
            }
        }
        net.runUntil(net.nanoTime());
        CapacityMix mix = new CapacityMix(seed);
        for (int i = 0; i < n; i++) {
            capacities.add(adjust.apply(i, mix.next(infos.get(i).peerId(), net.clock().instant())));
            publishers.add(CapacityPublisher.create(dhts.get(i), keys.get(i), indexConfig));
        }
    }

    /** Publishes every node's capacity and runs until all publications completed. */
    List<CapacityPublisher.Publication> publishAll() {
        List<CompletableFuture<CapacityPublisher.Publication>> fs = new ArrayList<>();
        for (int i = 0; i < dhts.size(); i++) {
            fs.add(publishers.get(i).publish(capacities.get(i)));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new));
        net.runUntil(all::isDone);
        return fs.stream().map(CompletableFuture::join).toList();
    }

    <T> T await(CompletableFuture<T> f) {
        net.runUntil(f::isDone);
        return f.join();
    }

    /** Advances virtual time by {@code d}, running everything due. */
    void advance(Duration d) {
        net.runUntil(net.nanoTime() + d.toNanos());
    }
}
