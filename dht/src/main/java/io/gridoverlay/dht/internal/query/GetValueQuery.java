package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.routing.Key;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A GET_VALUE query: walks the lookup towards the record key, collects the values peers return, stops
 * once {@code quorum} valid values arrived, and tells the driver which peers to correct — as
 * go-libp2p-kad-dht does after {@code GetValue}, PUT the best value to the k closest live peers that did
 * not return it and to every peer that returned an older or invalid value.
 *
 * <p>Values are judged by the driver-supplied {@code validator} (signature, expiry, schema) and ranked by
 * {@code preference}: the best value is the greatest; two values comparing equal are interchangeable (a
 * peer holding either holds "the best"). Invalid values never count towards the quorum and mark their
 * sender for correction. A {@code quorum} of 0 never stops early: the lookup runs to its end.
 *
 * <p>Costs: {@code onSuccess} the lookup's cost plus one validation and one comparison;
 * {@link #correctionTargets()} O(r + k log k) for r responses. Not thread-safe: drive it from one thread.
 *
 * @param <P> the peer handle type
 * @param <V> the value (record) type
 */
public final class GetValueQuery<P, V> extends LookupQuery<P> {
    private record Response<P, V>(P peer, V value, boolean valid) {
    }

    private final int quorum;
    private final Predicate<? super V> validator;
    private final Comparator<? super V> preference;
    private final Map<Key, Response<P, V>> responses = new LinkedHashMap<>();
    private V best;
    private int validValues;

    /**
     * @param lookup     a running lookup towards the record's key
     * @param quorum     valid values after which the query stops (0: never stop early)
     * @param validator  whether a received value is valid
     * @param preference orders valid values, best greatest (for example higher sequence number)
     */
    public GetValueQuery(PeerLookup<P> lookup, int quorum, Predicate<? super V> validator,
            Comparator<? super V> preference) {
        super(lookup);
        if (quorum < 0) {
            throw new IllegalArgumentException("quorum must be >= 0, got " + quorum);
        }
        this.quorum = quorum;
        this.validator = Objects.requireNonNull(validator, "validator");
        this.preference = Objects.requireNonNull(preference, "preference");
    }

    /** The quorum. */
    public int quorum() {
        return quorum;
    }

    /** Reports that {@code peer} answered without a value; see {@link PeerLookup#onSuccess}. */
    public boolean onSuccess(P peer, Collection<? extends P> closerPeers) {
        if (!running() || !lookup.onSuccess(peer, closerPeers)) {
            return false;
        }
        responses.putIfAbsent(lookup.keyOf(peer), new Response<>(peer, null, false));
        return true;
    }

    /**
     * Reports that {@code peer} answered with {@code value} (and possibly closer peers). Returns false and
     * ignores the value if the peer's answer is not accepted (not asked, already reported, finished).
     */
    public boolean onSuccess(P peer, V value, Collection<? extends P> closerPeers) {
        Objects.requireNonNull(value, "value");
        if (!running() || !lookup.onSuccess(peer, closerPeers)) {
            return false;
        }
        boolean valid = validator.test(value);
        responses.put(lookup.keyOf(peer), new Response<>(peer, value, valid));
        if (valid) {
            validValues++;
            if (best == null || preference.compare(value, best) > 0) {
                best = value;
            }
            if (quorum > 0 && validValues >= quorum) {
                satisfy();
            }
        }
        return true;
    }

    /** The best valid value received so far. */
    public Optional<V> best() {
        return Optional.ofNullable(best);
    }

    /** Number of valid values received. */
    public int validValues() {
        return validValues;
    }

    /** Whether the quorum was reached (always false for quorum 0). */
    public boolean quorumReached() {
        return quorum > 0 && validValues >= quorum;
    }

    /** Peers that returned a value equivalent to the best one, in response order. */
    public List<P> peersWithBest() {
        List<P> out = new ArrayList<>();
        for (Response<P, V> r : responses.values()) {
            if (holdsBest(r)) {
                out.add(r.peer());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Peers that returned an invalid value or a valid one worse than the best, in response order. */
    public List<P> outdatedPeers() {
        List<P> out = new ArrayList<>();
        for (Response<P, V> r : responses.values()) {
            if (r.value() != null && !holdsBest(r)) {
                out.add(r.peer());
            }
        }
        return Collections.unmodifiableList(out);
    }

    private boolean holdsBest(Response<P, V> r) {
        return best != null && r.valid() && preference.compare(r.value(), best) == 0;
    }

    /**
     * Where the driver should PUT {@link #best()}: the lookup's {@link PeerLookup#closestPeers() k closest
     * live peers} that did not return the best value, plus every {@link #outdatedPeers() outdated} peer,
     * closest to the key first. Empty if no valid value was found.
     */
    public List<P> correctionTargets() {
        if (best == null) {
            return List.of();
        }
        Map<Key, P> targets = new LinkedHashMap<>();
        for (P p : lookup.closestPeers()) {
            Key key = lookup.keyOf(p);
            Response<P, V> r = responses.get(key);
            if (r == null || !holdsBest(r)) {
                targets.put(key, p);
            }
        }
        for (P p : outdatedPeers()) {
            targets.putIfAbsent(lookup.keyOf(p), p);
        }
        List<P> out = new ArrayList<>(targets.values());
        Key target = lookup.target();
        out.sort((a, b) -> target.compareDistance(lookup.keyOf(a), lookup.keyOf(b)));
        return Collections.unmodifiableList(out);
    }
}
