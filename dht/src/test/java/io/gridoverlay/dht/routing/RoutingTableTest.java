package io.gridoverlay.dht.routing;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    private static final Key LOCAL = Key.sha256(new byte[] {1, 2, 3});
    private static final IpGroup G1 = new IpGroup("ip4/203.0.113.0/24");
    private static final IpGroup G2 = new IpGroup("ip4/198.51.100.0/24");

    private final SplittableRandom random = new SplittableRandom(42);

    private RoutingTable<String> table(int k, int cache) {
        return new RoutingTable<>(LOCAL,
                RoutingTableConfig.builder().k(k).replacementCacheSize(cache).noDiversityLimits().build());
    }

    private List<Key> keysInBucket(int bucket, int n) {
        List<Key> out = new ArrayList<>();
        while (out.size() < n) {
            Key k = Key.randomInBucket(LOCAL, bucket, random);
            if (!out.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }

    @Test
    void localKeyIsSelf() {
        RoutingTable<String> t = table(20, 5);
        assertThat(t.tryAdd(LOCAL, "me", true, IpGroup.EXEMPT)).isEqualTo(AddResult.SELF);
        assertThat(t.size()).isZero();
    }

    @Test
    void clientModePeersAreRejectedAndKnownOnesRemoved() {
        RoutingTable<String> t = table(20, 5);
        Key p = keysInBucket(255, 1).get(0);
        assertThat(t.tryAdd(p, "p", false, IpGroup.EXEMPT)).isEqualTo(AddResult.REJECTED_NOT_SERVER);
        assertThat(t.contains(p)).isFalse();
        assertThat(t.tryAdd(p, "p", true, IpGroup.EXEMPT)).isEqualTo(AddResult.ADDED);
        assertThat(t.tryAdd(p, "p", false, IpGroup.EXEMPT)).isEqualTo(AddResult.REJECTED_NOT_SERVER);
        assertThat(t.contains(p)).isFalse();
        assertThat(t.size()).isZero();
    }

    @Test
    void addThenUpdateMovesToTailAndReplacesValue() {
        RoutingTable<String> t = table(20, 5);
        List<Key> ps = keysInBucket(250, 3);
        for (Key p : ps) {
            assertThat(t.tryAdd(p, "v1", true, IpGroup.EXEMPT)).isEqualTo(AddResult.ADDED);
        }
        assertThat(t.leastRecentlySeenInBucketOf(ps.get(1))).isEqualTo(ps.get(0));
        assertThat(t.tryAdd(ps.get(0), "v2", true, IpGroup.EXEMPT)).isEqualTo(AddResult.UPDATED);
        assertThat(t.get(ps.get(0))).isEqualTo("v2");
        KBucket<String> b = t.bucketAt(250);
        assertThat(List.of(b.keyAt(0), b.keyAt(1), b.keyAt(2))).containsExactly(ps.get(1), ps.get(2), ps.get(0));
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.bucketSize(250)).isEqualTo(3);
        assertThat(t.peersPerBucket()[250]).isEqualTo(3);
    }

    @Test
    void fullBucketCachesNewcomerAndEvictsOnlyAfterFailedLivenessCheck() {
        RoutingTable<String> t = table(2, 2);
        List<Key> ps = keysInBucket(255, 5);
        t.tryAdd(ps.get(0), "a", true, IpGroup.EXEMPT);
        t.tryAdd(ps.get(1), "b", true, IpGroup.EXEMPT);
        assertThat(t.tryAdd(ps.get(2), "c", true, IpGroup.EXEMPT)).isEqualTo(AddResult.BUCKET_FULL_PENDING);
        assertThat(t.tryAdd(ps.get(3), "d", true, IpGroup.EXEMPT)).isEqualTo(AddResult.BUCKET_FULL_PENDING);
        assertThat(t.contains(ps.get(2))).isFalse();
        assertThat(t.size()).isEqualTo(2);
        Key toCheck = t.leastRecentlySeenInBucketOf(ps.get(2));
        assertThat(toCheck).isEqualTo(ps.get(0));

        // The check succeeded: the peer is seen again and nothing is evicted.
        assertThat(t.tryAdd(toCheck, "a", true, IpGroup.EXEMPT)).isEqualTo(AddResult.UPDATED);
        assertThat(t.leastRecentlySeenInBucketOf(ps.get(2))).isEqualTo(ps.get(1));

        // The check of the next least-recently-seen peer fails: evicted, newest replacement promoted.
        assertThat(t.markFailed(ps.get(1))).isEqualTo(ps.get(3));
        assertThat(t.contains(ps.get(1))).isFalse();
        assertThat(t.contains(ps.get(3))).isTrue();
        assertThat(t.get(ps.get(3))).isEqualTo("d");
        assertThat(t.size()).isEqualTo(2);

        // A bounded cache drops its oldest candidate.
        t.tryAdd(ps.get(4), "e", true, IpGroup.EXEMPT);
        t.tryAdd(ps.get(1), "b", true, IpGroup.EXEMPT);
        KBucket<String> b = t.bucketAt(255);
        assertThat(b.replacementCount()).isEqualTo(2);
        assertThat(List.of(b.replacementKeyAt(0), b.replacementKeyAt(1))).containsExactly(ps.get(4), ps.get(1));
    }

    @Test
    void markFailedOfUnknownOrCachedPeerPromotesNothing() {
        RoutingTable<String> t = table(1, 2);
        List<Key> ps = keysInBucket(200, 2);
        t.tryAdd(ps.get(0), "a", true, IpGroup.EXEMPT);
        t.tryAdd(ps.get(1), "b", true, IpGroup.EXEMPT);
        assertThat(t.markFailed(ps.get(1))).isNull();
        assertThat(t.bucketAt(200).replacementCount()).isZero();
        assertThat(t.markFailed(keysInBucket(100, 1).get(0))).isNull();
        assertThat(t.markFailed(ps.get(0))).isNull();
        assertThat(t.size()).isZero();
    }

    @Test
    void removePromotesReplacement() {
        RoutingTable<String> t = table(1, 2);
        List<Key> ps = keysInBucket(200, 2);
        t.tryAdd(ps.get(0), "a", true, IpGroup.EXEMPT);
        t.tryAdd(ps.get(1), "b", true, IpGroup.EXEMPT);
        assertThat(t.remove(ps.get(0))).isTrue();
        assertThat(t.contains(ps.get(1))).isTrue();
        assertThat(t.remove(ps.get(0))).isFalse();
    }

    @Test
    void diversityLimitPerBucket() {
        RoutingTable<String> t = new RoutingTable<>(LOCAL,
                RoutingTableConfig.builder().diversityLimits(2, 100).build());
        List<Key> ps = keysInBucket(255, 4);
        assertThat(t.tryAdd(ps.get(0), "a", true, G1)).isEqualTo(AddResult.ADDED);
        assertThat(t.tryAdd(ps.get(1), "b", true, G1)).isEqualTo(AddResult.ADDED);
        assertThat(t.tryAdd(ps.get(2), "c", true, G1)).isEqualTo(AddResult.REJECTED_DIVERSITY);
        assertThat(t.tryAdd(ps.get(2), "c", true, G2)).isEqualTo(AddResult.ADDED);
        assertThat(t.tryAdd(ps.get(3), "d", true, IpGroup.EXEMPT)).isEqualTo(AddResult.ADDED);
        // Another bucket has its own budget.
        assertThat(t.tryAdd(keysInBucket(254, 1).get(0), "e", true, G1)).isEqualTo(AddResult.ADDED);
        // Leaving frees the slot.
        t.remove(ps.get(0));
        assertThat(t.tryAdd(ps.get(0), "a", true, G1)).isEqualTo(AddResult.ADDED);
    }

    @Test
    void diversityLimitPerTable() {
        RoutingTable<String> t = new RoutingTable<>(LOCAL,
                RoutingTableConfig.builder().diversityLimits(5, 2).build());
        assertThat(t.tryAdd(keysInBucket(255, 1).get(0), "a", true, G1)).isEqualTo(AddResult.ADDED);
        assertThat(t.tryAdd(keysInBucket(254, 1).get(0), "b", true, G1)).isEqualTo(AddResult.ADDED);
        assertThat(t.tryAdd(keysInBucket(253, 1).get(0), "c", true, G1)).isEqualTo(AddResult.REJECTED_DIVERSITY);
        for (Key k : keysInBucket(252, 10)) {
            assertThat(t.tryAdd(k, "x", true, IpGroup.EXEMPT)).isEqualTo(AddResult.ADDED);
        }
    }

    @Test
    void knownPeerMovingIntoAFullGroupIsRemoved() {
        RoutingTable<String> t = new RoutingTable<>(LOCAL,
                RoutingTableConfig.builder().diversityLimits(1, 10).build());
        List<Key> ps = keysInBucket(255, 2);
        t.tryAdd(ps.get(0), "a", true, G1);
        t.tryAdd(ps.get(1), "b", true, G2);
        assertThat(t.tryAdd(ps.get(1), "b", true, G1)).isEqualTo(AddResult.REJECTED_DIVERSITY);
        assertThat(t.contains(ps.get(1))).isFalse();
        // Moving to a free group is fine and releases the old one.
        assertThat(t.tryAdd(ps.get(0), "a", true, G2)).isEqualTo(AddResult.UPDATED);
        assertThat(t.tryAdd(ps.get(1), "b", true, G1)).isEqualTo(AddResult.ADDED);
    }

    @Test
    void fullBucketRejectsDiverseViolatorsBeforeCaching() {
        RoutingTable<String> t = new RoutingTable<>(LOCAL,
                RoutingTableConfig.builder().k(1).diversityLimits(1, 10).build());
        List<Key> ps = keysInBucket(255, 2);
        t.tryAdd(ps.get(0), "a", true, G1);
        assertThat(t.tryAdd(ps.get(1), "b", true, G1)).isEqualTo(AddResult.REJECTED_DIVERSITY);
        assertThat(t.bucketAt(255).replacementCount()).isZero();
    }

    @Test
    void ipGroupsFromAddresses() throws UnknownHostException {
        assertThat(IpGroup.of(InetAddress.getByName("203.0.113.77"))).isEqualTo(new IpGroup("ip4/203.0.113.0/24"));
        assertThat(IpGroup.of(InetAddress.getByName("203.0.113.1")))
                .isEqualTo(IpGroup.of(InetAddress.getByName("203.0.113.254")));
        assertThat(IpGroup.of(InetAddress.getByName("203.0.114.1")))
                .isNotEqualTo(IpGroup.of(InetAddress.getByName("203.0.113.1")));
        assertThat(IpGroup.of(InetAddress.getByName("2001:db8:abcd:12::1")))
                .isEqualTo(new IpGroup("ip6/2001:db8:abcd::/48"))
                .isEqualTo(IpGroup.of(InetAddress.getByName("2001:db8:abcd:ffff::2")));
        assertThat(IpGroup.of(InetAddress.getByName("::ffff:203.0.113.9"))).isEqualTo(new IpGroup("ip4/203.0.113.0/24"));
        for (String exempt : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.0.1",
                "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::"}) {
            assertThat(IpGroup.of(InetAddress.getByName(exempt))).as(exempt).isEqualTo(IpGroup.EXEMPT);
        }
        assertThat(IpGroup.EXEMPT.isExempt()).isTrue();
        assertThat(new IpGroup("ip4/1.2.3.0/24").isExempt()).isFalse();
    }

    @Test
    void bucketRefreshBookkeeping() {
        RoutingTable<String> t = table(20, 5);
        assertThat(t.bucketsDueForRefresh(0, 100)).containsExactly(255);
        Key near = keysInBucket(250, 1).get(0);
        t.tryAdd(near, "n", true, IpGroup.EXEMPT);
        assertThat(t.bucketsDueForRefresh(0, 100)).containsExactly(255, 254, 253, 252, 251, 250);
        t.recordLookup(Key.randomInBucket(LOCAL, 253, random), 1_000);
        t.recordBucketLookup(255, 1_050);
        assertThat(t.lastLookup(253)).isEqualTo(1_000);
        assertThat(t.bucketsDueForRefresh(1_099, 100)).containsExactly(254, 252, 251, 250);
        assertThat(t.bucketsDueForRefresh(1_100, 100)).containsExactly(254, 253, 252, 251, 250);
        assertThat(t.bucketsDueForRefresh(1_150, 100)).containsExactly(255, 254, 253, 252, 251, 250);
        t.recordLookup(LOCAL, 2_000); // a self lookup maps to no bucket
        assertThatThrownBy(() -> t.bucketsDueForRefresh(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closestRespectsBufferCapacityAndK() {
        RoutingTable<String> t = table(20, 5);
        for (Key k : keysInBucket(255, 5)) {
            t.tryAdd(k, k.toString(), true, IpGroup.EXEMPT);
        }
        ClosestPeers<String> out = new ClosestPeers<>(3);
        assertThatThrownBy(() -> t.closest(LOCAL, 4, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buffer capacity");
        t.closest(LOCAL, 0, out);
        assertThat(out.size()).isZero();
        t.closest(LOCAL, 3, out);
        assertThat(out.size()).isEqualTo(3);
        assertThat(t.closestPeers(LOCAL, 100)).hasSize(5);
        assertThat(new RoutingTable<String>(LOCAL, RoutingTableConfig.defaults()).closestPeers(LOCAL, 20)).isEmpty();
    }

    @Test
    void configValidation() {
        assertThatThrownBy(() -> RoutingTableConfig.builder().k(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be");
        assertThatThrownBy(() -> RoutingTableConfig.builder().replacementCacheSize(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replacementCacheSize");
        assertThatThrownBy(() -> RoutingTableConfig.builder().diversityLimits(0, 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("diversity");
        RoutingTableConfig d = RoutingTableConfig.defaults();
        assertThat(d.k()).isEqualTo(20);
        assertThat(d.hasDiversityLimits()).isTrue();
        assertThat(RoutingTableConfig.builder().noDiversityLimits().build().hasDiversityLimits()).isFalse();
    }
}
