package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import java.util.concurrent.CompletableFuture;

/**
 * Where a node publishes what it accepted (GridNode: the DHT, under
 * {@link io.gridoverlay.core.record.DeploymentRecordValidator#keyFor}). Called after the acceptance is in
 * the ledger and answered, and again for every held deployment when the service starts. Must be
 * thread-safe and must not block; a failed publication is logged and retried at the next start.
 */
@FunctionalInterface
public interface DeploymentPublisher {
    CompletableFuture<?> publish(SignedDeployment deployment, SignedRecord<Acceptance> acceptance);

    /** Publishes nothing. */
    static DeploymentPublisher none() {
        return (d, a) -> CompletableFuture.completedFuture(null);
    }
}
