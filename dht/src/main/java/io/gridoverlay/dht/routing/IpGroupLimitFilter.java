package io.gridoverlay.dht.routing;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Default {@link PeerDiversityFilter}: at most N peers of one {@link IpGroup} per bucket and M per
 * table; exempt groups are unlimited. Keeps, per group, the bucket index of every admitted peer, so
 * memory is O(peers of non-exempt groups) and {@link #allow} is O(peers of that group) (at most M).
 * Not thread-safe: confined to the owning table's thread.
 */
final class IpGroupLimitFilter implements PeerDiversityFilter {
    private final int maxPerBucket;
    private final int maxPerTable;
    private final Map<IpGroup, Members> groups = new HashMap<>();

    /** The bucket indices of the peers of one group currently in the table (a small int list). */
    private static final class Members {
        int[] buckets = new int[4];
        int size;

        int countIn(int bucketIndex) {
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (buckets[i] == bucketIndex) {
                    n++;
                }
            }
            return n;
        }
    }

    IpGroupLimitFilter(int maxPerBucket, int maxPerTable) {
        if (maxPerBucket < 1 || maxPerTable < 1) {
            throw new IllegalArgumentException("diversity limits must be >= 1, got per bucket "
                    + maxPerBucket + ", per table " + maxPerTable);
        }
        this.maxPerBucket = maxPerBucket;
        this.maxPerTable = maxPerTable;
    }

    @Override
    public boolean allow(IpGroup group, int bucketIndex) {
        if (group.isExempt()) {
            return true;
        }
        Members m = groups.get(group);
        return m == null || (m.size < maxPerTable && m.countIn(bucketIndex) < maxPerBucket);
    }

    @Override
    public void onAdded(IpGroup group, int bucketIndex) {
        if (group.isExempt()) {
            return;
        }
        Members m = groups.computeIfAbsent(group, g -> new Members());
        if (m.size == m.buckets.length) {
            m.buckets = Arrays.copyOf(m.buckets, m.size * 2);
        }
        m.buckets[m.size++] = bucketIndex;
    }

    @Override
    public void onRemoved(IpGroup group, int bucketIndex) {
        if (group.isExempt()) {
            return;
        }
        Members m = groups.get(group);
        if (m == null) {
            throw new IllegalStateException("diversity filter: no peer of " + group + " was added");
        }
        for (int i = 0; i < m.size; i++) {
            if (m.buckets[i] == bucketIndex) {
                m.buckets[i] = m.buckets[--m.size];
                if (m.size == 0) {
                    groups.remove(group);
                }
                return;
            }
        }
        throw new IllegalStateException(
                "diversity filter: no peer of " + group + " was added to bucket " + bucketIndex);
    }
}
