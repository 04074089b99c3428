/** The {@code grid-peer} command line: run a peer, query the DHT and the grid, run a local grid, simulate. */
package io.gridoverlay.examples;
