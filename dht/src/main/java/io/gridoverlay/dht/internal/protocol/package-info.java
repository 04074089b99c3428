/**
 * The Kad server logic (not API; see {@link io.gridoverlay.dht.internal}): {@link io.gridoverlay.dht.internal.protocol.KadServer}
 * answers requests from the stores and the routing table, with per-sender store quotas
 * ({@link io.gridoverlay.dht.internal.protocol.SenderQuota}).
 */
package io.gridoverlay.dht.internal.protocol;
