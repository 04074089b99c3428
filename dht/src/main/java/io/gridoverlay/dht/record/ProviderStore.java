package io.gridoverlay.dht.record;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.PeerInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Who provides which key: per key, a set of providers with their addresses, each entry living
 * {@code providerTtl} after it was last added. Re-adding a provider refreshes its entry and addresses.
 * Bounded per key (when full, a new provider is refused and the ones held stay until they expire: letting
 * the oldest give way let a swarm of fresh identities push every honest provider out) and in total
 * (Caffeine evicts whole keys by its size policy when the sum of entries exceeds {@code maxProviders}).
 *
 * <p>Thread-safe; an add to one key is atomic. Costs: O(providers of the key) per add and per read.
 */
public final class ProviderStore {
    private final ProviderStoreConfig config;
    private final Clock clock;
    /** Created on the first write ({@link Lazy}; an empty Caffeine cache with expiry costs ≈ 6 KB). */
    private final Lazy<Cache<ByteKey, List<Entry>>> cache = new Lazy<>(this::newCache);
    private final ProviderPersistence persistence;

    /** One provider of a key until {@code expiresAtMillis}. */
    private record Entry(PeerInfo provider, long expiresAtMillis) {
    }

    public ProviderStore(ProviderStoreConfig config) {
        this(config, ProviderPersistence.none());
    }

    /** A store that writes every added entry through to {@code persistence} and reloads it now. */
    public ProviderStore(ProviderStoreConfig config, ProviderPersistence persistence) {
        this.config = config;
        this.persistence = persistence;
        this.clock = config.clock();
        long now = clock.millis();
        for (ProviderPersistence.Entry e : persistence.loadAll()) {
            if (e.expiresAtMillis() > now) {
                put(e.key(), e.provider(), e.expiresAtMillis(), now);
            }
        }
    }

    private Cache<ByteKey, List<Entry>> newCache() {
        return Caffeine.newBuilder()
                .maximumWeight(config.maxProviders())
                .weigher((ByteKey k, List<Entry> v) -> Math.max(1, v.size()))
                .expireAfter(new Expiry<ByteKey, List<Entry>>() {
                    @Override
                    public long expireAfterCreate(ByteKey key, List<Entry> value, long currentTime) {
                        return untilLast(value);
                    }

                    @Override
                    public long expireAfterUpdate(ByteKey key, List<Entry> value, long currentTime, long currentDuration) {
                        return untilLast(value);
                    }

                    @Override
                    public long expireAfterRead(ByteKey key, List<Entry> value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(RecordStore.clockTicker(clock))
                .executor(Runnable::run)
                .build();
    }

    public ProviderStoreConfig config() {
        return config;
    }

    /**
     * Addresses kept per provider entry: an ADD_PROVIDER may carry up to {@code KadLimits.maxAddressesPerPeer}
     * (32), and 20,000 entries of 8 addresses already held ≈ 29 MiB of heap (docs/memory-budget.md).
     */
    public static final int MAX_ADDRESSES_PER_PROVIDER = 4;

    /**
     * Records that {@code provider} provides {@code key} for the next {@code providerTtl}; a provider
     * already held is refreshed (with its new addresses). At most {@link #MAX_ADDRESSES_PER_PROVIDER} of its
     * addresses are kept, the first ones given.
     *
     * @return false, storing nothing, if {@code key} already has {@code maxProvidersPerKey} unexpired
     *         providers and {@code provider} is not one of them
     */
    public boolean addProvider(byte[] key, PeerInfo provider) {
        if (provider.addresses().size() > MAX_ADDRESSES_PER_PROVIDER) {
            provider = new PeerInfo(provider.peerId(), provider.addresses().subList(0, MAX_ADDRESSES_PER_PROVIDER));
        }
        long now = clock.millis();
        long until = now + config.providerTtl().toMillis();
        if (!put(key, provider, until, now)) {
            return false;
        }
        persistence.save(key, provider, until);
        return true;
    }

    private boolean put(byte[] key, PeerInfo provider, long until, long now) {
        boolean[] added = {false};
        cache.get().asMap().compute(ByteKey.copyOf(key), (k, current) -> {
            List<Entry> next = new ArrayList<>(current == null ? 1 : current.size() + 1);
            boolean held = false;
            if (current != null) {
                for (Entry e : current) {
                    if (e.expiresAtMillis <= now) {
                        continue;
                    }
                    if (e.provider.peerId().equals(provider.peerId())) {
                        held = true;
                    } else {
                        next.add(e);
                    }
                }
            }
            if (!held && next.size() >= config.maxProvidersPerKey()) {
                return current; // full: the newcomer is refused, the providers held stay
            }
            next.add(new Entry(provider, until));
            added[0] = true;
            return List.copyOf(next);
        });
        return added[0];
    }


    /** The unexpired providers of {@code key}, most recently added first. */
    public List<PeerInfo> providers(byte[] key) {
        Cache<ByteKey, List<Entry>> c = cache.ifCreated();
        List<Entry> entries = c == null ? null : c.getIfPresent(ByteKey.copyOf(key));
        if (entries == null) {
            return List.of();
        }
        long now = clock.millis();
        List<Entry> live = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            if (e.expiresAtMillis > now) {
                live.add(e);
            }
        }
        live.sort(Comparator.comparingLong(Entry::expiresAtMillis).reversed());
        List<PeerInfo> out = new ArrayList<>(live.size());
        live.forEach(e -> out.add(e.provider));
        return out;
    }

    /** Whether {@code peer} is an unexpired provider of {@code key}. */
    public boolean isProvider(byte[] key, PeerId peer) {
        return providers(key).stream().anyMatch(p -> p.peerId().equals(peer));
    }

    /** Number of keys with providers (expired ones may count until the next maintenance). */
    public long keyCount() {
        Cache<ByteKey, List<Entry>> c = cache.ifCreated();
        if (c == null) {
            return 0;
        }
        c.cleanUp();
        return c.estimatedSize();
    }

    /** Number of provider entries over all keys, expired ones included until the next maintenance. */
    public long entryCount() {
        Cache<ByteKey, List<Entry>> c = cache.ifCreated();
        if (c == null) {
            return 0;
        }
        c.cleanUp();
        long n = 0;
        for (List<Entry> v : c.asMap().values()) {
            n += v.size();
        }
        return n;
    }

    /** Runs pending expiry and eviction now. */
    public void cleanUp() {
        Cache<ByteKey, List<Entry>> c = cache.ifCreated();
        if (c != null) {
            c.cleanUp();
        }
    }

    private long untilLast(List<Entry> entries) {
        long last = 0;
        for (Entry e : entries) {
            last = Math.max(last, e.expiresAtMillis);
        }
        long left = last - clock.millis();
        return left <= 0 ? 0 : java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(left);
    }
}
