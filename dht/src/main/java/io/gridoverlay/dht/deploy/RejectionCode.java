package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.record.Acceptance;
import java.util.Optional;

/**
 * Why a node refused a request. A signed rejection carries it as the prefix of
 * {@link Acceptance#reason()} ({@code "INSUFFICIENT_CAPACITY: needs 4 cores, 2 free"}); an answer the node
 * could not sign (the request did not decode, a limit) carries it in an error message.
 */
public enum RejectionCode {
    /** The request did not decode (unsigned answer). */
    MALFORMED,
    /** A signature is invalid, or the version's own signature requirement is not met. */
    INVALID_SIGNATURES,
    /** An update whose signatures do not satisfy the requirement of the version it replaces. */
    REQUIREMENT_NOT_MET,
    /** The version does not chain to the one the node holds: version gap, previous digest mismatch. */
    BAD_CHAIN,
    /** A version older than (or equal to) the one the node holds, or of a deleted deployment: a replay. */
    STALE_VERSION,
    /** Another version with the same number and a different digest is held. */
    EQUIVOCATION,
    /** The deployment names another node. */
    WRONG_NODE,
    /** The version expired. */
    EXPIRED,
    /** The node's free capacity does not cover the deployment. */
    INSUFFICIENT_CAPACITY,
    /** The provisioner refused or failed. */
    PROVISIONER_REFUSED,
    /** A delete of a deployment or version the node does not hold. */
    UNKNOWN_DEPLOYMENT,
    /** A delete not signed by the owner. */
    NOT_OWNER,
    /** A limit of the node stopped the request; retry later (unsigned answer). */
    BUSY,
    /** The peer does not serve this kind of request (unsigned answer). */
    NOT_SERVED,
    /** The node failed internally, e.g. its ledger could not be written; nothing was accepted (unsigned answer). */
    INTERNAL;

    /** The reason string of a signed rejection: {@code "<CODE>: <detail>"}. */
    String reason(String detail) {
        return name() + ": " + detail;
    }

    /** The code of a rejected acceptance, if its reason starts with one. */
    public static Optional<RejectionCode> of(Acceptance acceptance) {
        if (acceptance.accepted()) {
            return Optional.empty();
        }
        String r = acceptance.reason();
        int colon = r.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(r.substring(0, colon)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
