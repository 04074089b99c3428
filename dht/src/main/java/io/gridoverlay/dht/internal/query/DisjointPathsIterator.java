package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.query.LookupStats;

import io.gridoverlay.dht.routing.Key;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * An S/Kademlia lookup over d disjoint paths: the seeds, sorted by distance to the target, are dealt
 * round-robin to d {@link ClosestPeersIterator}s, and every peer belongs to the first path that learns
 * of it — no other path ever stores, contacts or gets closer peers from it. A hostile peer can therefore
 * mislead only the path that owns it. Build with
 * {@link ClosestPeersIterator.Builder#buildDisjoint(int)}.
 *
 * <p>Unlike rust-libp2p's {@code ClosestDisjointPeersIter}, which shares seeds between paths and only
 * keeps their <em>responses</em> apart, a peer reported to a second path is dropped there, so the sets of
 * contacted peers are strictly disjoint. Each path applies the full {@link LookupConfig} (α requests in
 * flight per path, so at most d·α in total; its own β termination). {@link #next(long)} asks the paths
 * in round-robin order and returns the first request any of them wants; the lookup finishes when every
 * path has finished.
 *
 * <p><b>Complexity:</b> {@code next} O(d·(α + i)); {@code onSuccess} one hash lookup plus the owning
 * path's cost; memory O(total candidates) plus one claim entry per peer.
 *
 * <p><b>Thread-safety:</b> not thread-safe; drive it from one thread / event loop.
 *
 * @param <P> the peer handle type
 */
public final class DisjointPathsIterator<P> implements PeerLookup<P> {
    private final Key target;
    private final Function<? super P, Key> keyFunction;
    private final LookupConfig config;
    private final LongSupplier clock;
    private final List<ClosestPeersIterator<P>> paths;
    /** Owner path of every peer any path knows. */
    private final Map<Key, Integer> claims = new HashMap<>();
    private int cursor;
    private boolean cancelled;
    private FinishReason finishReason;
    private int maxInFlight;

    DisjointPathsIterator(Key target, Collection<? extends P> seeds, Function<? super P, Key> keyFunction,
            LookupConfig config, LongSupplier clock, Key localKey, int pathCount, RttSource rtt) {
        if (pathCount < 1) {
            throw new IllegalArgumentException("the number of disjoint paths must be >= 1, got " + pathCount);
        }
        this.target = Objects.requireNonNull(target, "target");
        this.keyFunction = Objects.requireNonNull(keyFunction, "keyFunction");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        Map<Key, P> unique = new LinkedHashMap<>();
        for (P seed : seeds) {
            Key key = keyOf(seed);
            if (!key.equals(localKey)) {
                unique.putIfAbsent(key, seed);
            }
        }
        List<P> ordered = new ArrayList<>(unique.values());
        ordered.sort(distanceOrder());
        List<List<P>> dealt = new ArrayList<>(pathCount);
        for (int i = 0; i < pathCount; i++) {
            dealt.add(new ArrayList<>());
        }
        for (int j = 0; j < ordered.size(); j++) {
            P seed = ordered.get(j);
            dealt.get(j % pathCount).add(seed);
            claims.put(keyOf(seed), j % pathCount);
        }
        List<ClosestPeersIterator<P>> built = new ArrayList<>(pathCount);
        for (int i = 0; i < pathCount; i++) {
            final Integer path = i;
            built.add(new ClosestPeersIterator<>(target, dealt.get(i), keyFunction, config, clock, localKey,
                    key -> {
                        Integer owner = claims.putIfAbsent(key, path);
                        return owner == null || owner.equals(path);
                    }, rtt));
        }
        this.paths = Collections.unmodifiableList(built);
    }

    private Comparator<P> distanceOrder() {
        return (a, b) -> target.compareDistance(keyOf(a), keyOf(b));
    }

    @Override
    public Key target() {
        return target;
    }

    @Override
    public Key keyOf(P peer) {
        return ClosestPeersIterator.keyOf(keyFunction, peer);
    }

    /** Number of disjoint paths d. */
    public int pathCount() {
        return paths.size();
    }

    /** The path that owns {@code peer} (0..d-1), or -1 if no path knows it. */
    public int pathOf(P peer) {
        Integer owner = claims.get(keyOf(peer));
        return owner == null ? -1 : owner;
    }

    @Override
    public boolean onSuccess(P peer, Collection<? extends P> closerPeers) {
        Objects.requireNonNull(closerPeers, "closerPeers");
        int owner = pathOf(peer);
        return owner >= 0 && paths.get(owner).onSuccess(peer, closerPeers);
    }

    @Override
    public boolean onFailure(P peer) {
        int owner = pathOf(peer);
        return owner >= 0 && paths.get(owner).onFailure(peer);
    }

    @Override
    public LookupState<P> next() {
        return next(clock.getAsLong());
    }

    @Override
    public LookupState<P> next(long nowNanos) {
        if (finishReason != null) {
            return new LookupState.Finished<>(finishReason);
        }
        int d = paths.size();
        boolean idle = false;
        boolean running = false;
        for (int j = 0; j < d; j++) {
            int i = (cursor + j) % d;
            LookupState<P> s = paths.get(i).next(nowNanos);
            if (s instanceof LookupState.Waiting) {
                cursor = (i + 1) % d;
                maxInFlight = Math.max(maxInFlight, inFlight());
                return s;
            }
            if (s instanceof LookupState.Idle) {
                idle = true;
                running = true;
            } else if (s instanceof LookupState.AtCapacity) {
                running = true;
            }
        }
        if (running) {
            return idle ? new LookupState.Idle<>() : new LookupState.AtCapacity<>();
        }
        finishReason = combinedReason();
        return new LookupState.Finished<>(finishReason);
    }

    private FinishReason combinedReason() {
        if (cancelled) {
            return FinishReason.CANCELLED;
        }
        FinishReason best = FinishReason.STARVED;
        for (ClosestPeersIterator<P> p : paths) {
            if (p.finishReason() == FinishReason.COMPLETED) {
                return FinishReason.COMPLETED;
            }
            if (p.finishReason() == FinishReason.DEADLINE_EXCEEDED) {
                best = FinishReason.DEADLINE_EXCEEDED;
            }
        }
        return best;
    }

    @Override
    public void finish() {
        if (finishReason == null) {
            cancelled = true;
            for (ClosestPeersIterator<P> p : paths) {
                p.finish();
            }
            finishReason = FinishReason.CANCELLED;
        }
    }

    @Override
    public boolean isFinished() {
        return finishReason != null;
    }

    @Override
    public FinishReason finishReason() {
        return finishReason;
    }

    @Override
    public int inFlight() {
        int n = 0;
        for (ClosestPeersIterator<P> p : paths) {
            n += p.inFlight();
        }
        return n;
    }

    @Override
    public OptionalLong nextTimerNanos() {
        if (finishReason != null) {
            return OptionalLong.empty();
        }
        boolean any = false;
        long earliest = 0;
        for (ClosestPeersIterator<P> p : paths) {
            OptionalLong t = p.nextTimerNanos();
            if (t.isPresent() && (!any || t.getAsLong() - earliest < 0)) {
                earliest = t.getAsLong();
                any = true;
            }
        }
        return any ? OptionalLong.of(earliest) : OptionalLong.empty();
    }

    /** The k closest peers that answered on any path, closest first. */
    @Override
    public List<P> result() {
        List<P> merged = new ArrayList<>();
        for (ClosestPeersIterator<P> p : paths) {
            merged.addAll(p.result());
        }
        return closestK(merged);
    }

    /** The k closest live peers known to any path, closest first. */
    @Override
    public List<P> closestPeers() {
        List<P> merged = new ArrayList<>();
        for (ClosestPeersIterator<P> p : paths) {
            merged.addAll(p.closestPeers());
        }
        return closestK(merged);
    }

    private List<P> closestK(List<P> merged) {
        merged.sort(distanceOrder());
        int k = config.numResults();
        return Collections.unmodifiableList(
                new ArrayList<>(merged.size() > k ? merged.subList(0, k) : merged));
    }

    /** The result of each path (index = path), each closest first. */
    public List<List<P>> pathResults() {
        List<List<P>> out = new ArrayList<>(paths.size());
        for (ClosestPeersIterator<P> p : paths) {
            out.add(p.result());
        }
        return Collections.unmodifiableList(out);
    }

    /** The peers path {@code path} has contacted, closest first. */
    public List<P> contactedPeers(int path) {
        if (path < 0 || path >= paths.size()) {
            throw new IndexOutOfBoundsException("path must be in 0.." + (paths.size() - 1) + ", got " + path);
        }
        return paths.get(path).contactedPeers();
    }

    /**
     * Counters summed over the paths; {@code rounds} and {@code elapsedNanos} are the maxima and
     * {@code maxInFlight} the largest total in flight observed.
     */
    @Override
    public LookupStats stats() {
        LookupStats sum = paths.get(0).stats();
        for (int i = 1; i < paths.size(); i++) {
            sum = LookupStats.combine(sum, paths.get(i).stats());
        }
        return new LookupStats(sum.rounds(), sum.requests(), sum.successes(), sum.failures(), sum.timeouts(),
                sum.peersSeen(), maxInFlight, sum.elapsedNanos());
    }

    @Override
    public String toString() {
        return "DisjointPathsIterator{target=" + target + ", paths=" + paths.size() + ", inFlight="
                + inFlight() + ", finished=" + finishReason + '}';
    }
}
