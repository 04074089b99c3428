package io.gridoverlay.dht.capacity;

import java.util.Optional;

/**
 * What a holder answers an index write with. PUT_VALUE answers must echo the record sent (the libp2p rule,
 * enforced by the codec), so the outcome travels in the echo's {@code timeReceived} text as
 * {@code "gidx:<STATUS>"}; a Kad peer that does not serve the index never sends it.
 */
enum IndexAck {
    /** The entry is held (new, refreshed, or a newer seq). */
    STORED,
    /** This shard takes no new nodes: try the next one. */
    FULL,
    /** The record no longer belongs under this key: the node's older entry became a tombstone holding it. */
    WITHDRAWN;

    private static final String PREFIX = "gidx:";

    String toTimeReceived() {
        return PREFIX + name();
    }

    static Optional<IndexAck> ofTimeReceived(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(text.substring(PREFIX.length())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
