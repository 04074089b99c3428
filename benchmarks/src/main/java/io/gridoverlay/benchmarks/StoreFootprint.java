package io.gridoverlay.benchmarks;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.RecordValidator;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.capacity.CapacityIndexConfig;
import io.gridoverlay.dht.capacity.CapacityIndexStore;
import io.gridoverlay.dht.capacity.IndexKey;
import io.gridoverlay.dht.capacity.IndexKeys;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.ProviderStore;
import io.gridoverlay.dht.record.ProviderStoreConfig;
import io.gridoverlay.dht.record.RecordStore;
import io.gridoverlay.dht.record.RecordStoreConfig;
import io.gridoverlay.dht.record.Validators;
import io.gridoverlay.dht.sim.CapacityMix;
import io.gridoverlay.transport.PeerStore;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Measures the heap the node's stores retain when filled to their default bounds, for the store table of
 * docs/memory-budget.md (which was estimated from object sizes). Not a JMH benchmark: it fills each store,
 * forces garbage collection and reads the heap in use before and after; each figure is the mean of three
 * runs of the fill, and the stores are kept reachable until the heap is read.
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -Xmx1g -cp benchmarks/target/benchmarks.jar io.gridoverlay.benchmarks.StoreFootprint
 * </pre>
 */
public final class StoreFootprint {
    private static final Random RANDOM = new Random(1);
    private static final List<PeerId> IDS = new ArrayList<>();

    private StoreFootprint() {
    }

    public static void main(String[] args) {
        for (int i = 0; i < 8_192; i++) {
            IDS.add(Ed25519.generate().privateKey().peerId());
        }
        System.out.println("store (default bound)                                   retained heap");
        measure("DHT records: 20,000 records, 16 MiB of values (~838 B each)", StoreFootprint::records);
        measure("DHT providers: 20,000 entries (200 keys x 100), 2 addresses each", () -> providers(2));
        measure("DHT providers: 20,000 entries, 32 addresses offered each (4 kept)", () -> providers(32));
        measure("peer store: 8,192 peers, 4 addresses each", () -> peers(4));
        measure("peer store: 8,192 peers, 64 addresses each (the per-peer cap)", () -> peers(64));
        measure("capacity index: 2,048 entries (~300 B signed records)", StoreFootprint::capacityIndex);
    }

    private interface Fill {
        Object fill();
    }

    private static void measure(String what, Fill fill) {
        long sum = 0;
        for (int run = 0; run < 3; run++) {
            long before = usedAfterGc();
            Object kept = fill.fill();
            long after = usedAfterGc();
            sum += after - before;
            java.lang.ref.Reference.reachabilityFence(kept); // the store stays reachable until the heap was read
        }
        System.out.printf("%-70s %7.1f MiB%n", what, sum / 3.0 / (1 << 20));
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static Object records() {
        RecordValidator any = new RecordValidator() {
            @Override
            public String namespace() {
                return "fp";
            }

            @Override
            public Verification<?> validate(byte[] key, byte[] value, Instant now) {
                return Verification.valid(value);
            }

            @Override
            public int select(byte[] key, List<byte[]> values, Instant now) {
                return 0;
            }
        };
        RecordStore store = new RecordStore(RecordStoreConfig.defaults(), Validators.builder().add(any).build());
        int n = 20_000;
        int valueBytes = (16 << 20) / n;
        for (int i = 0; i < n; i++) {
            byte[] value = new byte[valueBytes];
            RANDOM.nextBytes(value);
            store.put(KadRecord.of(("/fp/" + i).getBytes(StandardCharsets.UTF_8), value));
        }
        // the 16 MiB bound counts key and value bytes: a few of the 20,000 are evicted
        check(store.size() >= 19_500, "records stored: " + store.size());
        return store;
    }

    private static Object providers(int addresses) {
        ProviderStore store = new ProviderStore(ProviderStoreConfig.defaults());
        int stored = 0;
        for (int k = 0; k < 200; k++) {
            byte[] key = ("/providers/" + k).getBytes(StandardCharsets.UTF_8);
            for (int p = 0; p < 100; p++) {
                if (store.addProvider(key, new PeerInfo(IDS.get((k * 100 + p) % IDS.size()), addresses(addresses, p)))) {
                    stored++;
                }
            }
        }
        check(stored == 20_000, "providers stored: " + stored);
        return store;
    }

    private static Object peers(int addresses) {
        PeerStore store = new PeerStore(8_192, Clock.systemUTC());
        for (int i = 0; i < 8_192; i++) {
            store.addAddresses(IDS.get(i), addresses(addresses, i), Duration.ofHours(1));
        }
        check(store.addresses(IDS.get(8_191)).size() == addresses, "addresses kept per peer");
        return store;
    }

    private static Object capacityIndex() {
        Instant now = Instant.now();
        // expiry judged at the instant the records are issued: a slow fill cannot outlive their 10 min
        CapacityIndexStore store = new CapacityIndexStore(CapacityIndexConfig.defaults()
                .withClock(Clock.fixed(now, java.time.ZoneOffset.UTC))
                .withSpillAbove(CapacityIndexConfig.defaults().maxEntries())); // fill to the hard bound
        CapacityMix mix = new CapacityMix(1);
        int max = CapacityIndexConfig.defaults().maxEntries();
        while (store.size() < max) {
            PrivateKey key = Ed25519.generate().privateKey();
            CapacityRecord r = mix.next(key.peerId(), now);
            byte[] signed = r.sign(key).toBytes();
            for (var k : IndexKeys.of(r)) {
                int path = IndexKey.path(key.peerId());
                for (int depth = 0; depth <= IndexKey.MAX_DEPTH && store.size() < max; depth++) { // down while FULL
                    KadRecord answer = store.put(new PeerInfo(key.peerId(), List.of()),
                            KadRecord.of(k.shard(IndexKey.pathShard(path, depth)).bytes(), signed));
                    if (!answer.timeReceived().endsWith("FULL")) {
                        break;
                    }
                }
            }
        }
        check(store.size() == max, "index entries: " + store.size());
        return store;
    }

    private static List<Multiaddr> addresses(int n, int seed) {
        List<Multiaddr> out = new ArrayList<>(n);
        for (int a = 0; a < n; a++) {
            out.add(Multiaddr.parse("/ip4/10." + (seed >> 8 & 0xFF) + "." + (seed & 0xFF) + "." + a + "/tcp/" + (4001 + a)));
        }
        return out;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("the fill did not reach the bound: " + what);
        }
    }
}
