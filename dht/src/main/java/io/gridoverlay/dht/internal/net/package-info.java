/**
 * The Kad network port over the libp2p transport (not API; see {@link io.gridoverlay.dht.internal}):
 * {@link io.gridoverlay.dht.internal.net.TransportKadNetwork}, the one DHT class that touches Netty types, and
 * {@link io.gridoverlay.dht.internal.net.HostDhtBinding}, which feeds identified peers into the routing table.
 * {@link io.gridoverlay.dht.KademliaDht#onHost} wires and owns both.
 */
package io.gridoverlay.dht.internal.net;
