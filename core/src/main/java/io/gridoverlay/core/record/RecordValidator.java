package io.gridoverlay.core.record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The rules of one record namespace, applied by every node that stores or returns a record: which values
 * are valid under a key, and which of several valid values wins. Keys have the form
 * {@code /<namespace>/<rest>}. Implementations must be stateless and thread-safe, and never throw for bad
 * input from the network except {@link EquivocationException} from {@link #select}.
 */
public interface RecordValidator {

    /** The namespace this validator owns, without slashes (e.g. {@code "grid-cap"}). */
    String namespace();

    /** Whether {@code value} may be stored under {@code key} at {@code now}. */
    Verification<?> validate(byte[] key, byte[] value, Instant now);

    /**
     * The index of the best of {@code values} (all previously validated for {@code key}).
     *
     * @throws EquivocationException if two values conflict in a way no rule may resolve silently
     * @throws IllegalArgumentException if {@code values} is empty
     */
    int select(byte[] key, List<byte[]> values, Instant now);

    /**
     * Whether {@code replacement} may replace {@code current} in a store: by default it must be valid and be
     * selected over {@code current}.
     */
    default Verification<?> validateReplacement(byte[] key, byte[] current, byte[] replacement, Instant now) {
        Verification<?> v = validate(key, replacement, now);
        if (!v.isValid()) {
            return v;
        }
        try {
            return select(key, List.of(current, replacement), now) == 1
                    ? v : Verification.invalid("record under " + keyText(key) + " is not newer than the stored one");
        } catch (EquivocationException e) {
            return Verification.invalid(e.getMessage());
        }
    }

    /** The namespace of {@code key}, or "" if the key has none. */
    static String namespaceOf(byte[] key) {
        if (key.length < 2 || key[0] != '/') {
            return "";
        }
        for (int i = 1; i < key.length; i++) {
            if (key[i] == '/') {
                return new String(key, 1, i - 1, StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /** The key as text, for messages. */
    static String keyText(byte[] key) {
        String s = new String(key, StandardCharsets.UTF_8);
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
