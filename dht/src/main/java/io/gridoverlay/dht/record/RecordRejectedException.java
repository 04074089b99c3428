package io.gridoverlay.dht.record;

import java.util.Objects;

/** A record the store refused to keep; {@link #reason()} says why, the message names the record. */
public class RecordRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The closed set of reasons a PUT is refused. */
    public enum Reason {
        /** No validator owns the key's namespace (or the key has none). */
        UNKNOWN_NAMESPACE,
        /** The namespace's validator refused the value. */
        INVALID,
        /** A stored record wins over this one (not newer, or a conflict the validator will not resolve). */
        NOT_SELECTED,
        /** The record is larger than the store accepts. */
        TOO_LARGE
    }

    private final Reason reason;

    public RecordRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
