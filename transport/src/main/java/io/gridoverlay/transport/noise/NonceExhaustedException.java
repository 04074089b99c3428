package io.gridoverlay.transport.noise;

/** A cipher state reached the reserved nonce 2^64-1; the Noise spec requires ending the session. */
public class NonceExhaustedException extends NoiseException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception for a cipher state whose nonces are used up. */
    public NonceExhaustedException(String message) {
        super(message);
    }
}
