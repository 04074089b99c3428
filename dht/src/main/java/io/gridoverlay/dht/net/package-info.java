/**
 * The Kad network port over the libp2p transport: {@link io.gridoverlay.dht.net.TransportKadNetwork}, the one
 * DHT class that touches Netty types.
 */
package io.gridoverlay.dht.net;
