package io.gridoverlay.core.record;

/**
 * Two validly signed deployment records with the same id and version but different digests. Carries the
 * {@link EquivocationProof} that anyone can check.
 */
public class EquivocationException extends InvalidRecordException {
    private static final long serialVersionUID = 1L;

    private final transient EquivocationProof proof;

    public EquivocationException(String message, EquivocationProof proof) {
        super(message);
        this.proof = proof;
    }

    public EquivocationProof proof() {
        return proof;
    }
}
