package io.gridoverlay.core.identity;

import io.gridoverlay.core.encoding.DecodingException;

/**
 * Thrown when text or bytes are not a valid libp2p peer id: not base58btc / CIDv1 text, a CID that is not
 * {@code libp2p-key}, a multihash other than identity (≤ 42 bytes, holding a valid public key) or
 * SHA-256. The message names what was wrong.
 */
public class InvalidPeerIdException extends DecodingException {
    private static final long serialVersionUID = 1L;

    public InvalidPeerIdException(String message) {
        super(message);
    }

    public InvalidPeerIdException(String message, Throwable cause) {
        super(message, cause);
    }
}
