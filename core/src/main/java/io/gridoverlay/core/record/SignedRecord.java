package io.gridoverlay.core.record;

import java.util.Objects;

/**
 * A verified record together with the envelope it arrived in. The envelope's bytes are the exact bytes
 * that were signed and should be stored and forwarded as they are.
 *
 * @param <T> the record type
 */
public record SignedRecord<T>(T record, Envelope envelope) {
    public SignedRecord {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(envelope, "envelope");
    }

    /** The envelope bytes, as signed. */
    public byte[] toBytes() {
        return envelope.toBytes();
    }
}
