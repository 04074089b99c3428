package io.gridoverlay.transport;

/**
 * A failure of the transport: a dial, an upgrade, a stream or the host itself. The one root of the
 * transport's exceptions; each layer's failures are scoped subclasses a caller can catch on their own:
 *
 * <ul>
 *   <li>{@link io.gridoverlay.transport.noise.NoiseException} (the secure channel: {@code HandshakeException},
 *       {@code DecryptionException}, {@code NonceExhaustedException}) and {@link
 *       io.gridoverlay.transport.plaintext.PlaintextHandshakeException};</li>
 *   <li>{@link io.gridoverlay.transport.multistream.ProtocolNegotiationException}: no protocol agreed;</li>
 *   <li>{@link io.gridoverlay.transport.yamux.YamuxException}: the multiplexer (a protocol error, a closed
 *       session, a stream or its limits);</li>
 *   <li>{@link LimitExceededException}: a limit of this host stopped it; {@link StreamResetException} and
 *       {@link StreamRefusedException}: the peer reset or refused a stream.</li>
 * </ul>
 *
 * <p>All are unchecked and reach callers through the failed {@code CompletableFuture}s of the API.
 */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
