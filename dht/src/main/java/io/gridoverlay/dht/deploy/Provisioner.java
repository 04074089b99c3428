package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.SignedDeployment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs accepted work on the node: the {@link DeploymentService} calls it once a version verified and fits
 * the node's free capacity, and signs the outcome. The default {@link ReservingProvisioner} only reserves.
 *
 * <p>Implementations must be thread-safe and must not block the calling thread: long work completes the
 * future later. The service rejects when the future fails or takes longer than
 * {@link DeploymentConfig#provisionTimeout()}. Calls for one deployment never overlap.
 */
public interface Provisioner {

    /**
     * One version to provision.
     *
     * @param deployment the verified version
     * @param previous the version it replaces, if it is an update
     * @param demand what it needs ({@link ResourceDemand})
     * @param free the node's free capacity, the previous version's reservation counted as free
     */
    record Request(SignedDeployment deployment, Optional<SignedDeployment> previous, Resources demand, Resources free) {
        public Request {
            Objects.requireNonNull(deployment, "deployment");
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(demand, "demand");
            Objects.requireNonNull(free, "free");
        }
    }

    /**
     * The outcome: accepted with the capacity reserved in the node's ledger and each workload's state, or
     * refused with a reason.
     */
    record Result(boolean accepted, Resources reserved, List<Acceptance.WorkloadResult> workloads, String reason) {
        public Result {
            Objects.requireNonNull(reserved, "reserved");
            workloads = List.copyOf(workloads);
            Objects.requireNonNull(reason, "reason");
        }

        public static Result accepted(Resources reserved, List<Acceptance.WorkloadResult> workloads) {
            return new Result(true, reserved, workloads, "");
        }

        public static Result refused(String reason) {
            return new Result(false, Resources.NONE, List.of(), reason);
        }
    }

    /** Provisions {@code request}'s version (replacing the previous one, for an update). */
    CompletableFuture<Result> provision(Request request);

    /** Stops everything of {@code deployment} (deleted or expired); its reservation is freed by the service. */
    CompletableFuture<Void> release(SignedDeployment deployment);
}
