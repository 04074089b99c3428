package io.gridoverlay.dht.internal.net;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.KadCodec;
import io.gridoverlay.dht.protocol.KadFrameDecoder;
import io.gridoverlay.dht.protocol.KadLimits;
import io.gridoverlay.dht.protocol.KadNetwork;
import io.gridoverlay.dht.protocol.KadNetworkException;
import io.gridoverlay.dht.protocol.KadNetworkException.Kind;
import io.gridoverlay.dht.protocol.KadProtocolException;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadRequestHandler;
import io.gridoverlay.dht.protocol.KadRequestRejectedException;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.PeerStore;
import io.gridoverlay.transport.Stream;
import io.gridoverlay.transport.StreamNegotiation;
import io.gridoverlay.transport.StreamHandler;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link KadNetwork} over a libp2p {@link Host}: each request opens a new stream of the Kad protocol
 * (default {@code /ipfs/kad/1.0.0}), writes one length-prefixed request, closes its write side and reads
 * one length-prefixed response. go-libp2p-kad-dht reuses streams; one stream per request needs no per-peer
 * stream pool, and the server side here (like go's) answers any number of requests on one stream, so both
 * styles interoperate. The stream's multistream round trip is saved by lazy negotiation
 * ({@link Builder#streamNegotiation}, default {@link StreamNegotiation#LAZY_WHEN_SUPPORTED}): once Identify
 * said the peer speaks the Kad protocol, the request follows the proposal without waiting for the echo, so
 * a request costs one round trip on an open connection instead of two.
 *
 * <p>Client mode (the default) serves nothing: the protocol is registered on the host only in server mode,
 * and only while a handler is set. Inbound frames are limited to {@link KadLimits#maxMessageSize()}; a
 * malformed request or a handler refusal resets the stream, as go does; a stream idle for
 * {@code inboundIdleTimeout} is reset.
 *
 * <p>Thread-safe. Nothing blocks an event loop; handlers run on the stream's event loop unless a handler
 * executor is configured. The only class of the DHT that touches Netty types.
 */
public final class TransportKadNetwork implements KadNetwork, AutoCloseable {
    /** The libp2p Kad protocol id. */
    public static final String DEFAULT_PROTOCOL = io.gridoverlay.dht.DhtConfig.IPFS_PROTOCOL;
    /** As go-libp2p-kad-dht's {@code dhtStreamIdleTimeout}. */
    public static final Duration DEFAULT_INBOUND_IDLE_TIMEOUT = Duration.ofMinutes(1);
    /**
     * Most requests one inbound stream may have decoded and not yet answered (answers not yet handed to the
     * connection); one more resets the stream: the peer pipelines requests without reading the answers.
     */
    static final int MAX_PENDING_REQUESTS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(TransportKadNetwork.class);

    private final Host host;
    private final String protocol;
    private final boolean serverMode;
    private final KadCodec codec;
    private final Executor handlerExecutor;
    private final Duration inboundIdleTimeout;
    private final StreamNegotiation streamNegotiation;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<CompletableFuture<KadResponse>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile KadRequestHandler handler;
    private volatile boolean closed;

    private TransportKadNetwork(Builder b) {
        this.host = b.host;
        this.protocol = b.protocol;
        this.serverMode = b.serverMode;
        this.codec = new KadCodec(b.limits);
        this.handlerExecutor = b.handlerExecutor;
        this.inboundIdleTimeout = b.inboundIdleTimeout;
        this.streamNegotiation = b.streamNegotiation;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kad-timer-" + host.peerId().toBase58().substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** A builder over {@code host}: protocol {@code /ipfs/kad/1.0.0}, client mode, default limits. */
    public static Builder builder(Host host) {
        return new Builder(host);
    }

    @Override
    public PeerId self() {
        return host.peerId();
    }

    public String protocol() {
        return protocol;
    }

    public boolean isServerMode() {
        return serverMode;
    }

    @Override
    public void setRequestHandler(KadRequestHandler newHandler) {
        KadRequestHandler previous = this.handler;
        this.handler = newHandler;
        if (!serverMode || closed) {
            return;
        }
        if (newHandler != null && previous == null) {
            host.setStreamHandler(protocol, this::acceptInbound);
        } else if (newHandler == null && previous != null) {
            host.removeStreamHandler(protocol);
        }
    }

    // ------------------------------------------------------------------ client

    @Override
    public CompletableFuture<KadResponse> send(PeerInfo peer, KadRequest request, Duration timeout) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(request, "request");
        if (closed) {
            return CompletableFuture.failedFuture(new KadNetworkException(Kind.CLOSED, "Kad network is closed"));
        }
        if (peer.peerId().equals(host.peerId())) {
            return CompletableFuture.failedFuture(new KadNetworkException(Kind.UNREACHABLE,
                    "refusing to send " + request.type() + " to self"));
        }
        byte[] frame;
        try {
            frame = codec.frameRequest(request);
        } catch (KadProtocolException e) {
            return CompletableFuture.failedFuture(new KadNetworkException(Kind.PROTOCOL,
                    request.type() + " request cannot be encoded: " + e.getMessage(), e));
        }
        // the lookup's addresses may be hearsay: they may bring a peer we cannot dial yet within reach, but
        // never join addresses the peer store learned first-hand (connection, Identify)
        if (!peer.addresses().isEmpty() && host.peerStore().addresses(peer.peerId()).isEmpty()) {
            host.peerStore().addAddresses(peer.peerId(), peer.addresses(), PeerStore.TEMPORARY_TTL);
        }
        Outbound exchange = new Outbound(peer.peerId(), request);
        CompletableFuture<KadResponse> result = exchange.result;
        inFlight.add(result);
        ScheduledFuture<?> timeoutTask;
        try {
            timeoutTask = timer.schedule(() -> exchange.fail(new KadNetworkException(Kind.TIMEOUT,
                    request.type() + " to " + peer.peerId() + " got no answer within " + timeout.toMillis() + " ms")),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) { // closed meanwhile: the timer is gone
            inFlight.remove(result);
            return CompletableFuture.failedFuture(new KadNetworkException(Kind.CLOSED, "Kad network is closed"));
        }
        result.whenComplete((r, e) -> {
            timeoutTask.cancel(false);
            inFlight.remove(result);
        });
        host.dial(peer.peerId())
                .exceptionally(e -> {
                    exchange.fail(new KadNetworkException(Kind.UNREACHABLE, "cannot connect to " + peer.peerId()
                            + ": " + unwrap(e).getMessage(), unwrap(e)));
                    return null;
                })
                .thenCompose(c -> c == null || result.isDone() ? CompletableFuture.completedFuture(null)
                        : c.newStream(List.of(protocol), exchange, streamNegotiation).exceptionally(e -> {
                            exchange.fail(new KadNetworkException(Kind.UNREACHABLE, "cannot open " + protocol
                                    + " to " + peer.peerId() + ": " + unwrap(e).getMessage(), unwrap(e)));
                            return null;
                        }))
                .thenAccept(stream -> {
                    if (stream != null) {
                        exchange.start(stream, frame);
                    }
                });
        return result;
    }

    /** One outbound request on its own stream. Handler callbacks run on the stream's event loop. */
    private final class Outbound implements StreamHandler {
        final PeerId peer;
        final KadRequest request;
        final CompletableFuture<KadResponse> result = new CompletableFuture<>();
        final KadFrameDecoder decoder = new KadFrameDecoder(codec.limits().maxMessageSize());
        volatile Stream stream;

        Outbound(PeerId peer, KadRequest request) {
            this.peer = peer;
            this.request = request;
        }

        void start(Stream s) {
            this.stream = s;
            if (result.isDone()) {
                s.reset();
            }
        }

        void start(Stream s, byte[] frame) {
            start(s);
            if (result.isDone()) {
                return;
            }
            CompletableFuture<Void> written = s.write(frame).thenCompose(v -> s.closeWrite());
            written.whenComplete((v, e) -> {
                if (e != null) {
                    fail(new KadNetworkException(Kind.STREAM_FAILED, "cannot write " + request.type() + " to "
                            + peer + ": " + unwrap(e).getMessage(), unwrap(e)));
                } else if (!request.expectsResponse()) {
                    result.complete(KadResponse.empty(request.type(), request.key()));
                }
            });
        }

        void fail(KadNetworkException e) {
            if (result.completeExceptionally(e)) {
                Stream s = stream;
                if (s != null) {
                    s.reset();
                }
            }
        }

        @Override
        public void onData(Stream s, ByteBuf data) {
            if (result.isDone() || !request.expectsResponse()) {
                return;
            }
            try {
                for (ByteBuffer b : data.nioBuffers()) {
                    decoder.decode(b, this::onFrame);
                    if (result.isDone()) {
                        return;
                    }
                }
            } catch (KadProtocolException e) {
                fail(new KadNetworkException(Kind.PROTOCOL, "bad " + request.type() + " answer from " + peer
                        + ": " + e.getMessage(), e));
            }
        }

        private void onFrame(byte[] message) {
            if (result.isDone()) {
                return;
            }
            KadResponse response;
            try {
                response = codec.decodeResponse(message, request);
            } catch (KadProtocolException e) {
                fail(new KadNetworkException(Kind.PROTOCOL, "bad " + request.type() + " answer from " + peer
                        + ": " + e.getMessage(), e));
                return;
            }
            result.complete(response);
        }

        @Override
        public void onRemoteClose(Stream s) {
            if (result.isDone() || !request.expectsResponse()) {
                return;
            }
            try {
                decoder.finish();
                fail(new KadNetworkException(Kind.STREAM_FAILED, peer + " closed the stream without answering "
                        + request.type()));
            } catch (KadProtocolException e) {
                fail(new KadNetworkException(Kind.PROTOCOL, "truncated " + request.type() + " answer from " + peer
                        + ": " + e.getMessage(), e));
            }
        }

        @Override
        public void onReset(Stream s) {
            CompletableFuture<String> confirmed = s.protocolConfirmed();
            if (confirmed.isCompletedExceptionally()) {
                // a lazily negotiated stream the peer refused: what newStream reports under full negotiation
                Throwable cause = unwrap(confirmed.handle((p, e) -> e).join());
                fail(new KadNetworkException(Kind.UNREACHABLE, "cannot open " + protocol + " to " + peer + ": "
                        + cause.getMessage(), cause));
                return;
            }
            fail(new KadNetworkException(Kind.STREAM_FAILED, peer + " reset the stream of " + request.type()));
        }
    }

    // ------------------------------------------------------------------ server

    private StreamHandler acceptInbound(Stream stream) {
        if (handler == null || closed) {
            return null;
        }
        return new Inbound(stream);
    }

    /** One inbound stream: any number of requests, answered in order. Callbacks on the stream's event loop. */
    private final class Inbound implements StreamHandler {
        final Stream stream;
        final PeerInfo from;
        final KadFrameDecoder decoder = new KadFrameDecoder(codec.limits().maxMessageSize());
        CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
        /**
         * Requests decoded and not yet answered (their answers not yet handed to the connection); counted up
         * on the event loop, down on whichever thread completes an answer.
         */
        final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
        ScheduledFuture<?> idle;
        volatile boolean dead;

        Inbound(Stream stream) {
            this.stream = stream;
            this.from = new PeerInfo(stream.remotePeer(), List.of(stream.connection().remoteAddress()));
            armIdle();
        }

        private void armIdle() {
            if (idle != null) {
                idle.cancel(false);
            }
            idle = timer.schedule(() -> {
                LOG.debug("resetting idle Kad stream from {}", from.peerId());
                stream.reset();
            }, inboundIdleTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void onData(Stream s, ByteBuf data) {
            if (dead) {
                return;
            }
            try {
                for (ByteBuffer b : data.nioBuffers()) {
                    decoder.decode(b, this::onFrame);
                }
            } catch (KadProtocolException e) {
                abort("bad Kad request frame from " + from.peerId() + ": " + e.getMessage());
            }
        }

        private void onFrame(byte[] message) {
            if (dead) {
                return;
            }
            armIdle();
            KadRequest request;
            try {
                request = codec.decodeRequest(message);
            } catch (KadProtocolException e) {
                abort("bad Kad request from " + from.peerId() + ": " + e.getMessage());
                return;
            }
            KadRequestHandler h = handler;
            if (h == null) {
                abort("Kad request from " + from.peerId() + " while not serving");
                return;
            }
            if (pending.incrementAndGet() > MAX_PENDING_REQUESTS) {
                abort(pending.get() + " requests pipelined without reading the answers (limit " + MAX_PENDING_REQUESTS + ")");
                return;
            }
            // one request at a time, the next only once the previous answer was handed to the connection: a
            // peer that does not read its answers stops being served (regression, issue 14 #2: small GET_VALUE
            // requests answered with large records queued answers without bound)
            tail = tail.thenComposeAsync(v -> answer(h, request), handlerExecutor)
                    .whenComplete((v, e) -> pending.decrementAndGet());
        }

        /** Answers {@code request}; completes when the answer was handed to the connection. */
        private CompletableFuture<Void> answer(KadRequestHandler h, KadRequest request) {
            CompletableFuture<Void> written = answerOrNull(h, request);
            return written == null ? CompletableFuture.completedFuture(null) : written.handle((v, e) -> {
                if (e != null && !dead) {
                    abort("answer could not be written: " + e.getMessage());
                }
                return null;
            });
        }

        private CompletableFuture<Void> answerOrNull(KadRequestHandler h, KadRequest request) {
            if (dead) {
                return null;
            }
            KadResponse response;
            try {
                response = h.handle(from, request);
            } catch (KadRequestRejectedException e) {
                abort(e.getMessage());
                return null;
            } catch (RuntimeException e) {
                LOG.warn("Kad handler failed on {} from {}", request.type(), from.peerId(), e);
                abort("handler failure");
                return null;
            }
            if (!request.expectsResponse()) {
                return null;
            }
            byte[] frame;
            try {
                frame = codec.frameResponse(response);
            } catch (KadProtocolException e) {
                LOG.warn("Kad answer to {} from {} cannot be encoded: {}", request.type(), from.peerId(),
                        e.getMessage());
                abort("unencodable answer");
                return null;
            }
            return stream.write(frame);
        }

        private void abort(String why) {
            LOG.debug("resetting Kad stream from {}: {}", from.peerId(), why);
            dead = true;
            if (idle != null) {
                idle.cancel(false);
            }
            stream.reset();
        }

        @Override
        public void onRemoteClose(Stream s) {
            if (dead) {
                return;
            }
            try {
                decoder.finish();
            } catch (KadProtocolException e) {
                abort(e.getMessage());
                return;
            }
            tail.whenComplete((v, e) -> {
                if (idle != null) {
                    idle.cancel(false);
                }
                if (!dead) {
                    stream.closeWrite();
                }
            });
        }

        @Override
        public void onReset(Stream s) {
            dead = true;
            if (idle != null) {
                idle.cancel(false);
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Stops serving, fails requests in flight with {@link Kind#CLOSED}. Does not close the host. */
    @Override
    public void close() {
        closed = true;
        if (serverMode && handler != null) {
            host.removeStreamHandler(protocol);
        }
        handler = null;
        for (CompletableFuture<KadResponse> f : List.copyOf(inFlight)) {
            f.completeExceptionally(new KadNetworkException(Kind.CLOSED, "Kad network closed"));
        }
        timer.shutdownNow();
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Builder of {@link TransportKadNetwork}. Not thread-safe. */
    public static final class Builder {
        private final Host host;
        private String protocol = DEFAULT_PROTOCOL;
        private boolean serverMode;
        private KadLimits limits = KadLimits.defaults();
        private Executor handlerExecutor = Runnable::run;
        private Duration inboundIdleTimeout = DEFAULT_INBOUND_IDLE_TIMEOUT;
        private StreamNegotiation streamNegotiation = StreamNegotiation.LAZY_WHEN_SUPPORTED;

        private Builder(Host host) {
            this.host = Objects.requireNonNull(host, "host");
        }

        /** The protocol id (default {@code /ipfs/kad/1.0.0}; a private DHT uses its own, e.g. {@code /grid/kad/1.0.0}). */
        public Builder protocol(String protocol) {
            if (protocol.isEmpty() || protocol.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("invalid protocol id '" + protocol + "'");
            }
            this.protocol = protocol;
            return this;
        }

        /** Whether to serve requests (register the protocol on the host); default false (client mode). */
        public Builder serverMode(boolean serverMode) {
            this.serverMode = serverMode;
            return this;
        }

        public Builder limits(KadLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Where request handlers run (default: on the stream's event loop; they must not block). */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public Builder inboundIdleTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("inboundIdleTimeout must be positive, got " + timeout);
            }
            this.inboundIdleTimeout = timeout;
            return this;
        }

        /**
         * How request streams negotiate the Kad protocol (default {@link StreamNegotiation#LAZY_WHEN_SUPPORTED}:
         * lazily once the peer listed the protocol in Identify, which saves a round trip per request; fully
         * before that, e.g. on the first request over a fresh connection). {@link StreamNegotiation#FULL}
         * always waits for the peer's echo.
         */
        public Builder streamNegotiation(StreamNegotiation mode) {
            this.streamNegotiation = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public TransportKadNetwork build() {
            return new TransportKadNetwork(this);
        }
    }
}
