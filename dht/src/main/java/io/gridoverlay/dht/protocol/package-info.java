/**
 * The libp2p Kad wire protocol without I/O: immutable messages ({@link io.gridoverlay.dht.protocol.KadRequest},
 * {@link io.gridoverlay.dht.protocol.KadResponse}), the protobuf codec and stream framing
 * ({@link io.gridoverlay.dht.protocol.KadCodec}, {@link io.gridoverlay.dht.protocol.KadFrameDecoder}), the
 * network port ({@link io.gridoverlay.dht.protocol.KadNetwork}, {@link io.gridoverlay.dht.protocol.KadRequestHandler})
 * and the server logic ({@link io.gridoverlay.dht.internal.protocol.KadServer}). Imports no Netty; the port lives here
 * so that lookups and the simulator depend on this package only.
 *
 * <p>Public API: the messages ({@code KadRequest}, {@code KadResponse}, {@code KadRecord}, {@code PeerInfo},
 * {@code MessageType}), the codec and framing ({@code KadCodec}, {@code KadFrameDecoder}, {@code KadLimits}), the
 * network port ({@code KadNetwork}, {@code KadRequestHandler}), custom keyspaces ({@code KeyspaceHandler},
 * {@code StoreQuotaConfig}) and the errors ({@code KadNetworkException}, {@code KadProtocolException},
 * {@code KadRequestRejectedException}).
 */
package io.gridoverlay.dht.protocol;
