package io.gridoverlay.core.identity;

import io.gridoverlay.core.encoding.DecodingException;

/**
 * Thrown when bytes that should hold a libp2p public or private key do not: a malformed protobuf
 * envelope, an unknown key type, a wrong key length, a point not on the curve, a non-canonical DER
 * encoding, an RSA modulus outside 2048–8192 bits and the like. The message names what was wrong.
 */
public class InvalidKeyException extends DecodingException {
    private static final long serialVersionUID = 1L;

    public InvalidKeyException(String message) {
        super(message);
    }

    public InvalidKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
