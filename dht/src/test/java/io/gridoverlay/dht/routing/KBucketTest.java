package io.gridoverlay.dht.routing;


import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KBucketTest {
    private final SplittableRandom random = new SplittableRandom(7);

    @Test
    void unboundedBucketNeverFillsCachesOrReorders() {
        RoutingTableConfig config = RoutingTableConfig.builder().k(2).unboundedBuckets(true).build();
        KBucket<Integer> bucket = new KBucket<>(255, config, PeerDiversityFilter.none());
        Key[] keys = new Key[50];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Key.randomInBucket(Key.ZERO, 255, random);
            assertThat(bucket.add(keys[i], i, IpGroup.EXEMPT)).isEqualTo(AddResult.ADDED);
        }
        assertThat(bucket.size()).isEqualTo(50);
        assertThat(bucket.isFull()).isFalse();
        assertThat(bucket.add(keys[0], 100, IpGroup.EXEMPT)).isEqualTo(AddResult.UPDATED);
        assertThat(bucket.keyAt(0)).isEqualTo(keys[0]);
        assertThat(bucket.valueAt(0)).isEqualTo(100);
        assertThat(bucket.replacementCount()).isZero();
        assertThat(bucket.remove(keys[10])).isTrue();
        assertThat(bucket.indexOf(keys[10])).isEqualTo(-1);
        assertThat(bucket.get(keys[11])).isEqualTo(11);
        assertThat(bucket.size()).isEqualTo(49);
    }

    @Test
    void replacementIsPromotedOnlyIfTheFilterAllowsIt() {
        IpGroup g = new IpGroup("ip4/203.0.113.0/24");
        RoutingTableConfig config = RoutingTableConfig.builder().k(1).replacementCacheSize(2).build();
        KBucket<String> bucket = new KBucket<>(3, config, PeerDiversityFilter.ipGroupLimits(1, 1));
        Key a = Key.ofWords(0, 0, 0, 8); // keys 8..15 are bucket 3 relative to ZERO
        Key b = Key.ofWords(0, 0, 0, 9);
        Key c = Key.ofWords(0, 0, 0, 10);
        assertThat(bucket.add(a, "a", g)).isEqualTo(AddResult.ADDED);
        assertThat(bucket.add(b, "b", IpGroup.EXEMPT)).isEqualTo(AddResult.BUCKET_FULL_PENDING);
        assertThat(bucket.leastRecentlySeen()).isEqualTo(a);
        assertThat(bucket.markFailed(a)).isEqualTo(b);
        // The group is free again, so a peer of it may queue and later be promoted.
        assertThat(bucket.add(c, "c", g)).isEqualTo(AddResult.BUCKET_FULL_PENDING);
        assertThat(bucket.markFailed(b)).isEqualTo(c);
        assertThat(bucket.size()).isEqualTo(1);
        assertThat(bucket.groupAt(0)).isEqualTo(g);
    }
}
