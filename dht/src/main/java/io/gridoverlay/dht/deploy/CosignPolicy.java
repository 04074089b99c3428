package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.record.SignedDeployment;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Decides whether this peer co-signs a deployment version another peer asks it to sign. Called off the
 * event loop; implementations must be thread-safe and may complete later (e.g. after asking a human).
 */
@FunctionalInterface
public interface CosignPolicy {

    /** Sign, or refuse with a reason the requester sees. */
    record Decision(boolean sign, String reason) {
        public Decision {
            Objects.requireNonNull(reason, "reason");
        }

        public static Decision signIt() {
            return new Decision(true, "");
        }

        public static Decision refuse(String reason) {
            return new Decision(false, reason);
        }
    }

    /**
     * Reviews {@code deployment}, sent by {@code from}, which this peer ({@code self}) would sign.
     */
    CompletableFuture<Decision> review(SignedDeployment deployment, PublicKey self, PeerId from);

    /**
     * Signs when {@code self} is listed in the version's requirement, the version has not expired and every
     * signature already on it is valid and by a listed signer (the body was decoded strictly and its schema
     * checked on arrival).
     */
    static CosignPolicy listedSigner(Clock clock) {
        return (d, self, from) -> {
            if (d.deployment().requirement().requestFor(self).isEmpty()) {
                return CompletableFuture.completedFuture(Decision.refuse(self.peerId()
                        + " is not a requested signer of " + d.deployment().deploymentId()));
            }
            if (!clock.instant().isBefore(d.deployment().expiresAt())) {
                return CompletableFuture.completedFuture(Decision.refuse("deployment "
                        + d.deployment().deploymentId() + " v" + d.deployment().version() + " has expired"));
            }
            byte[] digest = d.digest();
            for (SignedDeployment.Signature s : d.signatures()) {
                if (d.deployment().requirement().requestFor(s.signer()).isEmpty()
                        || !s.signer().verify(digest, s.signature())) {
                    return CompletableFuture.completedFuture(Decision.refuse("the signature of "
                            + s.signer().peerId() + " on it does not verify"));
                }
            }
            return CompletableFuture.completedFuture(Decision.signIt());
        };
    }

    /** Refuses every request. */
    static CosignPolicy refuseAll() {
        return (d, self, from) -> CompletableFuture.completedFuture(Decision.refuse("this peer co-signs nothing"));
    }
}
