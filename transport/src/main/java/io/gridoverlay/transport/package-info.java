/**
 * libp2p over TCP on Netty: multistream-select, Noise XX, Yamux, Identify, Ping and Perf, and the
 * {@link io.gridoverlay.transport.Host} API that grid services embed.
 *
 * <p>Public API (everything an embedder needs; the machinery is under {@code io.gridoverlay.transport.internal},
 * which is not API):
 * <ul>
 *   <li>Entry point: {@link io.gridoverlay.transport.Host} with its {@code Builder}, configured by
 *       {@link io.gridoverlay.transport.HostConfig}, {@link io.gridoverlay.transport.ConnectionLimits},
 *       {@link io.gridoverlay.transport.yamux.YamuxConfig} and {@link io.gridoverlay.transport.StreamNegotiation};
 *       observed through {@link io.gridoverlay.transport.HostListener}.</li>
 *   <li>Connections and streams: {@link io.gridoverlay.transport.Connection},
 *       {@link io.gridoverlay.transport.Stream}, {@link io.gridoverlay.transport.StreamHandler} (ByteBuf or,
 *       with {@code ofBytes}, byte arrays), {@link io.gridoverlay.transport.ProtocolHandler}.</li>
 *   <li>Peers: {@link io.gridoverlay.transport.PeerStore}, {@link io.gridoverlay.transport.ConnectionManager}
 *       (tags, protection, trimming), {@link io.gridoverlay.transport.IdentifyInfo}.</li>
 *   <li>Protocols: {@link io.gridoverlay.transport.protocol.Ping}, {@link io.gridoverlay.transport.protocol.Perf}.</li>
 *   <li>Errors: one root, {@link io.gridoverlay.transport.TransportException}, with
 *       {@link io.gridoverlay.transport.LimitExceededException}, {@link io.gridoverlay.transport.StreamResetException}
 *       ({@link io.gridoverlay.transport.StreamRefusedException}),
 *       {@link io.gridoverlay.transport.multistream.ProtocolNegotiationException}, the Noise errors
 *       ({@link io.gridoverlay.transport.noise.NoiseException} and subclasses), the Yamux errors
 *       ({@link io.gridoverlay.transport.yamux.YamuxException} and subclasses) and
 *       {@link io.gridoverlay.transport.plaintext.PlaintextHandshakeException}.</li>
 * </ul>
 *
 * <p>Identify lives here rather than beside Ping and Perf in {@code protocol}: it reads and writes the host's
 * own state (listen and observed addresses, the protocol list, the signed peer record, the peer store) through
 * package-private hooks that would otherwise have to become API.
 */
package io.gridoverlay.transport;
