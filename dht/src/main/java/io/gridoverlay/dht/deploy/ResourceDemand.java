package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.Workload;

/**
 * What a deployment needs from the node: the capacity the node checks and reserves. Implementations must
 * be pure and thread-safe; an invalid declaration throws {@link IllegalArgumentException} with the reason,
 * which the node returns as a rejection.
 */
@FunctionalInterface
public interface ResourceDemand {
    Resources of(Deployment deployment);

    /**
     * The default: each workload declares its needs in its metadata as {@code key=value} pairs separated by
     * {@code ;} or whitespace, keys {@code cores}, {@code memory}, {@code ssd}, {@code hdd} (bytes; other
     * keys ignored, absent keys zero); the deployment needs the sum. {@code "cores=2;memory=4294967296"}.
     */
    static ResourceDemand fromWorkloadMetadata() {
        return deployment -> {
            long cores = 0;
            long memory = 0;
            long ssd = 0;
            long hdd = 0;
            for (Workload w : deployment.workloads()) {
                for (String pair : w.metadata().split("[;\\s]+")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        continue;
                    }
                    String key = pair.substring(0, eq);
                    if (!key.equals("cores") && !key.equals("memory") && !key.equals("ssd") && !key.equals("hdd")) {
                        continue;
                    }
                    long v;
                    try {
                        v = Long.parseLong(pair.substring(eq + 1));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("workload '" + w.name() + "': " + key
                                + " is not a number: " + pair.substring(eq + 1));
                    }
                    if (v < 0) {
                        throw new IllegalArgumentException("workload '" + w.name() + "': negative " + key);
                    }
                    switch (key) {
                        case "cores" -> cores = Math.addExact(cores, v);
                        case "memory" -> memory = Math.addExact(memory, v);
                        case "ssd" -> ssd = Math.addExact(ssd, v);
                        default -> hdd = Math.addExact(hdd, v);
                    }
                }
            }
            if (cores > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("more than " + Integer.MAX_VALUE + " cores");
            }
            return new Resources((int) cores, memory, ssd, hdd);
        };
    }
}
