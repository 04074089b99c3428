package io.gridoverlay.dht.capacity;

/**
 * The attributes a node registers itself under in the capacity index, each discretised into a small value
 * space so that a query can name the keys that must hold every match. A node has at most one entry per
 * attribute, so at most {@link IndexKeys#MAX_ENTRIES_PER_NODE} in all.
 */
public enum IndexAttribute {
    /** Free cores, in power-of-two bands ({@link IndexKeys#band}). */
    CORES("cores"),
    /** Free memory in GiB, in power-of-two bands. */
    MEMORY("mem"),
    /** Free SSD in GiB, in power-of-two bands. */
    SSD("ssd"),
    /**
     * Memory band (GiB, power of two) of the node's largest free GPU, whatever its vendor; none without a free
     * GPU. Vendor, model and count are filtered exactly on the fetched records.
     */
    GPU("gpu"),
    /** Country code (ISO 3166-1 alpha-2); none when unknown. */
    COUNTRY("country"),
    /** Geohash cell of {@link IndexKeys#GEOHASH_PRECISION} characters (about 156 km); none when unknown. */
    GEO("geo"),
    /** Farm id. */
    FARM("farm"),
    /** Certification CERTIFIED or GOLD; none below. */
    CERTIFIED("cert");

    private final String label;

    IndexAttribute(String label) {
        this.label = label;
    }

    /** The attribute's name inside index keys. */
    public String label() {
        return label;
    }

    /** The attribute named {@code label} in an index key. */
    static IndexAttribute ofLabel(String label) {
        for (IndexAttribute a : values()) {
            if (a.label.equals(label)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown index attribute '" + label + "'");
    }
}
