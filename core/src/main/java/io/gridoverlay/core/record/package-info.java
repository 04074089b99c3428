/**
 * Signed records: the libp2p signed {@link io.gridoverlay.core.record.Envelope} (RFC 0002) and
 * {@link io.gridoverlay.core.record.PeerRecord} (RFC 0003). Records are verified over the exact payload bytes
 * received; nothing is re-encoded before verification.
 */
package io.gridoverlay.core.record;
