/**
 * How lookups are configured and what they report: {@link io.gridoverlay.dht.query.LookupConfig} (α, β, k,
 * disjoint paths, timeouts), {@link io.gridoverlay.dht.query.LookupStats} and
 * {@link io.gridoverlay.dht.query.FinishReason}. The sans-I/O lookup state machines themselves are in
 * {@code io.gridoverlay.dht.internal.query}.
 *
 * <p>Public API: the three types above.
 */
package io.gridoverlay.dht.query;
