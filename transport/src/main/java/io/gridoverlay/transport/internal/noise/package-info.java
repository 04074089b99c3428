/**
 * Noise XX with the libp2p handshake payload (not API; see {@link io.gridoverlay.transport.internal}): the
 * handshake as a plain state machine ({@link io.gridoverlay.transport.internal.noise.NoiseHandshake} over
 * {@link io.gridoverlay.transport.internal.noise.HandshakeState}, {@link io.gridoverlay.transport.internal.noise.SymmetricState}
 * and {@link io.gridoverlay.transport.internal.noise.CipherState}), the Netty handler that drives it, the transport
 * frame codec (2-byte length-prefixed frames of at most 65535 bytes) and the ChaCha20-Poly1305 back ends.
 */
package io.gridoverlay.transport.internal.noise;
