package io.gridoverlay.dht.record;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a {@link RecordStore}. Immutable; build with {@link #builder()}.
 *
 * @param maxRecords     most records kept
 * @param maxBytes       most key + value bytes kept in total
 * @param maxRecordBytes largest key + value accepted for one record
 * @param recordTtl      how long a record is kept after it was received (go-libp2p-kad-dht: 36 h)
 * @param clock          the time source of expiry, validation and {@code timeReceived}
 * @param persistence    where records are written through
 */
public record RecordStoreConfig(int maxRecords, long maxBytes, int maxRecordBytes, Duration recordTtl, Clock clock,
                                Persistence persistence) {
    // sized for a node run with -Xmx256m (docs/memory-budget.md): 16 MiB of key + value bytes, plus ~200 B of
    // object overhead per record; a larger node raises them
    public static final int DEFAULT_MAX_RECORDS = 20_000;
    public static final long DEFAULT_MAX_BYTES = 16L << 20;
    public static final int DEFAULT_MAX_RECORD_BYTES = 512 * 1024 + 1024;
    public static final Duration DEFAULT_RECORD_TTL = Duration.ofHours(36);

    public RecordStoreConfig {
        if (maxRecords <= 0 || maxBytes <= 0 || maxRecordBytes <= 0) {
            throw new IllegalArgumentException("maxRecords, maxBytes and maxRecordBytes must be positive");
        }
        if (maxRecordBytes > maxBytes) {
            throw new IllegalArgumentException("maxRecordBytes " + maxRecordBytes + " exceeds maxBytes " + maxBytes);
        }
        if (recordTtl.isNegative() || recordTtl.isZero()) {
            throw new IllegalArgumentException("recordTtl must be positive, got " + recordTtl);
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(persistence, "persistence");
    }

    public static RecordStoreConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link RecordStoreConfig}; starts from the defaults (system UTC clock, in-memory persistence). */
    public static final class Builder {
        private int maxRecords = DEFAULT_MAX_RECORDS;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private Duration recordTtl = DEFAULT_RECORD_TTL;
        private Clock clock = Clock.systemUTC();
        private Persistence persistence;

        private Builder() {
        }

        public Builder maxRecords(int v) {
            this.maxRecords = v;
            return this;
        }

        public Builder maxBytes(long v) {
            this.maxBytes = v;
            return this;
        }

        public Builder maxRecordBytes(int v) {
            this.maxRecordBytes = v;
            return this;
        }

        public Builder recordTtl(Duration v) {
            this.recordTtl = v;
            return this;
        }

        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        public Builder persistence(Persistence v) {
            this.persistence = v;
            return this;
        }

        public RecordStoreConfig build() {
            return new RecordStoreConfig(maxRecords, maxBytes, maxRecordBytes, recordTtl, clock,
                    persistence != null ? persistence : Persistence.inMemory());
        }
    }
}
