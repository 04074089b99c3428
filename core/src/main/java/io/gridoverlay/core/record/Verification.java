package io.gridoverlay.core.record;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of verifying a record: {@link Valid} with the verified value, or {@link Invalid} with the
 * reason. Verification never throws for bad input; it says why the input is not acceptable.
 *
 * @param <T> the verified value
 */
public sealed interface Verification<T> {

    /** The record passed every rule. */
    record Valid<T>(T value) implements Verification<T> {
        public Valid {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The record failed a rule; {@code reason} names the rule and the offending input. */
    record Invalid<T>(String reason) implements Verification<T> {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static <T> Verification<T> valid(T value) {
        return new Valid<>(value);
    }

    static <T> Verification<T> invalid(String reason) {
        return new Invalid<>(reason);
    }

    /** Whether this is {@link Valid}. */
    default boolean isValid() {
        return this instanceof Valid;
    }

    /** The verified value. @throws InvalidRecordException with the reason if invalid */
    default T orElseThrow() {
        if (this instanceof Valid<T> v) {
            return v.value();
        }
        throw new InvalidRecordException(((Invalid<T>) this).reason());
    }

    /** Maps the verified value, keeping an invalid result as it is. */
    default <R> Verification<R> map(Function<? super T, ? extends R> f) {
        if (this instanceof Valid<T> v) {
            return new Valid<>(f.apply(v.value()));
        }
        return new Invalid<>(((Invalid<T>) this).reason());
    }
}
