/**
 * Noise XX with the libp2p handshake payload: the handshake as a plain state machine
 * ({@link io.gridoverlay.transport.noise.NoiseHandshake} over {@code HandshakeState}/{@code SymmetricState}/
 * {@code CipherState}), the handler that drives it, the transport frame codec (2-byte length-prefixed frames
 * of at most 65535 bytes) and the ChaCha20-Poly1305 back ends. Internal to the transport; errors surface as
 * {@link io.gridoverlay.transport.noise.HandshakeException} and {@link io.gridoverlay.transport.noise.NoiseException}.
 */
package io.gridoverlay.transport.noise;
