package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.query.LookupStats;

import io.gridoverlay.dht.routing.Key;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * An iterative Kademlia lookup towards a target key, as a sans-I/O state machine in the style of
 * rust-libp2p's {@code ClosestPeersIter} with go-libp2p-kad-dht's termination rule.
 *
 * <p><b>Algorithm.</b> Candidates are kept sorted by XOR distance to the target, deduplicated by key. At
 * most α requests are in flight; {@link #next(long)} always hands out the closest candidate not yet
 * contacted. The lookup {@link FinishReason#COMPLETED completes} when the β closest candidates that have
 * not failed or timed out have all answered (go's {@code isLookupTermination}: no closer candidate is
 * uncontacted or still in flight), {@link FinishReason#STARVED starves} when no candidate is left and
 * nothing is in flight, and stops at the overall deadline. A request in flight longer than the per-peer
 * timeout stops counting against α and no longer blocks completion; if its answer arrives later it is
 * still used (as rust-libp2p does). A peer whose request failed or timed out is a candidate again until it
 * has been sent {@link LookupConfig#maxAttempts()} requests, so a lost message does not drop it — whether
 * the driver reports the failure first or the per-peer timeout expires first. Closer peers from one response are capped at
 * {@link LookupConfig#maxCloserPeersPerResponse()}; the local key (if given) is never a candidate.
 *
 * <p><b>Request timeouts.</b> Fixed at {@link LookupConfig#peerTimeout()} by default. With
 * {@link LookupConfig#adaptiveTimeout()} each request's timeout is fixed when it is sent from the peer's
 * round-trip estimate read from the {@link RttSource} ({@link RttEstimate#timeoutNanos}: srtt + 4·rttvar,
 * clamped to [{@link LookupConfig#adaptiveTimeoutMin()}, {@link LookupConfig#peerTimeout()}]), so a lost
 * message or an offline peer costs a few round trips instead of the whole per-request timeout.
 *
 * <p><b>Complexity</b> with n candidates known: {@link #onSuccess} O(r·(log n + n)) for r reported peers
 * (binary search by {@link Key#compareDistance} without allocation, then an array insert);
 * {@link #next(long)} O(α + i) where i is the position of the first uncontacted candidate; memory O(n),
 * and n ≤ seeds + requests·maxCloserPeersPerResponse.
 *
 * <p><b>Thread-safety:</b> not thread-safe. Confine an instance to one thread (the DHT event loop) that
 * both calls {@code next} and reports outcomes.
 *
 * @param <P> the peer handle type
 */
public final class ClosestPeersIterator<P> implements PeerLookup<P> {

    enum PeerState { NOT_CONTACTED, IN_FLIGHT, UNRESPONSIVE, SUCCEEDED, FAILED }

    static final class Entry<P> {
        final P peer;
        final Key key;
        PeerState state = PeerState.NOT_CONTACTED;
        long sentAtNanos;
        /** Timeout of the request in flight (valid in state IN_FLIGHT). */
        long timeoutNanos;
        int depth;
        int attempts;

        Entry(P peer, Key key, int depth) {
            this.peer = peer;
            this.key = key;
            this.depth = depth;
        }
    }

    private final Key target;
    private final Function<? super P, Key> keyFunction;
    private final LookupConfig config;
    private final LongSupplier clock;
    private final Key localKey;
    /** Admission of newly learned peers (disjoint paths claim peers through it). */
    private final Predicate<Key> admit;
    private final long peerTimeoutNanos;
    /** Lower bound of adaptive timeouts, or -1 for the fixed timeout. */
    private final long adaptiveMinNanos;
    private final RttSource rtt;
    private final long overallTimeoutNanos;

    /** Candidates sorted by distance to the target, closest first. */
    private final ArrayList<Entry<P>> sorted = new ArrayList<>();
    private final Map<Key, Entry<P>> byKey = new HashMap<>();
    /** Entries in state IN_FLIGHT, in send order (at most α). */
    private final ArrayList<Entry<P>> inFlightEntries = new ArrayList<>();

    private final long startNanos;
    private long finishedAtNanos;
    private FinishReason finishReason;

    private int requests;
    private int successes;
    private int failures;
    private int timeouts;
    private int maxInFlight;

    ClosestPeersIterator(Key target, Collection<? extends P> seeds, Function<? super P, Key> keyFunction,
            LookupConfig config, LongSupplier clock, Key localKey, Predicate<Key> admit, RttSource rtt) {
        this.target = Objects.requireNonNull(target, "target");
        this.keyFunction = Objects.requireNonNull(keyFunction, "keyFunction");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.localKey = localKey;
        this.admit = Objects.requireNonNull(admit, "admit");
        this.peerTimeoutNanos = config.peerTimeoutNanos();
        this.adaptiveMinNanos = config.adaptiveTimeoutMinNanos();
        this.rtt = Objects.requireNonNull(rtt, "rtt");
        this.overallTimeoutNanos = config.overallTimeoutNanos();
        Objects.requireNonNull(seeds, "seeds");
        for (P seed : seeds) {
            addCandidate(seed, 0);
        }
        this.startNanos = clock.getAsLong();
    }

    /** A builder for a lookup of {@code target} over peers whose key is given by {@code keyFunction}. */
    public static <P> Builder<P> builder(Key target, Function<? super P, Key> keyFunction) {
        return new Builder<>(target, keyFunction);
    }

    /** A builder for a lookup of {@code target} over peers that carry their key. */
    public static <P extends HasKey> Builder<P> builder(Key target) {
        return new Builder<P>(target, HasKey::key);
    }

    @Override
    public Key target() {
        return target;
    }

    @Override
    public Key keyOf(P peer) {
        return keyOf(keyFunction, peer);
    }

    /** Applies a lookup's key function, rejecting a null peer or key; shared with {@link DisjointPathsIterator}. */
    static <P> Key keyOf(Function<? super P, Key> keyFunction, P peer) {
        Objects.requireNonNull(peer, "peer");
        Key key = keyFunction.apply(peer);
        if (key == null) {
            throw new IllegalArgumentException("the key function returned null for peer " + peer);
        }
        return key;
    }

    /** The configuration. */
    public LookupConfig config() {
        return config;
    }

    /** Adds a candidate (or lowers the depth of a known, uncontacted one). Returns the new entry or null. */
    Entry<P> addCandidate(P peer, int depth) {
        Key key = keyOf(peer);
        if (key.equals(localKey)) {
            return null;
        }
        Entry<P> known = byKey.get(key);
        if (known != null) {
            if (known.state == PeerState.NOT_CONTACTED && depth < known.depth) {
                known.depth = depth;
            }
            return null;
        }
        if (!admit.test(key)) {
            return null;
        }
        Entry<P> e = new Entry<>(peer, key, depth);
        byKey.put(key, e);
        sorted.add(insertionPoint(key), e);
        return e;
    }

    /** Index of the first entry farther from the target than {@code key} (keys are distinct). */
    private int insertionPoint(Key key) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (target.compareDistance(sorted.get(mid).key, key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public boolean onSuccess(P peer, Collection<? extends P> closerPeers) {
        Objects.requireNonNull(closerPeers, "closerPeers");
        Entry<P> e = respondingEntry(peer, true);
        if (e == null) {
            return false;
        }
        e.state = PeerState.SUCCEEDED;
        successes++;
        int taken = 0;
        int cap = config.maxCloserPeersPerResponse();
        for (P closer : closerPeers) {
            if (taken++ == cap) {
                break;
            }
            addCandidate(closer, e.depth + 1);
        }
        return true;
    }

    @Override
    public boolean onFailure(P peer) {
        Entry<P> e = respondingEntry(peer, false);
        if (e == null) {
            return false;
        }
        failures++;
        // below the attempt limit a failed peer (likely a lost message) is a candidate again
        e.state = e.attempts < config.maxAttempts() ? PeerState.NOT_CONTACTED : PeerState.FAILED;
        return true;
    }

    /**
     * The entry of a peer whose outcome may be reported now (leaving the in-flight set), or null. A late
     * answer of an attempt that timed out is still used, also while the peer waits for its retry; the late
     * failure of such an attempt is not news (the timeout already counted it).
     */
    private Entry<P> respondingEntry(P peer, boolean success) {
        if (finishReason != null) {
            return null;
        }
        Entry<P> e = byKey.get(keyOf(peer));
        if (e == null) {
            return null;
        }
        if (e.state == PeerState.IN_FLIGHT) {
            inFlightEntries.remove(e);
            return e;
        }
        if (e.state == PeerState.UNRESPONSIVE) {
            return e;
        }
        return success && e.state == PeerState.NOT_CONTACTED && e.attempts > 0 ? e : null;
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
        if (nowNanos - startNanos >= overallTimeoutNanos) {
            return finishAt(FinishReason.DEADLINE_EXCEEDED, nowNanos);
        }
        expireTimeouts(nowNanos);

        int answered = 0;
        boolean blocked = false;
        Entry<P> candidate = null;
        int beta = config.resiliency();
        for (int i = 0, n = sorted.size(); i < n; i++) {
            Entry<P> e = sorted.get(i);
            PeerState s = e.state;
            if (s == PeerState.SUCCEEDED) {
                if (!blocked && ++answered >= beta) {
                    return finishAt(FinishReason.COMPLETED, nowNanos);
                }
            } else if (s == PeerState.IN_FLIGHT) {
                blocked = true;
            } else if (s == PeerState.NOT_CONTACTED) {
                candidate = e;
                break;
            }
        }
        int inFlight = inFlightEntries.size();
        if (candidate == null) {
            if (inFlight == 0) {
                return finishAt(FinishReason.STARVED, nowNanos);
            }
            return inFlight >= config.parallelism() ? new LookupState.AtCapacity<>() : new LookupState.Idle<>();
        }
        if (inFlight >= config.parallelism()) {
            return new LookupState.AtCapacity<>();
        }
        candidate.state = PeerState.IN_FLIGHT;
        candidate.attempts++;
        candidate.sentAtNanos = nowNanos;
        candidate.timeoutNanos = requestTimeoutNanos(candidate.key);
        inFlightEntries.add(candidate);
        requests++;
        maxInFlight = Math.max(maxInFlight, inFlightEntries.size());
        return new LookupState.Waiting<>(candidate.peer);
    }

    /** The timeout of a request to the peer {@code key} sent now: fixed, or adapted to its round-trip estimate. */
    long requestTimeoutNanos(Key key) {
        if (adaptiveMinNanos < 0) {
            return peerTimeoutNanos;
        }
        return RttEstimate.timeoutNanos(rtt.estimate(key), adaptiveMinNanos, peerTimeoutNanos);
    }

    private void expireTimeouts(long nowNanos) {
        for (int i = inFlightEntries.size() - 1; i >= 0; i--) {
            Entry<P> e = inFlightEntries.get(i);
            if (nowNanos - e.sentAtNanos >= e.timeoutNanos) {
                // below the attempt limit a timed-out peer is a candidate again (a lost message is the
                // likely cause); at the limit it is unresponsive, though a late answer is still used
                e.state = e.attempts < config.maxAttempts() ? PeerState.NOT_CONTACTED : PeerState.UNRESPONSIVE;
                inFlightEntries.remove(i);
                timeouts++;
            }
        }
    }

    private LookupState<P> finishAt(FinishReason reason, long nowNanos) {
        finishReason = reason;
        finishedAtNanos = nowNanos;
        inFlightEntries.clear();
        return new LookupState.Finished<>(reason);
    }

    @Override
    public void finish() {
        if (finishReason == null) {
            finishAt(FinishReason.CANCELLED, clock.getAsLong());
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
        return inFlightEntries.size();
    }

    @Override
    public OptionalLong nextTimerNanos() {
        if (finishReason != null) {
            return OptionalLong.empty();
        }
        boolean any = false;
        long earliest = 0;
        if (overallTimeoutNanos != Long.MAX_VALUE) {
            earliest = startNanos + overallTimeoutNanos;
            any = true;
        }
        for (Entry<P> e : inFlightEntries) {
            if (e.timeoutNanos != Long.MAX_VALUE) {
                long t = e.sentAtNanos + e.timeoutNanos;
                if (!any || t - earliest < 0) {
                    earliest = t;
                    any = true;
                }
            }
        }
        return any ? OptionalLong.of(earliest) : OptionalLong.empty();
    }

    @Override
    public List<P> result() {
        List<P> out = new ArrayList<>(Math.min(config.numResults(), sorted.size()));
        for (Entry<P> e : sorted) {
            if (e.state == PeerState.SUCCEEDED) {
                out.add(e.peer);
                if (out.size() == config.numResults()) {
                    break;
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public List<P> closestPeers() {
        List<P> out = new ArrayList<>(Math.min(config.numResults(), sorted.size()));
        for (Entry<P> e : sorted) {
            if (e.state != PeerState.FAILED && e.state != PeerState.UNRESPONSIVE) {
                out.add(e.peer);
                if (out.size() == config.numResults()) {
                    break;
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Every peer this lookup asked the driver to contact, closest first (O(n)). */
    public List<P> contactedPeers() {
        List<P> out = new ArrayList<>();
        for (Entry<P> e : sorted) {
            if (e.attempts > 0) {
                out.add(e.peer);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Hop depth of a known peer (0 for seeds), or -1 if the peer is unknown. */
    public int depthOf(P peer) {
        Entry<P> e = byKey.get(keyOf(peer));
        return e == null ? -1 : e.depth;
    }

    /** Number of distinct peers known (seeds and learned). */
    public int peersSeen() {
        return sorted.size();
    }

    @Override
    public LookupStats stats() {
        int rounds = 0;
        int found = 0;
        for (Entry<P> e : sorted) {
            if (e.state == PeerState.SUCCEEDED) {
                rounds = Math.max(rounds, e.depth);
                if (++found == config.numResults()) {
                    break;
                }
            }
        }
        long end = finishReason != null ? finishedAtNanos : clock.getAsLong();
        return new LookupStats(rounds, requests, successes, failures, timeouts, sorted.size(), maxInFlight,
                end - startNanos);
    }

    @Override
    public String toString() {
        return "ClosestPeersIterator{target=" + target + ", known=" + sorted.size() + ", inFlight="
                + inFlightEntries.size() + ", finished=" + finishReason + '}';
    }

    /**
     * Builder of a {@link ClosestPeersIterator}: target and key function are required; seeds default to
     * none, the config to {@link LookupConfig#defaults()}, the clock to {@link System#nanoTime()}.
     * Not thread-safe.
     *
     * @param <P> the peer handle type
     */
    public static final class Builder<P> {
        private final Key target;
        private final Function<? super P, Key> keyFunction;
        private final List<P> seeds = new ArrayList<>();
        private LookupConfig config = LookupConfig.defaults();
        private LongSupplier clock = System::nanoTime;
        private Key localKey;
        private RttSource rtt = RttSource.NONE;

        Builder(Key target, Function<? super P, Key> keyFunction) {
            this.target = Objects.requireNonNull(target, "target");
            this.keyFunction = Objects.requireNonNull(keyFunction, "keyFunction");
        }

        /** Adds seed peers (typically the k closest of the routing table); duplicates are merged. */
        public Builder<P> seeds(Collection<? extends P> peers) {
            for (P p : Objects.requireNonNull(peers, "peers")) {
                seeds.add(Objects.requireNonNull(p, "seed peer"));
            }
            return this;
        }

        /** The lookup configuration. */
        public Builder<P> config(LookupConfig lookupConfig) {
            this.config = Objects.requireNonNull(lookupConfig, "config");
            return this;
        }

        /** The clock, in nanoseconds of an arbitrary origin (as {@link System#nanoTime()}). */
        public Builder<P> clock(LongSupplier nanoClock) {
            this.clock = Objects.requireNonNull(nanoClock, "clock");
            return this;
        }

        /** The local peer's key: never queried, even if some peer reports it. */
        public Builder<P> localKey(Key key) {
            this.localKey = Objects.requireNonNull(key, "localKey");
            return this;
        }

        /**
         * Where round-trip estimates come from when the configuration asks for adaptive timeouts
         * (default: {@link RttSource#NONE}, i.e. every request waits the full per-request timeout).
         */
        public Builder<P> rtt(RttSource source) {
            this.rtt = Objects.requireNonNull(source, "rtt");
            return this;
        }

        /** Builds the lookup; its clock starts now. */
        public ClosestPeersIterator<P> build() {
            return new ClosestPeersIterator<>(target, seeds, keyFunction, config, clock, localKey, k -> true, rtt);
        }

        /** Builds a {@link DisjointPathsIterator} with {@code paths} disjoint paths over the same settings. */
        public DisjointPathsIterator<P> buildDisjoint(int paths) {
            return new DisjointPathsIterator<>(target, seeds, keyFunction, config, clock, localKey, paths, rtt);
        }
    }
}
