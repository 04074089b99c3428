package io.gridoverlay.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
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
import java.util.Objects;
import java.util.Optional;

/**
 * What the host knows about other peers: addresses with a time to live, protocols and keys learned from
 * Identify. Thread-safe; each operation is O(addresses of the peer).
 *
 * <p>Bounds: at most {@code maxAddressesPerPeer} addresses per peer (default
 * {@value #DEFAULT_MAX_ADDRESSES_PER_PEER}; {@link #replaceAddresses} keeps the first ones it is given,
 * {@link #addAddresses} makes room by dropping the address that expires first), and a total weight of
 * {@code 5 × maxPeers}, where an entry weighs one plus its addresses: {@code maxPeers} peers with four addresses
 * each, fewer with more (beyond that Caffeine's eviction drops the least valuable, roughly least recently used;
 * 8,192 peers with 64 addresses each held ≈ 114 MiB, the weight bound holds the store near ≈ 10 MiB whatever
 * the addresses: docs/memory-budget.md), and an entry of a peer <em>without a live connection</em> is dropped
 * {@code idleRetention} (default {@link #DEFAULT_IDLE_RETENTION}, one hour) after the later of its last update
 * (addresses added, Identify recorded, last connection closed) and the expiry of its last address. Reads do
 * not extend an entry's life. An entry of a connected peer ({@link #connectionOpened} without its
 * {@link #connectionClosed}) never expires; the {@link Host} reports its connections.
 */
public final class PeerStore {
    /** TTL of addresses learned from a connection or Identify while connected. */
    public static final Duration CONNECTED_TTL = Duration.ofMinutes(30);
    /** TTL of addresses learned from third parties (DHT answers). */
    public static final Duration TEMPORARY_TTL = Duration.ofMinutes(10);
    /** Default {@link Builder#idleRetention}: how long an unconnected peer without live addresses is kept. */
    public static final Duration DEFAULT_IDLE_RETENTION = Duration.ofHours(1);
    /** Default {@link Builder#maxAddressesPerPeer}: most addresses kept per peer. */
    public static final int DEFAULT_MAX_ADDRESSES_PER_PEER = 64;
    /** Default {@link Builder#maxPeers}. */
    public static final int DEFAULT_MAX_PEERS = 8_192; // weight bound 40,960: ≈ 10 MiB, docs/memory-budget.md
    /** Weight units per {@code maxPeers}: a peer weighs one plus its addresses. */
    static final int WEIGHT_PER_PEER = 5;

    private final Cache<PeerId, Entry> peers;
    private final Clock clock;
    private final int maxAddressesPerPeer;
    private final long idleRetentionNanos;

    private static final class Entry {
        final Map<Multiaddr, Instant> addresses = new LinkedHashMap<>();
        List<String> protocols = List.of();
        PublicKey key;
        String agentVersion = "";
        /** Live connections; guarded by the entry's monitor. */
        int connections;
        /** Clock time in nanoseconds at which the entry expires, {@link Long#MAX_VALUE} while connected. */
        volatile long expiresAtNanos = Long.MAX_VALUE;
    }

    /** A store with the defaults: {@value #DEFAULT_MAX_PEERS} peers, one hour idle retention, UTC clock. */
    public PeerStore() {
        this(builder());
    }

    /** A store of at most {@code maxPeers} entries on {@code clock}, default idle retention. */
    public PeerStore(int maxPeers, Clock clock) {
        this(builder().maxPeers(maxPeers).clock(clock));
    }

    private PeerStore(Builder b) {
        this.clock = b.clock;
        this.maxAddressesPerPeer = b.maxAddressesPerPeer;
        this.idleRetentionNanos = b.idleRetention.compareTo(Duration.ofDays(36_500)) > 0
                ? Duration.ofDays(36_500).toNanos() : b.idleRetention.toNanos();
        this.peers = Caffeine.newBuilder()
                .maximumWeight((long) b.maxPeers * WEIGHT_PER_PEER)
                .weigher((PeerId k, Entry e) -> {
                    synchronized (e) {
                        return 1 + e.addresses.size();
                    }
                })
                .ticker(() -> nanos(clock.instant()))
                .expireAfter(new Expiry<PeerId, Entry>() {
                    @Override
                    public long expireAfterCreate(PeerId k, Entry e, long now) {
                        return remaining(e, now);
                    }

                    @Override
                    public long expireAfterUpdate(PeerId k, Entry e, long now, long current) {
                        return remaining(e, now);
                    }

                    @Override
                    public long expireAfterRead(PeerId k, Entry e, long now, long current) {
                        return remaining(e, now);
                    }
                })
                .build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    private static long remaining(Entry e, long now) {
        long at = e.expiresAtNanos;
        return at == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, at - now);
    }

    /** {@code t} in nanoseconds since the epoch, saturated far beyond any real deadline (year 2262+). */
    private static long nanos(Instant t) {
        long s = t.getEpochSecond();
        if (s >= Long.MAX_VALUE / 2 / 1_000_000_000L) {
            return Long.MAX_VALUE / 2;
        }
        return s * 1_000_000_000L + t.getNano();
    }

    /**
     * Recomputes {@code e}'s expiry after an update at {@code now}; the caller holds {@code e}'s monitor.
     * Caffeine re-reads it at the next access of the key ({@link #touch}).
     */
    private void updated(Entry e, Instant now) {
        if (e.connections > 0) {
            e.expiresAtNanos = Long.MAX_VALUE;
            return;
        }
        Instant last = now;
        for (Instant until : e.addresses.values()) {
            if (until.isAfter(last)) {
                last = until;
            }
        }
        e.expiresAtNanos = nanos(last) + idleRetentionNanos;
    }

    /** Makes Caffeine re-evaluate {@code peer}'s weight and expiry from its entry's current state. */
    private void touch(PeerId peer) {
        // a write, not a read: Caffeine re-weighs the entry (its addresses changed) and re-reads its expiry
        peers.asMap().computeIfPresent(peer, (k, e) -> e);
    }

    /** Records that a connection to {@code peer} opened: its entry is kept until the last one closes. */
    public void connectionOpened(PeerId peer) {
        Entry e = peers.get(peer, p -> new Entry());
        synchronized (e) {
            e.connections++;
            updated(e, clock.instant());
        }
        touch(peer);
    }

    /**
     * Records that a connection to {@code peer} closed; after the last one the entry expires
     * {@code idleRetention} after the later of now and its last address's expiry.
     */
    public void connectionClosed(PeerId peer) {
        Entry e = peers.getIfPresent(peer);
        if (e == null) {
            return;
        }
        synchronized (e) {
            if (e.connections > 0) {
                e.connections--;
            }
            updated(e, clock.instant());
        }
        touch(peer);
    }

    /** Live connections to {@code peer} as reported to this store (for tests and metrics). */
    int connections(PeerId peer) {
        Entry e = peers.getIfPresent(peer);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return e.connections;
        }
    }

    /** Whether {@code peer} has an entry (connected, or within its retention). */
    public boolean contains(PeerId peer) {
        return peers.getIfPresent(peer) != null;
    }

    /**
     * Adds or extends {@code addresses} of {@code peer} for {@code ttl} ({@code /p2p} suffixes are removed).
     * When the peer already has {@code maxAddressesPerPeer} addresses, a new one replaces the one expiring
     * first if that expires before it, else it is dropped. O(addresses of the peer) per address.
     */
    public void addAddresses(PeerId peer, List<Multiaddr> addresses, Duration ttl) {
        Instant until = clock.instant().plus(ttl);
        Entry e = peers.get(peer, p -> new Entry());
        synchronized (e) {
            for (Multiaddr a : addresses) {
                addLocked(e, a, until);
            }
            updated(e, until.minus(ttl));
        }
        touch(peer);
    }

    /**
     * Replaces every address of {@code peer} with the first {@code maxAddressesPerPeer} of {@code addresses},
     * valid for {@code ttl}: what the peer itself announces (Identify, Identify push) supersedes what was
     * known, so repeated announcements cannot grow the entry.
     */
    public void replaceAddresses(PeerId peer, List<Multiaddr> addresses, Duration ttl) {
        Instant until = clock.instant().plus(ttl);
        Entry e = peers.get(peer, p -> new Entry());
        synchronized (e) {
            e.addresses.clear();
            for (Multiaddr a : addresses) {
                if (e.addresses.size() >= maxAddressesPerPeer) {
                    break;
                }
                addLocked(e, a, until);
            }
            updated(e, until.minus(ttl));
        }
        touch(peer);
    }

    /** Adds one address under the cap; the caller holds {@code e}'s monitor. */
    private void addLocked(Entry e, Multiaddr a, Instant until) {
        Multiaddr bare = a.decapsulate(io.gridoverlay.core.encoding.Protocol.P2P).orElse(null);
        if (bare == null) {
            return;
        }
        if (!e.addresses.containsKey(bare) && e.addresses.size() >= maxAddressesPerPeer) {
            Map.Entry<Multiaddr, Instant> first = null;
            for (Map.Entry<Multiaddr, Instant> x : e.addresses.entrySet()) {
                if (first == null || x.getValue().isBefore(first.getValue())) {
                    first = x;
                }
            }
            if (first == null || !first.getValue().isBefore(until)) {
                return;
            }
            e.addresses.remove(first.getKey());
        }
        e.addresses.merge(bare, until, (x, y) -> x.isAfter(y) ? x : y);
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
            updated(e, clock.instant());
        }
        touch(peer);
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

    /** Number of peers known, expired entries removed first (approximate under concurrent change). */
    public long size() {
        peers.cleanUp();
        return peers.estimatedSize();
    }

    /** Builds a {@link PeerStore}. Not thread-safe. */
    public static final class Builder {
        private int maxPeers = DEFAULT_MAX_PEERS;
        private int maxAddressesPerPeer = DEFAULT_MAX_ADDRESSES_PER_PEER;
        private Duration idleRetention = DEFAULT_IDLE_RETENTION;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /**
         * The store's size in peers of four addresses (default {@value PeerStore#DEFAULT_MAX_PEERS}): its weight
         * bound is five times this, a peer weighing one plus its addresses. Must be positive.
         */
        public Builder maxPeers(int maxPeers) {
            if (maxPeers <= 0) {
                throw new IllegalArgumentException("maxPeers must be positive, got " + maxPeers);
            }
            this.maxPeers = maxPeers;
            return this;
        }

        /** Most addresses kept per peer (default {@value PeerStore#DEFAULT_MAX_ADDRESSES_PER_PEER}); must be positive. */
        public Builder maxAddressesPerPeer(int max) {
            if (max <= 0) {
                throw new IllegalArgumentException("maxAddressesPerPeer must be positive, got " + max);
            }
            this.maxAddressesPerPeer = max;
            return this;
        }

        /**
         * How long an entry of a peer with no live connection outlives its last update and its last address
         * (default one hour); zero drops it as soon as both have passed. Must not be negative.
         */
        public Builder idleRetention(Duration idleRetention) {
            Objects.requireNonNull(idleRetention, "idleRetention");
            if (idleRetention.isNegative()) {
                throw new IllegalArgumentException("idleRetention must not be negative, got " + idleRetention);
            }
            this.idleRetention = idleRetention;
            return this;
        }

        /** The clock of address TTLs and expiry (default UTC system clock; tests pass a fake one). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public PeerStore build() {
            return new PeerStore(this);
        }
    }
}
