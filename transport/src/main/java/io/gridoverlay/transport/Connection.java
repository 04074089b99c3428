package io.gridoverlay.transport;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.transport.internal.yamux.YamuxSession;
import io.gridoverlay.transport.yamux.YamuxSessionSnapshot;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An upgraded connection to one peer: TCP, authenticated and encrypted by Noise, multiplexed by Yamux.
 * Opens outbound streams; inbound streams are dispatched to the host's protocol handlers.
 *
 * <p>Thread-safe. All I/O runs on the connection's event loop.
 */
public final class Connection {
    /** Who dialled. */
    public enum Direction { INBOUND, OUTBOUND }

    private final Host host;
    private final Channel channel;
    private final YamuxSession session;
    private final PublicKey remoteKey;
    private final PeerId remotePeer;
    private final Multiaddr remoteAddress;
    /** The channel's remote socket address, kept: a closed channel may no longer report it. */
    private final java.net.SocketAddress remoteSocketAddress;
    private final Multiaddr localAddress;
    private final Direction direction;
    private final boolean muxerInHandshake;
    private final Instant openedAt;
    /** Clock millis of the last application exchange ({@link #noteApplicationExchange()}), 0 if none yet. */
    private volatile long lastApplicationExchangeMillis;
    final CompletableFuture<IdentifyInfo> identified = new CompletableFuture<>();
    /** Completes when the channel closed; hooked at construction, while the event loop certainly runs. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Set when the connection manager chose to close this connection; guarded by the host's trim lock. */
    volatile boolean trimmed;
    /** Open streams of the host's own Identify protocols; written on the event loop only. */
    private volatile int identifyStreams;
    /** Streams with an armed protocol negotiation timer; written on the event loop only. */
    private volatile int negotiatingStreams;

    Connection(Host host, Channel channel, YamuxSession session, PublicKey remoteKey, Multiaddr remoteAddress,
               Multiaddr localAddress, Direction direction, boolean muxerInHandshake) {
        this.host = host;
        this.channel = channel;
        this.session = session;
        this.remoteKey = remoteKey;
        this.remotePeer = remoteKey.peerId();
        this.remoteAddress = remoteAddress;
        this.remoteSocketAddress = channel.remoteAddress();
        this.localAddress = localAddress;
        this.direction = direction;
        this.muxerInHandshake = muxerInHandshake;
        this.openedAt = host.connectionManager().clock().instant();
        channel.closeFuture().addListener(f -> closed.complete(null));
    }

    public PeerId remotePeer() {
        return remotePeer;
    }

    /** The remote's identity key, authenticated by the Noise handshake. */
    public PublicKey remotePublicKey() {
        return remoteKey;
    }

    /** The remote's transport address (without {@code /p2p}). */
    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    java.net.SocketAddress remoteSocketAddress() {
        return remoteSocketAddress;
    }

    public Multiaddr localAddress() {
        return localAddress;
    }

    public Direction direction() {
        return direction;
    }

    /**
     * Whether the muxer was agreed in the Noise handshake extensions (early muxer negotiation) rather than
     * with a multistream-select round after it.
     */
    public boolean isMuxerNegotiatedInHandshake() {
        return muxerInHandshake;
    }

    public Instant openedAt() {
        return openedAt;
    }

    /**
     * When this connection last carried an application exchange: data both ways on one stream of a protocol
     * other than Identify and Ping; null if never. What the connection manager counts as useful traffic.
     */
    public Instant lastApplicationExchange() {
        long m = lastApplicationExchangeMillis;
        return m == 0 ? null : Instant.ofEpochMilli(m);
    }

    /** A stream of an application protocol had data both ways; any thread. */
    void noteApplicationExchange() {
        lastApplicationExchangeMillis = Math.max(1, host.connectionManager().clock().millis());
    }

    /** Number of open streams (a snapshot). */
    public int streamCount() {
        return session.streamCount();
    }

    /**
     * Open streams other than the host's own Identify and Identify-push streams (a snapshot): what the
     * connection manager looks at before trimming an idle connection. An inbound stream whose protocol is not
     * agreed yet counts.
     */
    public int applicationStreamCount() {
        return Math.max(0, session.streamCount() - identifyStreams);
    }

    /**
     * Notes that {@code ys} carries Identify; it stops counting when the stream is closed or reset. Called on
     * the event loop; the counter is written there only.
     */
    void identifyStreamOpened(io.gridoverlay.transport.internal.yamux.YamuxStream ys) {
        identifyStreams++;
        ys.closeFuture().whenComplete((v, e) -> identifyStreams--);
    }

    /** Streams whose protocol negotiation timer is armed (a snapshot; for tests and metrics). */
    int negotiatingStreams() {
        return negotiatingStreams;
    }

    /** A negotiation timer was armed ({@code +1}) or cancelled or fired ({@code -1}); event loop only. */
    void negotiationTimer(int delta) {
        negotiatingStreams += delta;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Yamux round-trip time measured by keep-alive pings ({@link Duration#ZERO} before the first). */
    public Duration rtt() {
        return session.rtt();
    }

    /**
     * Completes with what the peer said about itself over Identify (protocols, listen addresses, signed
     * peer record), or exceptionally if Identify failed.
     */
    public CompletableFuture<IdentifyInfo> identified() {
        return identified;
    }

    /**
     * Opens a stream speaking the first of {@code protocols} the peer supports; {@code handler} receives its
     * inbound events from the start. Fails with {@link LimitExceededException} when this side's stream limit
     * is reached, with {@link StreamRefusedException} when the peer refused the stream (its limit), with
     * {@link StreamResetException} when the peer reset it during negotiation, and with a
     * {@link io.gridoverlay.transport.multistream.ProtocolNegotiationException} when the peer supports none
     * of the protocols; see {@link Host#newStream}. A single protocol may be negotiated lazily
     * ({@link HostConfig#streamNegotiation()}): the future then completes before the peer agreed, and a
     * rejection is reported through {@link Stream#protocolConfirmed()} and the handler's {@code onReset}.
     */
    public CompletableFuture<Stream> newStream(List<String> protocols, StreamHandler handler) {
        return newStream(protocols, handler, host.config().streamNegotiation());
    }

    /**
     * As {@link #newStream(List, StreamHandler)}, negotiating with {@code negotiation} instead of the host's
     * default ({@link HostConfig#streamNegotiation()}): for a protocol whose exchanges are short, such as
     * Kad requests, {@link StreamNegotiation#LAZY_WHEN_SUPPORTED} saves one round trip per stream.
     */
    public CompletableFuture<Stream> newStream(List<String> protocols, StreamHandler handler,
                                               StreamNegotiation negotiation) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(negotiation, "negotiation");
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("no protocol to propose");
        }
        CompletableFuture<Stream> result = new CompletableFuture<>();
        boolean lazy = protocols.size() == 1 && switch (negotiation) {
            case FULL -> false;
            case LAZY -> true;
            case LAZY_WHEN_SUPPORTED -> host.peerStore().protocols(remotePeer).contains(protocols.get(0));
        };
        try {
            channel.eventLoop().execute(() ->
                    Stream.openOutbound(this, protocols, handler, host.config().streamNegotiationTimeout().toMillis(), lazy)
                            .whenComplete((s, e) -> {
                                if (e != null) {
                                    result.completeExceptionally(Host.translate(e));
                                } else {
                                    result.complete(s);
                                }
                            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the host was closed: its event loops are gone
            result.completeExceptionally(new TransportException("cannot open a stream on " + this
                    + ": the host is closed", e));
        }
        return result;
    }

    /** Opens a stream speaking {@code protocol}. */
    public CompletableFuture<Stream> newStream(String protocol, StreamHandler handler) {
        return newStream(List.of(protocol), handler);
    }

    /** Closes the connection gracefully (Yamux go-away, then TCP close); completes once it is closed. */
    public CompletableFuture<Void> close() {
        if (!channel.isOpen()) {
            // already closed, perhaps with its host: the event loop may be gone, so nothing is asked of it
            return closed.copy();
        }
        return session.close().exceptionally(e -> null);
    }

    /**
     * Completes when the connection is closed, also when asked after its host was closed (a listener added
     * to the channel then was rejected and the future never completed).
     */
    public CompletableFuture<Void> closeFuture() {
        return closed.copy();
    }

    /**
     * A snapshot of the connection's multiplexer state: per stream the send and receive windows, queued
     * bytes and writability, plus the channel's writability — for diagnosing a stalled transfer and for
     * metrics. Completes on the connection's event loop; see {@link YamuxSession#snapshot()}.
     */
    public CompletableFuture<YamuxSessionSnapshot> muxerSnapshot() {
        return session.snapshot();
    }

    YamuxSession session() {
        return session;
    }

    Host host() {
        return host;
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    Channel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "Connection[" + direction + " " + remotePeer + " at " + remoteAddress + "]";
    }
}
