package io.gridoverlay.dht.deploy;

/**
 * A deployment request got no usable answer: the peer is unreachable, did not answer in time, answered
 * something that does not decode or does not verify, or refused without a signed answer. A signed
 * rejection is not an exception: it is an {@link io.gridoverlay.core.record.Acceptance} with
 * {@code accepted() == false}.
 */
public class DeploymentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The failure kind; each says what the caller can do. */
    public enum Kind {
        /** No connection or no stream of the protocol could be opened: the peer is down or does not serve it. */
        UNREACHABLE,
        /** No answer within the request timeout. */
        TIMEOUT,
        /** The answer does not decode, or is not the kind of answer the request expects. */
        PROTOCOL,
        /** The answer decodes but its signature or content does not verify (forged, or for another version). */
        INVALID_ANSWER,
        /** The peer answered with an unsigned refusal (limit, not served, internal failure): see {@link #code()}. */
        REFUSED,
        /** This side's own limit or state stopped the request before it was sent. */
        LOCAL
    }

    private final Kind kind;
    private final transient RejectionCode code;

    public DeploymentException(Kind kind, String message) {
        this(kind, null, message, null);
    }

    public DeploymentException(Kind kind, String message, Throwable cause) {
        this(kind, null, message, cause);
    }

    public DeploymentException(Kind kind, RejectionCode code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** The peer's code for {@link Kind#REFUSED}, else null. */
    public RejectionCode code() {
        return code;
    }
}
