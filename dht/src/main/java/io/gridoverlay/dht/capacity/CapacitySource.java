package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where a node's capacity comes from: a record given in code ({@link #fixed}), a TOML or YAML file an
 * operator writes ({@link #file}), or the machine itself ({@link #detected}). A source produces the
 * unsigned {@link CapacityRecord} that {@link CapacityPublisher#publish} signs and advertises.
 *
 * <p>{@link #file} needs {@code jackson-dataformat-toml} and {@code jackson-dataformat-yaml} on the class
 * path and {@link #detected} needs {@code oshi-core-java11}; both are optional dependencies of this module,
 * so a library user who passes a fixed record needs neither.
 */
@FunctionalInterface
public interface CapacitySource {

    /**
     * The capacity of {@code node} now: an unsigned record naming {@code node}, issued now with seq 0 and
     * an expiry one hour later (the publisher replaces seq and times), listing the first
     * {@link CapacityRecord#MAX_LIST_LENGTH} of {@code listenAddrs}.
     */
    CapacityRecord read(PeerId node, List<Multiaddr> listenAddrs);

    /** Always the capacity of {@code template} (its node id, seq, times and addresses are replaced). */
    static CapacitySource fixed(CapacityRecord template) {
        CapacitySpec spec = CapacitySpec.of(Objects.requireNonNull(template, "template"));
        return (node, addrs) -> spec.toRecord(node, addrs, Instant.now());
    }

    /**
     * The capacity written in {@code file}: TOML for {@code .toml}, YAML for {@code .yaml}/{@code .yml}.
     * The file is read and checked now, completely: keys mirror {@link CapacityRecord} ({@code cores},
     * {@code memory}, {@code ssd}, {@code hdd}, {@code free.*}, {@code gpus[]}, {@code country}, {@code city},
     * {@code latitude}, {@code longitude}, {@code farm}, {@code certification}, {@code price},
     * {@code public_ipv4}, {@code public_ipv6}). Sizes are bytes or text such as {@code "64GiB"} ({@link
     * ByteSize}); {@code free.*} default to the totals and a GPU's {@code free} to its {@code count}; prices
     * are decimal amounts of {@code price.currency} (a bare number is the price of a core-hour), kept in
     * micro-units; {@code cores} and {@code memory} are required. Unknown keys, duplicate keys, values of the
     * wrong type or range, and free amounts above the totals are refused.
     *
     * @throws CapacityFileException naming the file and the key at fault, for an unreadable file, a syntax
     *                               error, an unknown key or a bad value
     * @throws IllegalStateException if the Jackson data formats are not on the class path
     */
    static CapacitySource file(Path file) {
        CapacitySpec spec;
        try {
            spec = CapacityFile.read(file);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("reading capacity files needs com.fasterxml.jackson.dataformat:"
                    + "jackson-dataformat-toml and jackson-dataformat-yaml on the class path", e);
        }
        return (node, addrs) -> spec.toRecord(node, addrs, Instant.now());
    }

    /**
     * The capacity of the machine this runs on, detected anew at each {@link #read} with OSHI: logical
     * cores, physical and available memory, disks (SSD or HDD where the system tells, else SSD; free = usable
     * space of their mounted file systems), and GPUs of known compute vendors where the system lists them.
     * Location, farm, price and certification are left unknown: write a {@linkplain #file file} to state them.
     *
     * @throws IllegalStateException if OSHI is not on the class path
     */
    static CapacitySource detected() {
        try {
            return DetectedCapacity.create();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("detecting capacity needs com.github.oshi:oshi-core-java11 on the class path", e);
        }
    }
}
