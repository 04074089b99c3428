package io.gridoverlay.dht.routing;


import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class RoutingTablePropertiesTest {
    private static final IpGroup[] GROUPS = {
        IpGroup.EXEMPT, new IpGroup("ip4/203.0.113.0/24"), new IpGroup("ip4/198.51.100.0/24"),
        new IpGroup("ip6/2001:db8:1::/48")
    };

    /** A random peer key: half uniform (mostly far buckets), half in a uniformly chosen bucket. */
    private static Key randomPeer(Key local, SplittableRandom rnd) {
        return rnd.nextBoolean() ? Key.random(rnd) : Key.randomInBucket(local, rnd.nextInt(256), rnd);
    }

    private static List<Key> bruteForceClosest(RoutingTable<String> table, Key target, int k) {
        List<Key> all = new ArrayList<>();
        table.forEach((key, v) -> all.add(key));
        all.sort(Comparator.comparing(target::distance));
        return all.subList(0, Math.min(k, all.size()));
    }

    @Test
    void closestKEqualsBruteForceSort() {
        qt().withFixedSeed(0x2701L).withExamples(300).forAll(closestCases())
                .checkAssert(c -> {
            long seed = c.seed();
            int peers = c.peers();
            int k = c.k();
            int bucketSize = c.bucketSize();
            boolean unbounded = c.unbounded();
            SplittableRandom rnd = new SplittableRandom(seed);
            Key local = Key.random(rnd);
            RoutingTable<String> table = new RoutingTable<>(local, RoutingTableConfig.builder()
                    .k(bucketSize).unboundedBuckets(unbounded).noDiversityLimits().build());
            List<Key> added = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                Key p = randomPeer(local, rnd);
                table.tryAdd(p, p.toString(), true, IpGroup.EXEMPT);
                added.add(p);
            }
            List<Key> targets = new ArrayList<>(List.of(local, Key.random(rnd), Key.random(rnd),
                    Key.randomInBucket(local, rnd.nextInt(256), rnd), Key.randomInBucket(local, rnd.nextInt(8), rnd)));
            if (!added.isEmpty()) {
                Key member = added.get(rnd.nextInt(added.size()));
                targets.add(member);
                targets.add(Key.ofWords(member.word(0), member.word(1), rnd.nextLong(), rnd.nextLong()));
                targets.add(Key.ofWords(member.word(0) ^ 1, rnd.nextLong(), rnd.nextLong(), rnd.nextLong()));
            }
            ClosestPeers<String> buffer = new ClosestPeers<>(k);
            for (Key target : targets) {
                List<Key> expected = bruteForceClosest(table, target, k);
                table.closest(target, k, buffer);
                assertThat(buffer.keys()).as("target %s", target).containsExactlyElementsOf(expected);
                for (int i = 0; i < buffer.size(); i++) {
                    assertThat(buffer.value(i)).isEqualTo(buffer.key(i).toString());
                }
                assertThat(table.closestPeers(target, k))
                        .containsExactlyElementsOf(expected.stream().map(Key::toString).toList());
            }
        });
    }

    record Op(int type, int peer, int group) {
    }

    private static Gen<List<Op>> ops() {
        Gen<Op> op = integers().between(0, 6).zip(integers().between(0, 39),
                integers().between(0, GROUPS.length - 1), Op::new);
        return lists().of(op).ofSizeBetween(0, 300);
    }

    /** A table of up to 400 random peers, and the closest-k query to check against a brute-force sort. */
    private record ClosestCase(long seed, int peers, int k, int bucketSize, boolean unbounded) {
    }

    private static Gen<ClosestCase> closestCases() {
        Gen<Long> seeds = longs().all();
        Gen<Integer> peers = integers().between(0, 400);
        Gen<Integer> ks = integers().between(0, 60);
        Gen<Integer> bucketSizes = integers().between(1, 20);
        Gen<Boolean> flags = booleans().all();
        return in -> new ClosestCase(seeds.generate(in), peers.generate(in), ks.generate(in),
                bucketSizes.generate(in), flags.generate(in));
    }

    /** A sequence of table operations and the table's configuration. */
    private record OpsCase(List<Op> ops, long seed, int k, int cache, int perBucket, int perTable, boolean limits) {
    }

    private static Gen<OpsCase> opsCases() {
        Gen<List<Op>> opLists = ops();
        Gen<Long> seeds = longs().all();
        Gen<Integer> ks = integers().between(1, 5);
        Gen<Integer> caches = integers().between(0, 3);
        Gen<Integer> perBuckets = integers().between(1, 3);
        Gen<Integer> perTables = integers().between(1, 6);
        Gen<Boolean> flags = booleans().all();
        return in -> new OpsCase(opLists.generate(in), seeds.generate(in), ks.generate(in), caches.generate(in),
                perBuckets.generate(in), perTables.generate(in), flags.generate(in));
    }

    @Test
    void bucketInvariantsHoldUnderRandomOperations() {
        qt().withFixedSeed(0x2702L).withExamples(300).forAll(opsCases())
                .checkAssert(c -> {
            List<Op> ops = c.ops();
            long seed = c.seed();
            int k = c.k();
            int cache = c.cache();
            int perBucket = c.perBucket();
            int perTable = c.perTable();
            boolean limits = c.limits();
            SplittableRandom rnd = new SplittableRandom(seed);
            Key local = Key.random(rnd);
            // 40 peers crowded into 4 buckets so that buckets fill up and caches are used.
            List<Key> pool = new ArrayList<>();
            while (pool.size() < 40) {
                Key p = Key.randomInBucket(local, 252 + rnd.nextInt(4), rnd);
                if (!pool.contains(p)) {
                    pool.add(p);
                }
            }
            RoutingTableConfig.Builder cb = RoutingTableConfig.builder().k(k).replacementCacheSize(cache);
            if (limits) {
                cb.diversityLimits(perBucket, perTable);
            } else {
                cb.noDiversityLimits();
            }
            RoutingTable<String> table = new RoutingTable<>(local, cb.build());
            Map<Key, Long> lastSeen = new HashMap<>();
            Map<Key, String> lastValue = new HashMap<>();
            long tick = 0;
            for (Op op : ops) {
                tick++;
                Key key = pool.get(op.peer());
                IpGroup group = GROUPS[op.group()];
                String value = "v" + tick;
                Set<Key> before = members(table);
                switch (op.type()) {
                    case 0, 1, 2 -> {
                        AddResult r = table.tryAdd(key, value, true, group);
                        switch (r) {
                            case ADDED, UPDATED -> {
                                assertThat(table.contains(key)).isTrue();
                                lastSeen.put(key, tick);
                                lastValue.put(key, value);
                            }
                            case BUCKET_FULL_PENDING -> {
                                KBucket<String> b = table.bucketAt(local.bucketIndex(key));
                                assertThat(table.contains(key)).isFalse();
                                assertThat(b.isFull()).isTrue();
                                if (cache > 0) {
                                    assertThat(b.replacementKeyAt(b.replacementCount() - 1)).isEqualTo(key);
                                }
                                lastValue.put(key, value);
                            }
                            case REJECTED_DIVERSITY -> {
                                assertThat(limits).isTrue();
                                assertThat(group.isExempt()).isFalse();
                                assertThat(table.contains(key)).isFalse();
                            }
                            default -> throw new AssertionError("unexpected " + r);
                        }
                    }
                    case 3 -> {
                        assertThat(table.tryAdd(key, value, false, group)).isEqualTo(AddResult.REJECTED_NOT_SERVER);
                        assertThat(table.contains(key)).isFalse();
                    }
                    case 4 -> {
                        assertThat(table.remove(key)).isEqualTo(before.contains(key));
                        assertThat(table.contains(key)).isFalse();
                    }
                    case 5 -> {
                        Key lrs = table.leastRecentlySeenInBucketOf(key);
                        if (lrs != null) {
                            table.markFailed(lrs);
                            assertThat(table.contains(lrs)).isFalse();
                        }
                    }
                    default -> {
                        Key promoted = table.markFailed(key);
                        assertThat(table.contains(key)).isFalse();
                        if (promoted != null) {
                            assertThat(before).doesNotContain(promoted);
                            assertThat(table.contains(promoted)).isTrue();
                        }
                    }
                }
                for (Key m : members(table)) {
                    boolean addedByThisOp = op.type() <= 2 && m.equals(key);
                    if (!before.contains(m) && !addedByThisOp) {
                        lastSeen.put(m, tick); // promoted from a replacement cache
                    }
                }
                checkInvariants(table, local, k, cache, limits, perBucket, perTable, lastSeen, lastValue);
            }
        });
    }

    private static Set<Key> members(RoutingTable<String> table) {
        Set<Key> out = new HashSet<>();
        table.forEach((key, v) -> out.add(key));
        return out;
    }

    private static void checkInvariants(RoutingTable<String> table, Key local, int k, int cache, boolean limits,
            int perBucket, int perTable, Map<Key, Long> lastSeen, Map<Key, String> lastValue) {
        Set<Key> seen = new HashSet<>();
        Map<IpGroup, Integer> perGroupTable = new HashMap<>();
        int total = 0;
        for (int b = 0; b < Key.BITS; b++) {
            KBucket<String> bucket = table.bucketAt(b);
            int size = bucket == null ? 0 : bucket.size();
            assertThat(table.bucketSize(b)).isEqualTo(size);
            if (bucket == null) {
                continue;
            }
            assertThat(size).isLessThanOrEqualTo(k);
            assertThat(bucket.replacementCount()).isLessThanOrEqualTo(cache);
            Map<IpGroup, Integer> perGroupBucket = new HashMap<>();
            long previousSeen = Long.MIN_VALUE;
            for (int i = 0; i < size; i++) {
                Key key = bucket.keyAt(i);
                assertThat(seen.add(key)).as("duplicate %s", key).isTrue();
                assertThat(local.bucketIndex(key)).isEqualTo(b);
                assertThat(bucket.valueAt(i)).isEqualTo(lastValue.get(key));
                long s = lastSeen.get(key);
                assertThat(s).as("least-recently-seen order").isGreaterThan(previousSeen);
                previousSeen = s;
                IpGroup g = bucket.groupAt(i);
                if (!g.isExempt()) {
                    perGroupBucket.merge(g, 1, Integer::sum);
                    perGroupTable.merge(g, 1, Integer::sum);
                }
            }
            for (int c = 0; c < bucket.replacementCount(); c++) {
                Key key = bucket.replacementKeyAt(c);
                assertThat(bucket.contains(key)).as("cached peer also in bucket").isFalse();
                assertThat(local.bucketIndex(key)).isEqualTo(b);
            }
            if (limits) {
                assertThat(perGroupBucket.values()).allMatch(n -> n <= perBucket);
            }
            total += size;
        }
        if (limits) {
            assertThat(perGroupTable.values()).allMatch(n -> n <= perTable);
        }
        assertThat(table.size()).isEqualTo(total).isEqualTo(seen.size());
        // The non-empty mask used by closest() agrees with the buckets.
        assertThat(table.closestPeers(local, total)).hasSize(total);
    }
}
