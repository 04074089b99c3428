package io.gridoverlay.dht.routing;

/** The outcome of offering a peer to a {@link RoutingTable} or {@link KBucket}. */
public enum AddResult {
    /** The peer was new and entered its bucket. */
    ADDED,
    /** The peer was already in its bucket; its value was replaced and it became most recently seen. */
    UPDATED,
    /**
     * The bucket is full: the peer was put in (or refreshed in) the bucket's replacement cache. The caller
     * should check the liveness of the bucket's least-recently-seen peer and call
     * {@code markFailed} on it if the check fails, which promotes a replacement.
     */
    BUCKET_FULL_PENDING,
    /** The peer did not answer as a DHT server (client-mode peers never enter the table). */
    REJECTED_NOT_SERVER,
    /** The {@link PeerDiversityFilter} refused the peer's IP group. */
    REJECTED_DIVERSITY,
    /** The key is the local key. */
    SELF
}
