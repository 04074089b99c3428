package io.gridoverlay.dht.capacity;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A capacity file that cannot be used: unreadable, not valid TOML or YAML, an unknown key, a value of the
 * wrong type or out of range, or values that contradict each other (more free than total). The message
 * names the file and, where there is one, the key (e.g. {@code gpus[0].memory}).
 */
public final class CapacityFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String key;

    /**
     * @param file    the capacity file
     * @param key     the key at fault, dotted with list indexes ({@code free.cores}, {@code gpus[1].count}),
     *                or null when the fault is the file as a whole
     * @param problem what is wrong
     * @param cause   the underlying failure, or null
     */
    public CapacityFileException(Path file, String key, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + (key == null ? "" : "key '" + key + "': ") + problem, cause);
        this.file = file;
        this.key = key;
    }

    /** The capacity file. */
    public Path file() {
        return file;
    }

    /** The key at fault, if the fault is one key's. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
