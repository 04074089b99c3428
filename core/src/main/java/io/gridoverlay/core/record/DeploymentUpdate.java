package io.gridoverlay.core.record;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Produces version n + 1 of a deployment from version n: same id, owner, node and requirement, the next
 * version number and n's digest as the previous digest, no signatures. Workloads that the caller changes
 * are stamped with the new version; the others keep theirs.
 *
 * <pre>{@code
 * Deployment v1 = DeploymentUpdate.from(v0)
 *         .putWorkload("vm1", "zmachine", newConfig, "bigger VM")
 *         .build();
 * SignedDeployment signed = SignedDeployment.of(v1).sign(ownerKey).sign(coSignerKey);
 * }</pre>
 */
public final class DeploymentUpdate {
    private DeploymentUpdate() {}

    /** A builder for the successor of {@code previous}, pre-filled with its content. */
    public static Deployment.Builder from(SignedDeployment previous) {
        Deployment p = previous.deployment();
        long next = p.version() + 1;
        Deployment.Builder b = Deployment.builder(p.deploymentId(), p.owner(), p.nodeId())
                .version(next, previous.digest())
                .contractRef(p.contractRef())
                .metadata(p.metadata())
                .description(p.description())
                .createdAt(Instant.now())
                .expiresAt(p.expiresAt())
                .requirement(p.requirement());
        for (Workload w : p.workloads()) {
            b.addWorkload(w);
        }
        return b;
    }

    /** The names of workloads that differ between two versions (added, removed or changed). */
    public static List<String> changedWorkloads(Deployment before, Deployment after) {
        Map<String, Workload> old = before.workloads().stream()
                .collect(Collectors.toMap(Workload::name, Function.identity()));
        Map<String, Workload> now = after.workloads().stream()
                .collect(Collectors.toMap(Workload::name, Function.identity()));
        java.util.TreeSet<String> names = new java.util.TreeSet<>(old.keySet());
        names.addAll(now.keySet());
        return names.stream()
                .filter(n -> !old.containsKey(n) || !now.containsKey(n) || !old.get(n).sameContentAs(now.get(n)))
                .toList();
    }
}
