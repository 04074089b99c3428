package io.gridoverlay.core.record;

import java.time.Instant;
import java.util.List;

/** End-to-end verification of a chain of deployment versions. Stateless. */
public final class DeploymentHistory {
    private DeploymentHistory() {}

    /**
     * Verifies {@code versions} in order: the first must be valid on its own (and version 0 when
     * {@code fromGenesis}), each next one must be a valid successor of the one before (version + 1,
     * previous digest matching, same owner and node, workload types kept).
     *
     * <p>Expiry is checked only for the last version: superseded versions are history, not live records.
     *
     * @return the last version when the whole chain holds
     */
    public static Verification<SignedDeployment> verifyChain(List<SignedDeployment> versions, boolean fromGenesis,
                                                            Instant now) {
        if (versions.isEmpty()) {
            return Verification.invalid("empty deployment history");
        }
        SignedDeployment first = versions.get(0);
        if (fromGenesis && first.deployment().version() != 0) {
            return Verification.invalid("deployment history starts at v" + first.deployment().version() + ", not v0");
        }
        Instant farPast = first.deployment().createdAt();
        Verification<SignedDeployment> v = first.verify(versions.size() == 1 ? now : farPast);
        if (!v.isValid()) {
            return v;
        }
        for (int i = 1; i < versions.size(); i++) {
            SignedDeployment cur = versions.get(i);
            Instant at = i == versions.size() - 1 ? now : cur.deployment().createdAt();
            v = cur.verifySuccessorOf(versions.get(i - 1), at);
            if (!v.isValid()) {
                return v;
            }
        }
        return v;
    }
}
