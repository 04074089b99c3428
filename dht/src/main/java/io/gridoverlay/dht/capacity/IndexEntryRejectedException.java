package io.gridoverlay.dht.capacity;

import io.gridoverlay.dht.protocol.KadRequestRejectedException;

/** A holder refused an index entry; {@link #reason()} says which rule it broke. */
public final class IndexEntryRejectedException extends KadRequestRejectedException {
    /** Why an index entry was refused. */
    public enum Reason {
        /** The key is not an index key. */
        MALFORMED_KEY,
        /** The signed record is larger than the index accepts. */
        OVERSIZED,
        /** The envelope, signature or record does not verify. */
        INVALID,
        /** The record's expiry has passed. */
        EXPIRED,
        /** The writer is not the node the record names. */
        FOREIGN_WRITER,
        /** The record is not in the band or value the key claims, and replaces nothing. */
        MIS_BANDED,
        /** The key's shard is not on the writer's path down the value's shard tree ({@link IndexKey}). */
        MIS_SHARDED,
        /** The holder has a newer record of that node (a replay). */
        STALE,
        /** The writer already has as many entries here as it may. */
        PEER_QUOTA,
        /** The holder keeps no more entries. */
        STORE_FULL
    }

    private final Reason reason;

    public IndexEntryRejectedException(Reason reason, String message) {
        super("index entry refused (" + reason + "): " + message);
        this.reason = reason;
    }

    /** Which index rule the entry broke. */
    public Reason indexReason() {
        return reason;
    }
}
