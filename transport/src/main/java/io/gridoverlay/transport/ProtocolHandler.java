package io.gridoverlay.transport;

/**
 * Serves one application protocol: called on the event loop when a peer opened a stream and the
 * protocol was agreed. Returns the handler for the stream's events (it may write to the stream at once).
 */
@FunctionalInterface
public interface ProtocolHandler {
    StreamHandler onStream(Stream stream);
}
