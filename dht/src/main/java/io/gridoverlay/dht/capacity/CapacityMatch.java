package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.SignedRecord;
import java.time.Duration;

/**
 * One node that matched a {@link CapacityQuery}: its signed record as verified by the querier, the distance
 * to the query's point (NaN without one), and the record's age when the query ran.
 */
public record CapacityMatch(SignedRecord<CapacityRecord> signed, double distanceKm, Duration age) {
    /** The verified record. */
    public CapacityRecord record() {
        return signed.record();
    }
}
