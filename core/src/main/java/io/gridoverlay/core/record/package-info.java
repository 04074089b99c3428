/**
 * Signed records: the libp2p signed {@link io.gridoverlay.core.record.Envelope} (RFC 0002) and
 * {@link io.gridoverlay.core.record.PeerRecord} (RFC 0003), and the grid's records:
 * {@link io.gridoverlay.core.record.CapacityRecord} (what a node offers),
 * {@link io.gridoverlay.core.record.Deployment} / {@link io.gridoverlay.core.record.SignedDeployment} (what a
 * twin asked a node to run: versioned, hash-chained, signed per a
 * {@link io.gridoverlay.core.record.SignatureRequirement}), {@link io.gridoverlay.core.record.Acceptance}
 * (the node's signed answer) and {@link io.gridoverlay.core.record.EquivocationProof} (two signed versions
 * that contradict each other), with a {@link io.gridoverlay.core.record.RecordValidator} per DHT namespace.
 * Records are verified over the exact payload bytes received; nothing is re-encoded before verification.
 *
 * <p>Public API: signed envelopes ({@code Envelope}, {@code SignedRecord}, {@code InvalidEnvelopeException}),
 * the records ({@code PeerRecord}, {@code CapacityRecord}, {@code Deployment} with {@code Workload},
 * {@code SignatureRequirement}, {@code SignedDeployment}, {@code DeploymentUpdate}, {@code DeploymentHistory},
 * {@code Acceptance}), validation ({@code RecordValidator}, {@code CapacityRecordValidator},
 * {@code DeploymentRecordValidator}, {@code Verification}, {@code InvalidRecordException}) and equivocation
 * ({@code EquivocationProof}, {@code EquivocationException}).
 */
package io.gridoverlay.core.record;
