package io.gridoverlay.dht.record;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a {@link ProviderStore}. Immutable; build with {@link #builder()}.
 *
 * @param maxProvidersPerKey most providers kept per key (newcomers are refused while it is full)
 * @param maxProviders       most provider entries kept over all keys
 * @param providerTtl        how long a provider entry lives after it was added (go-libp2p-kad-dht: 48 h)
 * @param clock              the time source
 */
public record ProviderStoreConfig(int maxProvidersPerKey, int maxProviders, Duration providerTtl, Clock clock) {
    public static final int DEFAULT_MAX_PROVIDERS_PER_KEY = 100;
    // sized for a node run with -Xmx256m (docs/memory-budget.md): ≤ ~0.5 KiB of heap per entry
    public static final int DEFAULT_MAX_PROVIDERS = 20_000;
    public static final Duration DEFAULT_PROVIDER_TTL = Duration.ofHours(48);

    public ProviderStoreConfig {
        if (maxProvidersPerKey <= 0 || maxProviders <= 0) {
            throw new IllegalArgumentException("maxProvidersPerKey and maxProviders must be positive");
        }
        if (maxProvidersPerKey > maxProviders) {
            throw new IllegalArgumentException("maxProvidersPerKey " + maxProvidersPerKey + " exceeds maxProviders "
                    + maxProviders);
        }
        if (providerTtl.isNegative() || providerTtl.isZero()) {
            throw new IllegalArgumentException("providerTtl must be positive, got " + providerTtl);
        }
        Objects.requireNonNull(clock, "clock");
    }

    public static ProviderStoreConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link ProviderStoreConfig}; starts from the defaults (system UTC clock). */
    public static final class Builder {
        private int maxProvidersPerKey = DEFAULT_MAX_PROVIDERS_PER_KEY;
        private int maxProviders = DEFAULT_MAX_PROVIDERS;
        private Duration providerTtl = DEFAULT_PROVIDER_TTL;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder maxProvidersPerKey(int v) {
            this.maxProvidersPerKey = v;
            return this;
        }

        public Builder maxProviders(int v) {
            this.maxProviders = v;
            return this;
        }

        public Builder providerTtl(Duration v) {
            this.providerTtl = v;
            return this;
        }

        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        public ProviderStoreConfig build() {
            return new ProviderStoreConfig(maxProvidersPerKey, maxProviders, providerTtl, clock);
        }
    }
}
