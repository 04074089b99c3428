package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;
import io.gridoverlay.dht.query.LookupStats;

import io.gridoverlay.dht.routing.Key;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * An iterative closest-peers lookup driven from outside (sans-I/O): the common API of
 * {@link ClosestPeersIterator} and {@link DisjointPathsIterator}, on which the value, provider and peer
 * queries are built.
 *
 * <p>Driver loop: call {@link #next(long)}; on {@link LookupState.Waiting} send the request and call
 * {@code next} again; on {@link LookupState.AtCapacity}/{@link LookupState.Idle} wait for a response or
 * until {@link #nextTimerNanos()}; report each response with {@link #onSuccess} or {@link #onFailure};
 * stop at {@link LookupState.Finished}. Not thread-safe: drive it from one thread / event loop.
 *
 * @param <P> the peer handle type; peers are identified by their {@link #keyOf key}
 */
public sealed interface PeerLookup<P> permits ClosestPeersIterator, DisjointPathsIterator {

    /** The key being looked up. */
    Key target();

    /** The key of a peer handle, as this lookup computes it. */
    Key keyOf(P peer);

    /**
     * Reports that {@code peer} answered with {@code closerPeers}. Accepted if the lookup is running and
     * the peer is in flight or timed out (a late answer); returns false and changes nothing otherwise
     * (unknown peer, duplicate report, finished lookup). Entries beyond
     * {@link LookupConfig#maxCloserPeersPerResponse()} and the local peer are ignored.
     */
    boolean onSuccess(P peer, Collection<? extends P> closerPeers);

    /**
     * Reports that the request to {@code peer} failed. Accepted (true) if the peer is in flight or timed
     * out and the lookup is running; otherwise false and no change.
     */
    boolean onFailure(P peer);

    /** Advances the lookup at time {@code nowNanos} (same time base as the injected clock). */
    LookupState<P> next(long nowNanos);

    /** {@link #next(long)} at the injected clock's current time. */
    LookupState<P> next();

    /** Cancels the lookup: it is {@link FinishReason#CANCELLED} from now on (no effect if finished). */
    void finish();

    /** Whether the lookup has finished. */
    boolean isFinished();

    /** Why the lookup finished, or null while it runs. */
    FinishReason finishReason();

    /** Requests currently in flight (not yet answered, failed or timed out). */
    int inFlight();

    /**
     * The earliest time (injected clock's base) at which {@link #next(long)} would change state without
     * a response: the first in-flight timeout or the overall deadline; empty once finished.
     */
    OptionalLong nextTimerNanos();

    /** The k closest peers that answered, closest first (rust-libp2p's result). */
    List<P> result();

    /**
     * The k closest peers known that neither failed nor timed out, whether contacted or not, closest
     * first (go-libp2p-kad-dht's lookup result; the targets of a PUT or ADD_PROVIDER).
     */
    List<P> closestPeers();

    /** A snapshot of the counters. */
    LookupStats stats();
}
