/**
 * {@link io.gridoverlay.dht.grid.GridNode}: the one object a grid service embeds, composing the libp2p host,
 * the grid DHT, capacity advertisement and discovery, deployments (as a twin and as a node), and metrics.
 * It lives in a package of its own so that the layers it composes ({@code dht}, {@code dht.capacity},
 * {@code dht.deploy}) do not depend on it.
 *
 * <p>Public API: {@code GridNode} and its {@code Builder}.
 */
package io.gridoverlay.dht.grid;
