package io.gridoverlay.benchmarks;

import io.gridoverlay.dht.routing.AddResult;
import io.gridoverlay.dht.routing.ClosestPeers;
import io.gridoverlay.dht.routing.IpGroup;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTable;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Routing hot path (DESIGN.md §7): XOR distance compare (≤ 5 ns, 0 B/op), closest-20 from a 500-peer
 * table (≤ 1 µs, 0 B/op), closest-20 from a 100,000-peer full-network table (≤ 200 µs), update of a
 * known peer (≤ 100 ns, 0 B/op). Keys come from a fixed seed.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RoutingBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {
    private static final long SEED = 0x5EED_CAFEL;
    private static final int TARGETS = 1024;

    /** Keys for the distance compare. */
    @State(Scope.Thread)
    public static class Keys {
        Key target;
        Key[] keys;
        int next;

        @Setup
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(SEED);
            target = Key.random(rnd);
            keys = new Key[TARGETS];
            for (int i = 0; i < TARGETS; i++) {
                keys[i] = Key.random(rnd);
            }
        }
    }

    /**
     * A realistic k = 20 table of 500 peers: the 25 farthest buckets full, as a node in a network of
     * about 2^25 peers sees it.
     */
    @State(Scope.Thread)
    public static class SmallTable {
        RoutingTable<Object> table;
        Key[] targets;
        Key[] members;
        Object value = new Object();
        ClosestPeers<Object> buffer = new ClosestPeers<>(20);
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(SEED);
            Key local = Key.random(rnd);
            table = new RoutingTable<>(local, RoutingTableConfig.defaults());
            members = new Key[500];
            int n = 0;
            for (int b = 255; n < 500; b--) {
                for (int i = 0; i < 20; i++) {
                    Key k = Key.randomInBucket(local, b, rnd);
                    if (table.tryAdd(k, value, true, IpGroup.EXEMPT) != AddResult.ADDED) {
                        throw new IllegalStateException("benchmark table set-up failed");
                    }
                    members[n++] = k;
                }
            }
            targets = randomKeys(rnd);
        }
    }

    /** A full-network client table (unbounded buckets) of 100,000 uniformly random peers. */
    @State(Scope.Thread)
    public static class FullTable {
        RoutingTable<Object> table;
        Key[] targets;
        ClosestPeers<Object> buffer = new ClosestPeers<>(20);
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(SEED);
            table = new RoutingTable<>(Key.random(rnd),
                    RoutingTableConfig.builder().unboundedBuckets(true).noDiversityLimits().build());
            Object value = new Object();
            while (table.size() < 100_000) {
                table.tryAdd(Key.random(rnd), value, true, IpGroup.EXEMPT);
            }
            targets = randomKeys(rnd);
        }
    }

    private static Key[] randomKeys(SplittableRandom rnd) {
        Key[] out = new Key[TARGETS];
        for (int i = 0; i < TARGETS; i++) {
            out[i] = Key.random(rnd);
        }
        return out;
    }

    @Benchmark
    public int distanceCompare(Keys s) {
        int i = s.next = (s.next + 1) & (TARGETS - 1);
        return s.target.compareDistance(s.keys[i], s.keys[(i + 1) & (TARGETS - 1)]);
    }

    @Benchmark
    public void closest20Of500(SmallTable s, Blackhole bh) {
        int i = s.next = (s.next + 1) & (TARGETS - 1);
        s.table.closest(s.targets[i], 20, s.buffer);
        bh.consume(s.buffer.key(0));
        bh.consume(s.buffer.size());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void closest20Of100k(FullTable s, Blackhole bh) {
        int i = s.next = (s.next + 1) & (TARGETS - 1);
        s.table.closest(s.targets[i], 20, s.buffer);
        bh.consume(s.buffer.key(0));
        bh.consume(s.buffer.size());
    }

    @Benchmark
    public AddResult updateKnownPeer(SmallTable s) {
        int i = s.next + 7;
        if (i >= s.members.length) {
            i -= s.members.length;
        }
        s.next = i;
        return s.table.tryAdd(s.members[i], s.value, true, IpGroup.EXEMPT);
    }
}
