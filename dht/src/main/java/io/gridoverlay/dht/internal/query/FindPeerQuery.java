package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.routing.Key;
import java.util.Collection;
import java.util.Optional;

/**
 * A FIND_PEER query: walks the lookup towards a peer's key and stops ({@link FinishReason#SATISFIED}) as
 * soon as the peer itself answers or any peer reports it among its closer peers; the reported handle
 * (carrying the addresses it was reported with) is {@link #found()}.
 *
 * <p>Costs: {@code onSuccess} the lookup's cost plus O(r) key comparisons. Not thread-safe.
 *
 * @param <P> the peer handle type
 */
public final class FindPeerQuery<P> extends LookupQuery<P> {
    private final Key peerKey;
    private P found;

    /** @param lookup a running lookup whose target is the key of the peer sought */
    public FindPeerQuery(PeerLookup<P> lookup) {
        super(lookup);
        this.peerKey = lookup.target();
    }

    /** Reports an answer; see {@link PeerLookup#onSuccess}. Stops the query if the peer was found. */
    public boolean onSuccess(P peer, Collection<? extends P> closerPeers) {
        if (!running() || !lookup.onSuccess(peer, closerPeers)) {
            return false;
        }
        if (lookup.keyOf(peer).equals(peerKey)) {
            found = peer;
        } else {
            for (P p : closerPeers) {
                if (lookup.keyOf(p).equals(peerKey)) {
                    found = p;
                    break;
                }
            }
        }
        if (found != null) {
            satisfy();
        }
        return true;
    }

    /** The sought peer, once it answered or was reported. */
    public Optional<P> found() {
        return Optional.ofNullable(found);
    }
}
