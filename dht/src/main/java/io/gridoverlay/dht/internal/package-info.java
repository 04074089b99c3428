/**
 * The DHT's machinery, public only so that the DHT's own packages, the simulator and the JMH benchmarks can
 * reach it. <strong>Not API</strong>: anything under {@code io.gridoverlay.dht.internal} may change in any
 * release. Embedders start from {@link io.gridoverlay.dht.KademliaDht#onHost} or
 * {@link io.gridoverlay.dht.grid.GridNode}.
 */
package io.gridoverlay.dht.internal;
