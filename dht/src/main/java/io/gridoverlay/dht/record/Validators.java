package io.gridoverlay.dht.record;

import io.gridoverlay.core.record.CapacityRecordValidator;
import io.gridoverlay.core.record.DeploymentRecordValidator;
import io.gridoverlay.core.record.RecordValidator;
import io.gridoverlay.core.record.Verification;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The record validators of a node, by namespace: a key {@code /<ns>/<rest>} is validated by the validator
 * of {@code ns}; a key without a registered namespace is invalid (as go-libp2p-record's
 * {@code NamespacedValidator}). Immutable and thread-safe; lookups are O(namespace length).
 */
public final class Validators {
    private final Map<String, RecordValidator> byNamespace;

    private Validators(Map<String, RecordValidator> byNamespace) {
        this.byNamespace = Map.copyOf(byNamespace);
    }

    /** {@code /pk/}, the grid capacity ({@code /grid-cap/}) and deployment ({@code /grid-dep/}) validators. */
    public static Validators defaults() {
        return builder().add(new PublicKeyValidator()).add(new CapacityRecordValidator())
                .add(new DeploymentRecordValidator()).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The validator owning {@code key}'s namespace. */
    public Optional<RecordValidator> forKey(byte[] key) {
        return Optional.ofNullable(byNamespace.get(RecordValidator.namespaceOf(key)));
    }

    /** The registered namespaces. */
    public Set<String> namespaces() {
        return byNamespace.keySet();
    }

    /** Validates {@code value} under {@code key}; invalid when no validator owns the namespace. */
    public Verification<?> validate(byte[] key, byte[] value, Instant now) {
        RecordValidator v = byNamespace.get(RecordValidator.namespaceOf(key));
        if (v == null) {
            return Verification.invalid(unknown(key));
        }
        return v.validate(key, value, now);
    }

    /** Whether {@code replacement} may replace {@code current} under {@code key}. */
    public Verification<?> validateReplacement(byte[] key, byte[] current, byte[] replacement, Instant now) {
        RecordValidator v = byNamespace.get(RecordValidator.namespaceOf(key));
        if (v == null) {
            return Verification.invalid(unknown(key));
        }
        return v.validateReplacement(key, current, replacement, now);
    }

    /**
     * The index of the best of {@code values} under {@code key} (for a lookup that collected several).
     *
     * @throws IllegalArgumentException if no validator owns the namespace or {@code values} is empty
     * @throws io.gridoverlay.core.record.EquivocationException if the validator finds a conflict
     */
    public int select(byte[] key, List<byte[]> values, Instant now) {
        RecordValidator v = byNamespace.get(RecordValidator.namespaceOf(key));
        if (v == null) {
            throw new IllegalArgumentException(unknown(key));
        }
        return v.select(key, values, now);
    }

    private static String unknown(byte[] key) {
        return "no validator for the namespace of key " + RecordValidator.keyText(key);
    }

    /** Builder of {@link Validators}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, RecordValidator> map = new HashMap<>();

        private Builder() {
        }

        /** Registers {@code validator} for its namespace. @throws IllegalArgumentException if taken or invalid */
        public Builder add(RecordValidator validator) {
            String ns = validator.namespace();
            if (ns.isEmpty() || ns.indexOf('/') >= 0) {
                throw new IllegalArgumentException("invalid namespace '" + ns + "'");
            }
            if (map.putIfAbsent(ns, validator) != null) {
                throw new IllegalArgumentException("namespace '" + ns + "' already has a validator");
            }
            return this;
        }

        public Validators build() {
            return new Validators(map);
        }
    }
}
