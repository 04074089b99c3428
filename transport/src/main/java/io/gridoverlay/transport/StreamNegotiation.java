package io.gridoverlay.transport;

/**
 * How an outbound stream negotiates its protocol with multistream-select.
 *
 * <p>Full negotiation waits for the peer's echo before {@code newStream} completes (one round trip).
 * Lazy (optimistic) negotiation, as go-libp2p and rust-libp2p's {@code V1Lazy} do for one protocol, sends
 * the header and the proposal and completes at once, so the caller's first data follows in the same round
 * trip; the responder sees no difference. The price: a peer that rejects the protocol is only noticed
 * later, through {@link Stream#protocolConfirmed()} and {@link StreamHandler#onReset}.
 */
public enum StreamNegotiation {
    /**
     * Always wait for the peer's echo. The default: every failure (including a refusal by the peer's stream
     * limit, {@link StreamRefusedException}) is reported by {@code newStream} itself.
     */
    FULL,
    /**
     * Lazy when exactly one protocol is proposed and the peer listed it in Identify (go-libp2p's rule), full
     * otherwise. Saves a round trip per stream for request/response protocols such as Kad.
     */
    LAZY_WHEN_SUPPORTED,
    /** Lazy whenever exactly one protocol is proposed. */
    LAZY
}
