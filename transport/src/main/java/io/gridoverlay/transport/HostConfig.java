package io.gridoverlay.transport;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.transport.yamux.YamuxConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable configuration of a {@link Host}; build it with {@link Host#builder()}.
 *
 * @param identity the host's libp2p identity key
 * @param listenAddresses TCP multiaddrs to listen on ({@code /ip4|ip6/…/tcp/PORT}, port 0 for any)
 * @param eventLoopThreads Netty event loop threads (0 = Netty's default, twice the cores)
 * @param limits connection limits
 * @param handshakeTimeout time for the whole upgrade: security negotiation, Noise, muxer negotiation
 * @param streamNegotiationTimeout time for multistream-select on a new stream, and for an Identify exchange
 *     once its stream is open
 * @param streamNegotiation full or lazy multistream-select on outbound streams
 * @param yamux stream multiplexer configuration (windows, stream limit, keep-alive)
 * @param agentVersion sent in Identify
 * @param nativeTransport use epoll when available
 * @param earlyMuxerNegotiation list Yamux in the Noise extensions, so that the muxer needs no multistream round
 *     when the remote lists one too
 * @param insecurePlaintext offer {@code /plaintext/2.0.0} instead of Noise: no encryption, no authentication;
 *     for benchmarks and tests only
 * @param peerIdleRetention how long the peer store keeps a peer with no live connection after its last update
 *     and its last address expired (see {@link PeerStore})
 * @param perfEnabled serve {@code /perf/1.0.0} (off by default: a perf client may ask for up to 2^63 bytes,
 *     so only benchmark nodes should serve it)
 */
public record HostConfig(PrivateKey identity, List<Multiaddr> listenAddresses, int eventLoopThreads,
                         ConnectionLimits limits, Duration handshakeTimeout, Duration streamNegotiationTimeout,
                         StreamNegotiation streamNegotiation, YamuxConfig yamux, String agentVersion, boolean nativeTransport,
                         boolean earlyMuxerNegotiation, boolean insecurePlaintext, Duration peerIdleRetention,
                         boolean perfEnabled) {
    public HostConfig {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(streamNegotiationTimeout, "streamNegotiationTimeout");
        Objects.requireNonNull(streamNegotiation, "streamNegotiation");
        Objects.requireNonNull(yamux, "yamux");
        Objects.requireNonNull(agentVersion, "agentVersion");
        Objects.requireNonNull(peerIdleRetention, "peerIdleRetention");
        if (peerIdleRetention.isNegative()) {
            throw new IllegalArgumentException("peerIdleRetention must not be negative, got " + peerIdleRetention);
        }
        listenAddresses = List.copyOf(listenAddresses);
        if (eventLoopThreads < 0) {
            throw new IllegalArgumentException("eventLoopThreads must be >= 0");
        }
    }
}
