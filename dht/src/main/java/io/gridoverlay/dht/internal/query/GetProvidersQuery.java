package io.gridoverlay.dht.internal.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A GET_PROVIDERS query: walks the lookup towards the content key and collects unique providers until
 * {@code maxProviders} are known ({@link FinishReason#SATISFIED}) or the lookup ends. {@code maxProviders}
 * of 0 means no limit (as go-libp2p-kad-dht's {@code FindProvidersAsync} with count 0).
 *
 * <p>Costs: {@code onSuccess} the lookup's cost plus O(p) hash operations for p providers. Memory O(unique
 * providers). Not thread-safe: drive it from one thread.
 *
 * @param <P> the peer handle type (DHT servers that are asked)
 * @param <R> the provider record type
 */
public final class GetProvidersQuery<P, R> extends LookupQuery<P> {
    private final int maxProviders;
    private final Function<? super R, ?> identity;
    private final Set<Object> seen = new HashSet<>();
    private final List<R> providers = new ArrayList<>();

    /**
     * @param lookup       a running lookup towards the content key
     * @param maxProviders stop after this many unique providers (0: no limit)
     * @param identity     what makes two provider records the same provider (for example its peer id)
     */
    public GetProvidersQuery(PeerLookup<P> lookup, int maxProviders, Function<? super R, ?> identity) {
        super(lookup);
        if (maxProviders < 0) {
            throw new IllegalArgumentException("maxProviders must be >= 0 (0 = no limit), got " + maxProviders);
        }
        this.maxProviders = maxProviders;
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /**
     * Reports that {@code peer} answered with {@code providers} and {@code closerPeers}. Returns the
     * providers that are new (never more than the remaining room), in the order given; empty if the answer
     * was not accepted.
     */
    public List<R> onSuccess(P peer, Collection<? extends R> providersFound, Collection<? extends P> closerPeers) {
        Objects.requireNonNull(providersFound, "providers");
        if (!running() || !lookup.onSuccess(peer, closerPeers)) {
            return List.of();
        }
        List<R> fresh = new ArrayList<>();
        for (R provider : providersFound) {
            if (maxProviders > 0 && providers.size() >= maxProviders) {
                break;
            }
            Object id = identity.apply(Objects.requireNonNull(provider, "provider"));
            if (seen.add(Objects.requireNonNull(id, "provider identity"))) {
                providers.add(provider);
                fresh.add(provider);
            }
        }
        if (maxProviders > 0 && providers.size() >= maxProviders) {
            satisfy();
        }
        return Collections.unmodifiableList(fresh);
    }

    /** All unique providers found, in discovery order. */
    public List<R> providers() {
        return Collections.unmodifiableList(new ArrayList<>(providers));
    }

    /** The limit (0 = none). */
    public int maxProviders() {
        return maxProviders;
    }
}
