/**
 * The libp2p Kad wire protocol without I/O: immutable messages ({@link io.gridoverlay.dht.protocol.KadRequest},
 * {@link io.gridoverlay.dht.protocol.KadResponse}), the protobuf codec and stream framing
 * ({@link io.gridoverlay.dht.protocol.KadCodec}, {@link io.gridoverlay.dht.protocol.KadFrameDecoder}), the
 * network port ({@link io.gridoverlay.dht.protocol.KadNetwork}, {@link io.gridoverlay.dht.protocol.KadRequestHandler})
 * and the server logic ({@link io.gridoverlay.dht.protocol.KadServer}). Imports no Netty; the port lives here
 * so that lookups and the simulator depend on this package only.
 */
package io.gridoverlay.dht.protocol;
