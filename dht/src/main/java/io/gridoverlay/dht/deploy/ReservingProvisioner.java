package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.SignedDeployment;
import java.util.concurrent.CompletableFuture;

/**
 * The default {@link Provisioner}: reserves exactly the demand in the node's ledger and reports every
 * workload {@link Acceptance.State#OK} with the message {@code "reserved"}; it runs nothing. It refuses
 * when the demand exceeds the free capacity (the service checks that first too). Stateless, thread-safe.
 */
public final class ReservingProvisioner implements Provisioner {

    @Override
    public CompletableFuture<Result> provision(Request request) {
        if (!request.free().covers(request.demand())) {
            return CompletableFuture.completedFuture(Result.refused("insufficient capacity"));
        }
        return CompletableFuture.completedFuture(Result.accepted(request.demand(),
                request.deployment().deployment().workloads().stream()
                        .map(w -> new Acceptance.WorkloadResult(w.name(), Acceptance.State.OK, "reserved")).toList()));
    }

    @Override
    public CompletableFuture<Void> release(SignedDeployment deployment) {
        return CompletableFuture.completedFuture(null);
    }
}
