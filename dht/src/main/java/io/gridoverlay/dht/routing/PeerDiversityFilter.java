package io.gridoverlay.dht.routing;

/**
 * Policy limiting how many peers of one network group a routing table admits, against Sybil/eclipse
 * attacks from one operator (the role of go-libp2p-kbucket's {@code PeerIPGroupFilter}).
 *
 * <p>The table asks {@link #allow} before a peer enters a bucket (or its replacement cache) and reports
 * every entry and exit of a bucket through {@link #onAdded}/{@link #onRemoved}, so an implementation
 * can keep counts. Replacement-cache entries are not counted. Implementations are used by one table
 * only and are called on that table's owner thread; they need not be thread-safe.
 */
public interface PeerDiversityFilter {

    /** Whether a peer of {@code group} may enter bucket {@code bucketIndex} now. */
    boolean allow(IpGroup group, int bucketIndex);

    /** A peer of {@code group} entered bucket {@code bucketIndex}. */
    void onAdded(IpGroup group, int bucketIndex);

    /** A peer of {@code group} left bucket {@code bucketIndex}. */
    void onRemoved(IpGroup group, int bucketIndex);

    /** A filter that allows everything and keeps no state. */
    static PeerDiversityFilter none() {
        return NoDiversityFilter.INSTANCE;
    }

    /**
     * The default policy: at most {@code maxPerBucket} peers of one non-exempt {@link IpGroup} per
     * bucket and {@code maxPerTable} per table. {@link IpGroup#EXEMPT} peers are never limited.
     */
    static PeerDiversityFilter ipGroupLimits(int maxPerBucket, int maxPerTable) {
        return new IpGroupLimitFilter(maxPerBucket, maxPerTable);
    }
}
