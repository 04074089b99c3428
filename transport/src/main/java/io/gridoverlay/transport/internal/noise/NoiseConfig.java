package io.gridoverlay.transport.internal.noise;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable configuration of the libp2p Noise handshake for one host: the identity, the verifier of
 * remote identities, the static key, the stream muxers advertised in the handshake extensions and the
 * handshake timeout. Build with {@link #builder()}. Thread-safe; shared by all connections of a host.
 */
public final class NoiseConfig {
    /** Default time allowed for the whole handshake. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final NoiseIdentity identity;
    private final NoiseIdentityVerifier verifier;
    private final NoiseStaticKey staticKey;
    private final List<String> streamMuxers;
    private final Duration handshakeTimeout;
    private final SecureRandom random;

    private NoiseConfig(Builder b) {
        this.identity = Objects.requireNonNull(b.identity, "identity");
        this.verifier = Objects.requireNonNull(b.verifier, "verifier");
        this.random = b.random != null ? b.random : new SecureRandom();
        this.staticKey = b.staticKey != null ? b.staticKey : NoiseStaticKey.generate(random);
        this.streamMuxers = List.copyOf(b.streamMuxers);
        this.handshakeTimeout = b.handshakeTimeout;
    }

    /** A new builder; identity and verifier are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The local identity that signs the static key. */
    public NoiseIdentity identity() {
        return identity;
    }

    /** The verifier of remote identities. */
    public NoiseIdentityVerifier verifier() {
        return verifier;
    }

    /** The static X25519 key used for every handshake of this configuration. */
    public NoiseStaticKey staticKey() {
        return staticKey;
    }

    /** Muxers advertised in the handshake extensions (may be empty). */
    public List<String> streamMuxers() {
        return streamMuxers;
    }

    /** Time allowed for the whole handshake. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** Source of ephemeral keys. */
    public SecureRandom random() {
        return random;
    }

    /** Builder of {@link NoiseConfig}; not thread-safe. */
    public static final class Builder {
        private NoiseIdentity identity;
        private NoiseIdentityVerifier verifier;
        private NoiseStaticKey staticKey;
        private List<String> streamMuxers = List.of();
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private SecureRandom random;

        private Builder() {}

        /** The local identity (required). */
        public Builder identity(NoiseIdentity identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /** The remote identity verifier (required). */
        public Builder verifier(NoiseIdentityVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** A fixed static key; by default one is generated when the config is built. */
        public Builder staticKey(NoiseStaticKey staticKey) {
            this.staticKey = Objects.requireNonNull(staticKey, "staticKey");
            return this;
        }

        /** Muxer protocol ids to advertise, in order of preference. */
        public Builder streamMuxers(List<String> streamMuxers) {
            this.streamMuxers = List.copyOf(streamMuxers);
            return this;
        }

        /** Time allowed for the whole handshake; must be positive. */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshake timeout must be positive, got " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /** Source of ephemeral (and generated static) keys; default a new {@link SecureRandom}. */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Builds the configuration. */
        public NoiseConfig build() {
            return new NoiseConfig(this);
        }
    }
}
