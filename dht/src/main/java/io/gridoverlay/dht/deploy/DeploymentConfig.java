package io.gridoverlay.dht.deploy;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of the deployment protocol, on both sides. Every resource a remote peer can make a
 * node hold is bounded here: message size ({@code maxMessageLength}, checked before allocation), requests
 * in progress per peer and in total, co-sign requests pending, and how long an inbound stream may stay
 * silent. Immutable.
 *
 * @param maxMessageLength largest message accepted, at most {@link #MAX_MESSAGE_LENGTH}
 * @param maxConcurrentRequestsPerPeer submissions, deletes and co-sign requests in progress from one peer
 * @param maxConcurrentRequests the same over all peers
 * @param maxPendingCosignRequests co-sign requests waiting for the {@link CosignPolicy}
 * @param requestTimeout client side: how long a request may wait for its answer (connecting included)
 * @param inboundIdleTimeout server side: an inbound stream that sends no complete request within it is reset
 * @param provisionTimeout how long the {@link Provisioner} may take before the node rejects
 * @param expirySweepInterval how often the node frees the capacity of expired deployments
 */
public record DeploymentConfig(int maxMessageLength, int maxConcurrentRequestsPerPeer, int maxConcurrentRequests,
                               int maxPendingCosignRequests, Duration requestTimeout, Duration inboundIdleTimeout,
                               Duration provisionTimeout, Duration expirySweepInterval) {
    /** The protocol id. */
    public static final String PROTOCOL = "/grid/deploy/1.0.0";
    /** The largest message the protocol allows: a largest deployment envelope plus framing. */
    public static final int MAX_MESSAGE_LENGTH = DeployCodec.MAX_MESSAGE_LENGTH;

    public DeploymentConfig {
        if (maxMessageLength < 1024 || maxMessageLength > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("maxMessageLength must be in 1024.." + MAX_MESSAGE_LENGTH);
        }
        if (maxConcurrentRequestsPerPeer < 1 || maxConcurrentRequests < maxConcurrentRequestsPerPeer
                || maxPendingCosignRequests < 1) {
            throw new IllegalArgumentException("request limits must be positive, the total at least the per-peer one");
        }
        for (Duration d : new Duration[] {requestTimeout, inboundIdleTimeout, provisionTimeout, expirySweepInterval}) {
            if (Objects.requireNonNull(d, "durations").isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts and intervals must be positive");
            }
        }
    }

    /**
     * 4 requests per peer, 64 in all, 16 pending co-sign requests, a 10 s request timeout, inbound streams
     * reset after 10 s of silence, 60 s for the provisioner, expiry sweep every 30 s.
     */
    public static DeploymentConfig defaults() {
        return new DeploymentConfig(MAX_MESSAGE_LENGTH, 4, 64, 16, Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    public DeploymentConfig withRequestTimeout(Duration d) {
        return new DeploymentConfig(maxMessageLength, maxConcurrentRequestsPerPeer, maxConcurrentRequests,
                maxPendingCosignRequests, d, inboundIdleTimeout, provisionTimeout, expirySweepInterval);
    }

    public DeploymentConfig withRequestLimits(int perPeer, int total, int pendingCosign) {
        return new DeploymentConfig(maxMessageLength, perPeer, total, pendingCosign, requestTimeout,
                inboundIdleTimeout, provisionTimeout, expirySweepInterval);
    }

    public DeploymentConfig withExpirySweepInterval(Duration d) {
        return new DeploymentConfig(maxMessageLength, maxConcurrentRequestsPerPeer, maxConcurrentRequests,
                maxPendingCosignRequests, requestTimeout, inboundIdleTimeout, provisionTimeout, d);
    }
}
