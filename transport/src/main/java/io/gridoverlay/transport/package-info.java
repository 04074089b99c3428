/**
 * libp2p over TCP on Netty: multistream-select, Noise XX, Yamux, Identify, Ping and Perf, and the
 * {@code Host} API that grid services embed.
 */
package io.gridoverlay.transport;
