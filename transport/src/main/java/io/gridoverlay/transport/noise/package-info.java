/**
 * The errors of the Noise XX secure channel, as an embedder sees them. The handshake, the frame codec and the
 * cipher back ends live in {@code io.gridoverlay.transport.internal.noise}.
 *
 * <p>Public API: {@link io.gridoverlay.transport.noise.NoiseException} (root, a
 * {@link io.gridoverlay.transport.TransportException}), {@link io.gridoverlay.transport.noise.HandshakeException},
 * {@link io.gridoverlay.transport.noise.DecryptionException},
 * {@link io.gridoverlay.transport.noise.NonceExhaustedException}.
 */
package io.gridoverlay.transport.noise;
