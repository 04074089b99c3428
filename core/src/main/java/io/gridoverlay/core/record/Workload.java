package io.gridoverlay.core.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * One unit of a deployment (a VM, a disk, a network, a public IP…): its name is unique within the
 * deployment and its {@code type} may not change across versions. {@code data} is opaque, type-specific
 * configuration. Immutable: {@code data} is copied in and out.
 *
 * @param version the deployment version at which this workload last changed
 */
public record Workload(String name, String type, int version, byte[] data, String description, String metadata) {
    /** Longest name or type, in characters. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Largest opaque data, in bytes. */
    public static final int MAX_DATA_LENGTH = 16 * 1024;

    public Workload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(metadata, "metadata");
        data = data.clone();
    }

    /** A workload with no description or metadata. */
    public static Workload of(String name, String type, int version, byte[] data) {
        return new Workload(name, type, version, data, "", "");
    }

    /** A copy of the opaque data. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    int dataLength() {
        return data.length;
    }

    /** Whether {@code o} has the same content (name, type, data, description, metadata), whatever its {@code version}. */
    public boolean sameContentAs(Workload o) {
        return name.equals(o.name) && type.equals(o.type) && Arrays.equals(data, o.data)
                && description.equals(o.description) && metadata.equals(o.metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Workload w && version == w.version && sameContentAs(w);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, version, Arrays.hashCode(data), description, metadata);
    }

    @Override
    public String toString() {
        return "Workload[" + name + ":" + type + " v" + version + ", " + data.length + " bytes]";
    }
}
