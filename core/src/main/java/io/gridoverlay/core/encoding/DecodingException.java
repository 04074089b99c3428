package io.gridoverlay.core.encoding;

/**
 * Thrown when bytes or text received from outside cannot be decoded: a malformed varint, an unknown
 * multibase prefix, a truncated multihash, a bad multiaddr component and the like. The message names the
 * input that was wrong and why.
 *
 * <p>Every decoder in {@code core} throws this (or a subclass) and nothing else for bad input.
 */
public class DecodingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DecodingException(String message) {
        super(message);
    }

    public DecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
