package io.gridoverlay.dht.query;

/** Why a lookup or query reached {@link LookupState.Finished}. */
public enum FinishReason {
    /**
     * The β closest live candidates all answered (go-libp2p-kad-dht's lookup termination; with β = k this
     * is rust-libp2p's "k closest peers succeeded").
     */
    COMPLETED,
    /** No candidate is left to query and nothing is in flight (small networks end this way). */
    STARVED,
    /** The overall deadline of {@link LookupConfig#overallTimeout()} passed. */
    DEADLINE_EXCEEDED,
    /** {@code finish()} was called. */
    CANCELLED,
    /** A query reached its goal early: value quorum, enough providers, or the target peer found. */
    SATISFIED
}
