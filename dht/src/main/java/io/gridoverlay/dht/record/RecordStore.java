package io.gridoverlay.dht.record;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.gridoverlay.core.record.RecordValidator;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.record.RecordRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records a DHT server holds: validated on the way in by the {@link Validators} of their namespace,
 * replaced only when the validator's {@code validateReplacement} (normally {@code select}) prefers the new
 * one, re-validated on the way out (a record that expired by its own rules is dropped), and forgotten
 * {@code recordTtl} after {@code timeReceived}.
 *
 * <p>Bounded in records and in bytes at once: each record weighs {@code max(key + value bytes,
 * maxBytes / maxRecords)} against a Caffeine maximum weight of {@code maxBytes}, so neither bound can be
 * exceeded; beyond them Caffeine evicts by its size policy (W-TinyLFU). Written through to a
 * {@link Persistence} and reloaded from it on creation.
 *
 * <p>Thread-safe; {@link #put} of a key is atomic with respect to other puts of that key. Costs: O(1) map
 * operations plus one validation per put and per get.
 */
public final class RecordStore {
    private static final Logger LOG = LoggerFactory.getLogger(RecordStore.class);

    private final RecordStoreConfig config;
    private final Validators validators;
    private final Clock clock;
    private final long minWeight;
    private final Persistence persistence;
    /**
     * Created on the first write ({@link Lazy}): an empty Caffeine cache with expiry costs ≈ 6 KB (its
     * timer wheel alone ≈ 166 objects), which a server that never stores a record need not pay (≈ 0.6 GB
     * for the 100,000 nodes of a simulation).
     */
    private final Lazy<Cache<ByteKey, KadRecord>> cache = new Lazy<>(this::newCache);

    public RecordStore(RecordStoreConfig config, Validators validators) {
        this.config = config;
        this.validators = validators;
        this.clock = config.clock();
        this.minWeight = Math.max(1, config.maxBytes() / config.maxRecords());
        this.persistence = config.persistence();
        int loaded = 0;
        for (KadRecord r : persistence.loadAll()) {
            if (remainingNanos(r) > 0 && validators.validate(r.key(), r.value(), clock.instant()).isValid()) {
                cache.get().put(ByteKey.copyOf(r.key()), r);
                loaded++;
            } else {
                persistence.delete(r.key());
            }
        }
        if (loaded > 0) {
            LOG.debug("loaded {} records from persistence", loaded);
        }
    }

    private Cache<ByteKey, KadRecord> newCache() {
        return Caffeine.newBuilder()
                .maximumWeight(config.maxBytes())
                .weigher((ByteKey k, KadRecord r) -> (int) Math.min(Integer.MAX_VALUE, weight(r)))
                .expireAfter(new Expiry<ByteKey, KadRecord>() {
                    @Override
                    public long expireAfterCreate(ByteKey key, KadRecord value, long currentTime) {
                        return remainingNanos(value);
                    }

                    @Override
                    public long expireAfterUpdate(ByteKey key, KadRecord value, long currentTime, long currentDuration) {
                        return remainingNanos(value);
                    }

                    @Override
                    public long expireAfterRead(ByteKey key, KadRecord value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(clockTicker(clock))
                .executor(Runnable::run)
                .evictionListener((ByteKey k, KadRecord r, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (k != null) {
                        persistence.delete(k.toBytes());
                    }
                })
                .build();
    }

    /** A Caffeine ticker reading {@code clock} (millisecond resolution), so one injected clock drives all. */
    static Ticker clockTicker(Clock clock) {
        return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }

    public RecordStoreConfig config() {
        return config;
    }

    public Validators validators() {
        return validators;
    }

    /**
     * Validates and stores {@code record} with {@code timeReceived} set to now.
     *
     * @return the stored record
     * @throws RecordRejectedException if no validator owns the key, the value is invalid, too large, or the
     *     stored record under the key wins over it; nothing is stored then
     */
    public KadRecord put(KadRecord record) {
        byte[] key = record.key();
        byte[] value = record.value();
        if ((long) key.length + value.length > config.maxRecordBytes()) {
            throw new RecordRejectedException(Reason.TOO_LARGE, "record under " + RecordValidator.keyText(key) + " of "
                    + (key.length + value.length) + " bytes exceeds the limit of " + config.maxRecordBytes());
        }
        if (validators.forKey(key).isEmpty()) {
            throw new RecordRejectedException(Reason.UNKNOWN_NAMESPACE, "no validator for the namespace of key "
                    + RecordValidator.keyText(key));
        }
        Instant now = clock.instant();
        Verification<?> v = validators.validate(key, value, now);
        if (v instanceof Verification.Invalid<?> inv) {
            throw new RecordRejectedException(Reason.INVALID, "record under " + RecordValidator.keyText(key)
                    + " is invalid: " + inv.reason());
        }
        KadRecord stamped = new KadRecord(key, value, KadRecord.formatTimeReceived(now));
        String[] refusal = new String[1];
        KadRecord result = cache.get().asMap().compute(ByteKey.copyOf(key), (k, current) -> {
            if (current != null && remainingNanos(current) > 0) {
                Verification<?> r = validators.validateReplacement(key, current.value(), value, now);
                if (r instanceof Verification.Invalid<?> inv) {
                    refusal[0] = inv.reason();
                    return current;
                }
            }
            config.persistence().save(stamped);
            return stamped;
        });
        if (refusal[0] != null || result != stamped) {
            throw new RecordRejectedException(Reason.NOT_SELECTED, "record under " + RecordValidator.keyText(key)
                    + " does not replace the stored one: " + (refusal[0] != null ? refusal[0] : "concurrent update"));
        }
        return stamped;
    }

    /**
     * The record under {@code key}, if it is stored, younger than {@code recordTtl} and still valid now
     * (one that no longer validates is removed).
     */
    public Optional<KadRecord> get(byte[] key) {
        Cache<ByteKey, KadRecord> c = cache.ifCreated();
        if (c == null) {
            return Optional.empty();
        }
        ByteKey k = ByteKey.copyOf(key);
        KadRecord r = c.getIfPresent(k);
        if (r == null) {
            return Optional.empty();
        }
        if (remainingNanos(r) <= 0 || !validators.validate(key, r.value(), clock.instant()).isValid()) {
            if (c.asMap().remove(k, r)) {
                config.persistence().delete(key);
            }
            return Optional.empty();
        }
        return Optional.of(r);
    }

    /** Removes the record under {@code key}; returns whether there was one. */
    public boolean remove(byte[] key) {
        Cache<ByteKey, KadRecord> c = cache.ifCreated();
        boolean removed = c != null && c.asMap().remove(ByteKey.copyOf(key)) != null;
        config.persistence().delete(key);
        return removed;
    }

    /** Number of records held (expired ones may count until the next maintenance). */
    public long size() {
        Cache<ByteKey, KadRecord> c = cache.ifCreated();
        if (c == null) {
            return 0;
        }
        c.cleanUp();
        return c.estimatedSize();
    }

    /** Sum of key + value bytes of the records held. */
    public long totalBytes() {
        Cache<ByteKey, KadRecord> c = cache.ifCreated();
        if (c == null) {
            return 0;
        }
        c.cleanUp();
        long sum = 0;
        for (KadRecord r : c.asMap().values()) {
            sum += r.keyLength() + r.valueLength();
        }
        return sum;
    }

    /** Runs pending expiry and eviction now. */
    public void cleanUp() {
        Cache<ByteKey, KadRecord> c = cache.ifCreated();
        if (c != null) {
            c.cleanUp();
        }
    }

    private long weight(KadRecord r) {
        return Math.max(minWeight, (long) r.keyLength() + r.valueLength());
    }

    private long remainingNanos(KadRecord r) {
        Instant received;
        try {
            received = r.timeReceived().isEmpty() ? clock.instant() : Instant.parse(r.timeReceived());
        } catch (DateTimeParseException e) {
            received = clock.instant();
        }
        Duration left = config.recordTtl().minus(Duration.between(received, clock.instant()));
        if (left.isNegative() || left.isZero()) {
            return 0;
        }
        return left.compareTo(Duration.ofDays(365 * 100)) > 0 ? Long.MAX_VALUE : left.toNanos();
    }
}
