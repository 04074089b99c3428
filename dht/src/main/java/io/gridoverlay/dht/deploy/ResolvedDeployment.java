package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.EquivocationProof;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link DeploymentStore#resolve} verified: the latest version with its history and the node's
 * acceptance, or the proof that the owner equivocated (then no version is picked). Immutable.
 */
public sealed interface ResolvedDeployment {

    /**
     * A verified chain.
     *
     * @param history the versions held, oldest first, each a valid successor of the one before; the last is
     *                {@link #latest()}
     * @param acceptance the target node's acceptance of the latest version, if the storer had one
     */
    record Latest(List<SignedDeployment> history, Optional<SignedRecord<Acceptance>> acceptance)
            implements ResolvedDeployment {
        public Latest {
            history = List.copyOf(history);
            if (history.isEmpty()) {
                throw new IllegalArgumentException("empty history");
            }
            Objects.requireNonNull(acceptance, "acceptance");
        }

        public SignedDeployment latest() {
            return history.get(history.size() - 1);
        }
    }

    /** Two owner-signed versions with one number and different digests: the deployment cannot be trusted. */
    record Equivocated(EquivocationProof proof) implements ResolvedDeployment {
        public Equivocated {
            Objects.requireNonNull(proof, "proof");
        }
    }
}
