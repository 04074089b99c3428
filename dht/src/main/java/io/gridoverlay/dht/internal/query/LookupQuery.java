package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;
import io.gridoverlay.dht.query.LookupStats;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A DHT query that drives a {@link PeerLookup} and may stop it early once its goal is reached
 * ({@link FinishReason#SATISFIED}). The driver loop is the lookup's: {@link #next(long)}, send, report.
 * Each subclass adds an {@code onSuccess} that carries the response payload (value, providers).
 *
 * <p>Not thread-safe: drive it from one thread / event loop. Costs are the lookup's plus what each
 * subclass states.
 *
 * @param <P> the peer handle type
 */
public abstract sealed class LookupQuery<P> permits GetValueQuery, GetProvidersQuery, FindPeerQuery {
    /** The lookup this query drives. */
    protected final PeerLookup<P> lookup;
    private boolean satisfied;

    LookupQuery(PeerLookup<P> lookup) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        if (lookup.isFinished()) {
            throw new IllegalArgumentException("the lookup has already finished: " + lookup.finishReason());
        }
    }

    /** The underlying lookup (for its result, closest peers and stats). */
    public PeerLookup<P> lookup() {
        return lookup;
    }

    /** Marks the goal reached and stops the lookup. */
    final void satisfy() {
        if (!satisfied && !lookup.isFinished()) {
            satisfied = true;
            lookup.finish();
        }
    }

    /** Whether this query may still accept a report (it is running). */
    final boolean running() {
        return !isFinished();
    }

    /** The next action at time {@code nowNanos}; {@link FinishReason#SATISFIED} once the goal is reached. */
    public LookupState<P> next(long nowNanos) {
        if (satisfied) {
            return new LookupState.Finished<>(FinishReason.SATISFIED);
        }
        return lookup.next(nowNanos);
    }

    /** {@link #next(long)} at the lookup's clock. */
    public LookupState<P> next() {
        if (satisfied) {
            return new LookupState.Finished<>(FinishReason.SATISFIED);
        }
        return lookup.next();
    }

    /** Reports a failed request; see {@link PeerLookup#onFailure}. */
    public boolean onFailure(P peer) {
        return lookup.onFailure(peer);
    }

    /** Cancels the query and its lookup. */
    public void finish() {
        lookup.finish();
    }

    /** Whether the query is over. */
    public boolean isFinished() {
        return satisfied || lookup.isFinished();
    }

    /** Why the query finished, or null while it runs. */
    public FinishReason finishReason() {
        return satisfied ? FinishReason.SATISFIED : lookup.finishReason();
    }

    /** See {@link PeerLookup#nextTimerNanos()}. */
    public OptionalLong nextTimerNanos() {
        return lookup.nextTimerNanos();
    }

    /** The lookup's counters. */
    public LookupStats stats() {
        return lookup.stats();
    }
}
