package io.gridoverlay.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the host knows about other peers: addresses with a time to live, protocols and keys learned from
 * Identify. Bounded (least recently used peers are dropped beyond {@code maxPeers}) and thread-safe; each
 * operation is O(addresses of the peer).
 */
public final class PeerStore {
    /** TTL of addresses learned from a connection or Identify while connected. */
    public static final Duration CONNECTED_TTL = Duration.ofMinutes(30);
    /** TTL of addresses learned from third parties (DHT answers). */
    public static final Duration TEMPORARY_TTL = Duration.ofMinutes(10);

    private final Cache<PeerId, Entry> peers;
    private final Clock clock;

    private static final class Entry {
        final Map<Multiaddr, Instant> addresses = new LinkedHashMap<>();
        List<String> protocols = List.of();
        PublicKey key;
        String agentVersion = "";
    }

    public PeerStore(int maxPeers, Clock clock) {
        this.peers = Caffeine.newBuilder().maximumSize(maxPeers).build();
        this.clock = clock;
    }

    public PeerStore() {
        this(100_000, Clock.systemUTC());
    }

    /** Adds or extends {@code addresses} of {@code peer} for {@code ttl} ({@code /p2p} suffixes are removed). */
    public void addAddresses(PeerId peer, List<Multiaddr> addresses, Duration ttl) {
        Instant until = clock.instant().plus(ttl);
        Entry e = peers.get(peer, p -> new Entry());
        synchronized (e) {
            for (Multiaddr a : addresses) {
                Multiaddr bare = a.decapsulate(io.gridoverlay.core.encoding.Protocol.P2P).orElse(null);
                if (bare == null) {
                    continue;
                }
                e.addresses.merge(bare, until, (x, y) -> x.isAfter(y) ? x : y);
            }
        }
    }

    /** The unexpired addresses of {@code peer}, oldest first. */
    public List<Multiaddr> addresses(PeerId peer) {
        Entry e = peers.getIfPresent(peer);
        if (e == null) {
            return List.of();
        }
        Instant now = clock.instant();
        synchronized (e) {
            e.addresses.values().removeIf(t -> !t.isAfter(now));
            return new ArrayList<>(e.addresses.keySet());
        }
    }

    /** Records what Identify said. */
    public void setIdentified(PeerId peer, PublicKey key, List<String> protocols, String agentVersion) {
        Entry e = peers.get(peer, p -> new Entry());
        synchronized (e) {
            e.key = key;
            e.protocols = List.copyOf(protocols);
            e.agentVersion = agentVersion;
        }
    }

    /** The protocols {@code peer} announced, empty if unknown. */
    public List<String> protocols(PeerId peer) {
        Entry e = peers.getIfPresent(peer);
        if (e == null) {
            return List.of();
        }
        synchronized (e) {
            return e.protocols;
        }
    }

    public Optional<PublicKey> publicKey(PeerId peer) {
        Entry e = peers.getIfPresent(peer);
        if (e == null) {
            return peer.publicKey();
        }
        synchronized (e) {
            return e.key != null ? Optional.of(e.key) : peer.publicKey();
        }
    }

    public Optional<String> agentVersion(PeerId peer) {
        Entry e = peers.getIfPresent(peer);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            return e.agentVersion.isEmpty() ? Optional.empty() : Optional.of(e.agentVersion);
        }
    }

    /** Forgets {@code peer}. */
    public void remove(PeerId peer) {
        peers.invalidate(peer);
    }

    /** Number of peers known (approximate under concurrent change). */
    public long size() {
        return peers.estimatedSize();
    }
}
