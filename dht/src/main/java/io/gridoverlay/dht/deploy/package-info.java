/**
 * Deployments between twins and nodes over {@code /grid/deploy/1.0.0} (length-prefixed protobuf, size-limited).
 *
 * <p>Public API: {@link io.gridoverlay.dht.deploy.DeploymentClient} (the twin: submit, delete, collect
 * co-signatures), {@link io.gridoverlay.dht.deploy.DeploymentService} (the node: verify, check capacity,
 * hand to a {@link io.gridoverlay.dht.deploy.Provisioner}, answer with a signed acceptance, keep it in the
 * {@link io.gridoverlay.dht.deploy.DeploymentLedger}), {@link io.gridoverlay.dht.deploy.DeploymentStore} and
 * {@link io.gridoverlay.dht.deploy.DeploymentBundleKeyspace} (what storing nodes keep: latest version, bounded
 * history, equivocation proofs), {@link io.gridoverlay.dht.deploy.ResolvedDeployment} (what resolving yields,
 * always verified by the caller), {@link io.gridoverlay.dht.deploy.RejectionCode} and
 * {@link io.gridoverlay.dht.deploy.DeploymentException}. Persistence is SQLite
 * ({@link io.gridoverlay.dht.deploy.SqliteRecordPersistence} for what a node stores for others).
 * {@link io.gridoverlay.dht.grid.GridNode} composes all of it.
 */
package io.gridoverlay.dht.deploy;
