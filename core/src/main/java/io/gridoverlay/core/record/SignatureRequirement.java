package io.gridoverlay.core.record;

import io.gridoverlay.core.identity.PublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who must sign a deployment: weighted signers, some of them required, and the total weight of valid
 * signatures needed. Satisfied when every required signer signed and the signed weight reaches
 * {@code weightRequired}. Immutable.
 */
public record SignatureRequirement(List<Request> requests, int weightRequired) {
    /** Most signers one deployment may request. */
    public static final int MAX_SIGNERS = 32;

    /** One requested signer. */
    public record Request(PublicKey signer, int weight, boolean required) {
        public Request {
            Objects.requireNonNull(signer, "signer");
            if (weight < 1) {
                throw new IllegalArgumentException("signer weight must be at least 1, got " + weight);
            }
        }
    }

    public SignatureRequirement {
        requests = List.copyOf(requests);
    }

    /** A requirement with a single signer of weight 1, required. */
    public static SignatureRequirement singleSigner(PublicKey signer) {
        return new SignatureRequirement(List.of(new Request(signer, 1, true)), 1);
    }

    /** The request for {@code signer}, if it is listed. */
    public Optional<Request> requestFor(PublicKey signer) {
        for (Request r : requests) {
            if (r.signer().equals(signer)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Sum of all requested weights. */
    public long totalWeight() {
        return requests.stream().mapToLong(Request::weight).sum();
    }

    /**
     * Checks the requirement itself: at least one signer, no signer listed twice, at most
     * {@link #MAX_SIGNERS}, and a weight that the listed signers can reach.
     *
     * @throws InvalidRecordException naming the rule that failed
     */
    public void validate() {
        if (requests.isEmpty()) {
            throw new InvalidRecordException("signature requirement lists no signers");
        }
        if (requests.size() > MAX_SIGNERS) {
            throw new InvalidRecordException("signature requirement lists more than " + MAX_SIGNERS + " signers");
        }
        Set<PublicKey> seen = new HashSet<>();
        for (Request r : requests) {
            if (!seen.add(r.signer())) {
                throw new InvalidRecordException("signature requirement lists signer " + r.signer().peerId()
                        + " twice");
            }
        }
        if (weightRequired < 1) {
            throw new InvalidRecordException("signature requirement weight must be at least 1");
        }
        if (weightRequired > totalWeight()) {
            throw new InvalidRecordException("signature requirement weight " + weightRequired
                    + " exceeds the total weight " + totalWeight() + " of its signers");
        }
    }
}
