package io.gridoverlay.dht.protocol;

import java.util.Objects;

/** A Kad request the server refuses; {@link #reason()} says why, the message names the input. */
public class KadRequestRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The closed set of reasons a request is refused. */
    public enum Reason {
        /** The store refused the record (invalid, stale, too large, unknown namespace). */
        RECORD_REFUSED,
        /** The key already has as many providers as it keeps; the ones held stay until they expire. */
        PROVIDERS_FULL,
        /** The sending peer has stored as much as its quota allows ({@link StoreQuotaConfig}). */
        PEER_QUOTA_EXCEEDED,
        /** The peers of the sender's IP group have stored as much as their quota allows. */
        IP_GROUP_QUOTA_EXCEEDED,
        /** Any other refusal of a request handler. */
        REFUSED
    }

    private final Reason reason;

    public KadRequestRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public KadRequestRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** A refusal of reason {@link Reason#REFUSED}. */
    public KadRequestRejectedException(String message) {
        this(Reason.REFUSED, message);
    }

    /** A refusal of reason {@link Reason#REFUSED}. */
    public KadRequestRejectedException(String message, Throwable cause) {
        this(Reason.REFUSED, message, cause);
    }

    public Reason reason() {
        return reason;
    }
}
