/**
 * Built-in libp2p protocols served by every host (and opt-in ones): {@link io.gridoverlay.transport.protocol.Ping}
 * ({@code /ipfs/ping/1.0.0}) and {@link io.gridoverlay.transport.protocol.Perf} ({@code /perf/1.0.0}).
 *
 * <p>Public API: {@code Ping} and {@code Perf}. Identify is served by every host from the root package
 * (see its package-info for why).
 */
package io.gridoverlay.transport.protocol;
