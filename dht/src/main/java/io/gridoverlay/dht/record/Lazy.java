package io.gridoverlay.dht.record;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value created by its factory on the first {@link #get()} (double-checked, thread-safe), for state that
 * most instances never need: the stores create their Caffeine cache only on the first write, since an
 * empty cache with expiry costs ≈ 6 KB and a 100k-node simulation holds 200,000 stores.
 */
final class Lazy<T> {
    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** The value, created now if it was not yet. */
    T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = Objects.requireNonNull(factory.get(), "factory returned null");
                    value = v;
                }
            }
        }
        return v;
    }

    /** The value if {@link #get()} created it already, else {@code null} (nothing was ever stored). */
    T ifCreated() {
        return value;
    }
}
