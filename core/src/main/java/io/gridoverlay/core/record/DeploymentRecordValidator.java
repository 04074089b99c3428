package io.gridoverlay.core.record;

import io.gridoverlay.core.identity.PeerId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Namespace {@code grid-dep}: key {@code /grid-dep/<owner peer id, base58>/<deployment id>}, value a
 * deployment record in an envelope (see {@link SignedDeployment#openEnvelope}). Valid when the record
 * verifies (signatures, requirement, expiry) and matches the key. Highest version wins; two valid records
 * with one version and different digests raise an {@link EquivocationException}; with one digest, the copy
 * carrying more signatures wins. A stored record is replaced only by more signatures on the same version or
 * by the next version, which must chain to it ({@link SignedDeployment#verifySuccessorOf}); a replacement
 * more than one version ahead is refused, since nothing here can check the versions it skips (each one must
 * satisfy the requirement of the one before). Stateless and thread-safe.
 */
public final class DeploymentRecordValidator implements RecordValidator {
    public static final String NAMESPACE = "grid-dep";

    /** The key of deployment {@code deploymentId} of {@code owner}. */
    public static byte[] keyFor(PeerId owner, String deploymentId) {
        return ("/" + NAMESPACE + "/" + owner.toBase58() + "/" + deploymentId).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    @Override
    public Verification<SignedDeployment> validate(byte[] key, byte[] value, Instant now) {
        SignedDeployment d;
        try {
            d = SignedDeployment.openEnvelope(value);
        } catch (InvalidRecordException e) {
            return Verification.invalid(e.getMessage());
        }
        Deployment dep = d.deployment();
        if (!Arrays.equals(key, keyFor(dep.owner().peerId(), dep.deploymentId()))) {
            return Verification.invalid("deployment " + dep.deploymentId() + " stored under foreign key "
                    + RecordValidator.keyText(key));
        }
        return d.verify(now);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Order-independent: every valid value is compared with every other valid value of its version, so
     * an equivocation is raised whatever the order of {@code values} and whichever version it is at.
     * O(n) verifications plus a map of one entry per version.
     */
    @Override
    public int select(byte[] key, List<byte[]> values, Instant now) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to select from");
        }
        int best = -1;
        SignedDeployment bestRecord = null;
        Map<Long, SignedDeployment> firstOfVersion = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            Verification<SignedDeployment> v = validate(key, values.get(i), now);
            if (!(v instanceof Verification.Valid<SignedDeployment> ok)) {
                continue;
            }
            SignedDeployment d = ok.value();
            SignedDeployment same = firstOfVersion.putIfAbsent(d.deployment().version(), d);
            if (same != null && !Arrays.equals(d.digest(), same.digest())) {
                throw new EquivocationException("deployment " + d.deployment().deploymentId() + " v"
                        + d.deployment().version() + " exists with two digests", EquivocationProof.of(same, d));
            }
            if (bestRecord == null || d.deployment().version() > bestRecord.deployment().version()
                    || (d.deployment().version() == bestRecord.deployment().version()
                        && d.signatures().size() > bestRecord.signatures().size())) {
                best = i;
                bestRecord = d;
            }
        }
        return best < 0 ? 0 : best;
    }

    @Override
    public Verification<?> validateReplacement(byte[] key, byte[] current, byte[] replacement, Instant now) {
        Verification<SignedDeployment> next = validate(key, replacement, now);
        if (!(next instanceof Verification.Valid<SignedDeployment> ok)) {
            return next;
        }
        SignedDeployment stored;
        try {
            stored = SignedDeployment.openEnvelope(current);
        } catch (InvalidRecordException e) {
            return next; // what is stored no longer decodes: anything valid replaces it
        }
        SignedDeployment d = ok.value();
        long sv = stored.deployment().version();
        long nv = d.deployment().version();
        if (nv == sv + 1) {
            return d.verifySuccessorOf(stored, now);
        }
        if (nv > sv + 1) {
            // the skipped versions are not held here, so neither the hash chain nor the co-signers they
            // required can be checked: store v(sv + 1) .. v(nv - 1) first, one at a time
            return Verification.invalid("deployment " + d.deployment().deploymentId() + " v" + nv
                    + " skips versions after the stored v" + sv + ": store v" + (sv + 1) + " first");
        }
        if (nv == sv && !Arrays.equals(d.digest(), stored.digest())) {
            return Verification.invalid("deployment " + d.deployment().deploymentId() + " v" + nv
                    + " conflicts with the stored version (equivocation)");
        }
        if (nv < sv || (nv == sv && d.signatures().size() <= stored.signatures().size())) {
            return Verification.invalid("deployment " + d.deployment().deploymentId() + " v" + nv
                    + " is not newer than the stored v" + sv);
        }
        return next;
    }
}
