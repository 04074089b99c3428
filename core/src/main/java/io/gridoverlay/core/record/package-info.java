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
 */
package io.gridoverlay.core.record;
