package io.gridoverlay.transport;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Protocol;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.transport.noise.HandshakeException;
import io.gridoverlay.transport.yamux.YamuxConfig;
import io.gridoverlay.transport.yamux.YamuxStreamLimitException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libp2p host over TCP: listens and dials, upgrades every connection (multistream-select {@code /noise},
 * Noise XX, multistream-select {@code /yamux/1.0.0} unless both sides agreed on Yamux in the Noise handshake
 * extensions, Yamux), opens and serves streams by protocol id (optionally negotiated lazily, see
 * {@link StreamNegotiation}), and runs Identify, Ping and, when enabled ({@link Builder#enablePerf()}), Perf.
 * Wire-compatible with go-, rust- and js-libp2p.
 *
 * <pre>{@code
 * try (Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
 *     host.start().join();
 *     host.setStreamHandler("/echo/1.0.0", stream -> StreamHandler.ofBytes(Stream::write));
 *     Connection c = host.dial(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…")).join();
 *     Duration rtt = Ping.ping(c).join();
 * }
 * }</pre>
 *
 * <p>Thread-safe. One Netty event loop group per host; nothing here blocks an event loop.
 *
 * <p>Size: the host is the transport's one entry point and keeps what an embedder calls (listen, dial with
 * de-duplication, streams, handlers, close) with the connection registry those calls share; the upgrade
 * pipeline is {@link ConnectionUpgrader}, scoring and trimming {@link ConnectionManager}, Identify
 * {@code IdentifyService}, and the limits {@code PendingHandshakes} and {@code EstablishedPerAddress}.
 */
public final class Host implements AutoCloseable {
    /** Security protocol id. */
    public static final String NOISE = io.gridoverlay.transport.internal.noise.NoiseHandshake.PROTOCOL_ID;
    /** Muxer protocol id. */
    public static final String YAMUX = "/yamux/1.0.0";

    private static final Logger LOG = LoggerFactory.getLogger(Host.class);

    private final HostConfig config;
    private final PrivateKey key;
    private final PeerId peerId;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannelClass;
    private final Class<? extends SocketChannel> channelClass;
    private final Map<String, ProtocolHandler> handlers = new ConcurrentHashMap<>();
    private final Map<PeerId, List<Connection>> connections = new ConcurrentHashMap<>();
    private final Map<PeerId, CompletableFuture<Connection>> pendingDials = new ConcurrentHashMap<>();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final PendingHandshakes pendingInbound;
    private final List<Channel> serverChannels = new CopyOnWriteArrayList<>();
    private final List<Multiaddr> boundAddresses = new CopyOnWriteArrayList<>();
    private final List<HostListener> listeners = new CopyOnWriteArrayList<>();
    private final PeerStore peerStore;
    private final ConnectionUpgrader upgrader;
    private final IdentifyService identify;
    private volatile boolean closed;
    /** Completes when {@link #closeAsync()} has finished; its monitor guards the first close. */
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Scores, protects and trims connections between the watermarks. */
    private final ConnectionManager connectionManager;
    /** Established connections per IP address and per subnet ({@link ConnectionLimits#maxConnectionsPerIp()}). */
    private final EstablishedPerAddress addressGroups;
    /** Bytes queued for sending on all connections ({@link ConnectionLimits#maxHostWriteQueue()}). */
    private final io.gridoverlay.transport.internal.yamux.YamuxWriteBudget writeBudget;
    /** Received Data bytes buffered by all connections ({@link ConnectionLimits#maxHostReceiveBuffer()}). */
    private final io.gridoverlay.transport.internal.yamux.YamuxReceiveBudget receiveBudget;

    private Host(HostConfig config, java.time.Clock clock) {
        this.connectionManager = new ConnectionManager(config.limits(), clock, this::connections);
        this.peerStore = PeerStore.builder().idleRetention(config.peerIdleRetention()).build();
        this.config = config;
        this.writeBudget = new io.gridoverlay.transport.internal.yamux.YamuxWriteBudget(config.limits().maxHostWriteQueue());
        if (config.limits().maxHostReceiveBuffer() < config.yamux().maxStreamWindow()) {
            throw new IllegalArgumentException("maxHostReceiveBuffer " + config.limits().maxHostReceiveBuffer()
                    + " < Yamux maxStreamWindow " + config.yamux().maxStreamWindow()
                    + ": one stream's window must fit the host's receive budget");
        }
        this.receiveBudget = new io.gridoverlay.transport.internal.yamux.YamuxReceiveBudget(
                config.limits().maxHostReceiveBuffer());
        this.key = config.identity();
        this.addressGroups = new EstablishedPerAddress(config.limits());
        this.pendingInbound = new PendingHandshakes(config.limits().maxPendingInbound(),
                config.limits().maxPendingInboundPerIp());
        this.peerId = key.peerId();
        boolean epoll = config.nativeTransport() && Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.serverChannelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.upgrader = new ConnectionUpgrader(this, config, writeBudget, receiveBudget, this::established);
        this.identify = new IdentifyService(this);
        identify.register();
        io.gridoverlay.transport.protocol.Ping.register(this);
        if (config.perfEnabled()) {
            io.gridoverlay.transport.protocol.Perf.register(this);
        }
        long every = trimCheckInterval(config.limits().gracePeriod()).toMillis();
        group.next().scheduleAtFixedRate(() -> {
            try {
                trimIfNeeded();
            } catch (RuntimeException e) { // a periodic task that throws is never run again
                LOG.warn("connection trimming failed", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * How often the connection manager looks for connections to trim besides on every new connection: half
     * the grace period, within 1..10 s (go-libp2p's connection manager also trims in the background), so that
     * connections above the high watermark that were all too young when the last one arrived go later.
     */
    static Duration trimCheckInterval(Duration gracePeriod) {
        Duration half = gracePeriod.dividedBy(2);
        Duration min = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(10);
        return half.compareTo(min) < 0 ? min : half.compareTo(max) > 0 ? max : half;
    }

    /** A builder with a fresh Ed25519 identity and no listen address. */
    public static Builder builder() {
        return new Builder();
    }

    public PeerId peerId() {
        return peerId;
    }

    public HostConfig config() {
        return config;
    }

    public PeerStore peerStore() {
        return peerStore;
    }

    /** The connection manager: protect and tag peers, inspect scores, trim (see {@link ConnectionManager}). */
    public ConnectionManager connectionManager() {
        return connectionManager;
    }

    /** Binds every configured listen address; completes with the bound addresses (ports resolved). */
    public CompletableFuture<List<Multiaddr>> start() {
        List<CompletableFuture<Multiaddr>> binds = new ArrayList<>();
        for (Multiaddr a : config.listenAddresses()) {
            binds.add(listen(a));
        }
        return CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new))
                .thenApply(v -> listenAddresses());
    }

    /** Listens on one more TCP address; completes with the bound address. */
    public CompletableFuture<Multiaddr> listen(Multiaddr address) {
        CompletableFuture<Multiaddr> result = new CompletableFuture<>();
        InetSocketAddress socket;
        try {
            socket = toSocketAddress(address, true);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(serverChannelClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, readSizes())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        acceptInbound(ch);
                    }
                });
        b.bind(socket).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new TransportException("cannot listen on " + address + ": "
                        + f.cause().getMessage(), f.cause()));
                return;
            }
            serverChannels.add(f.channel());
            Multiaddr bound = toMultiaddr((InetSocketAddress) f.channel().localAddress());
            boundAddresses.add(bound);
            LOG.info("listening on {}/p2p/{}", bound, peerId);
            result.complete(bound);
        });
        return result;
    }

    /** The bound listen addresses (without {@code /p2p}). */
    public List<Multiaddr> listenAddresses() {
        return List.copyOf(boundAddresses);
    }

    /**
     * Dials {@code address}; when it ends in {@code /p2p/<id>} the remote must prove that identity, an open
     * connection to that peer is reused, and a dial to that peer already under way is shared.
     */
    public CompletableFuture<Connection> dial(Multiaddr address) {
        if (closed) {
            return CompletableFuture.failedFuture(new TransportException("host is closed"));
        }
        PeerId expected = address.peerIdBytes().map(PeerId::fromBytes).orElse(null);
        if (expected == null) {
            return dialAddress(address, null);
        }
        if (expected.equals(peerId)) {
            return CompletableFuture.failedFuture(new TransportException("refusing to dial self"));
        }
        Connection existing = firstOpen(expected);
        if (existing != null) {
            return CompletableFuture.completedFuture(existing);
        }
        return sharedDial(expected, () -> dialAddress(address, expected));
    }

    /**
     * Dials {@code peer} at an open connection or at the addresses in the peer store, in order; a dial to
     * {@code peer} already under way is shared.
     */
    public CompletableFuture<Connection> dial(PeerId peer) {
        Connection existing = firstOpen(peer);
        if (existing != null) {
            return CompletableFuture.completedFuture(existing);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new TransportException("host is closed"));
        }
        if (peer.equals(peerId)) {
            return CompletableFuture.failedFuture(new TransportException("refusing to dial self"));
        }
        return sharedDial(peer, () -> dialKnownAddresses(peer));
    }

    /**
     * Runs {@code dialer} unless a dial to {@code peer} is under way, whose outcome is then shared: without
     * it, concurrent requests to a peer not yet connected each opened a connection, and those beyond
     * {@code maxConnectionsPerPeer} failed. Every caller gets its own copy of the shared future.
     */
    private CompletableFuture<Connection> sharedDial(PeerId peer, Supplier<CompletableFuture<Connection>> dialer) {
        CompletableFuture<Connection> mine = new CompletableFuture<>();
        CompletableFuture<Connection> underWay = pendingDials.putIfAbsent(peer, mine);
        if (underWay != null) {
            return underWay.copy();
        }
        CompletableFuture<Connection> attempt;
        try {
            attempt = dialer.get();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((c, e) -> {
            // removed first, so that a dependent dialling again finds the connection (registered by now)
            pendingDials.remove(peer, mine);
            if (e != null) {
                mine.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            } else {
                mine.complete(c);
            }
        });
        return mine.copy();
    }

    private CompletableFuture<Connection> dialKnownAddresses(PeerId peer) {
        List<Multiaddr> addrs = peerStore.addresses(peer);
        if (addrs.isEmpty()) {
            return CompletableFuture.failedFuture(new TransportException("no known address for " + peer));
        }
        CompletableFuture<Connection> attempt = dialAddress(addrs.get(0), peer);
        for (int i = 1; i < addrs.size(); i++) {
            Multiaddr next = addrs.get(i);
            attempt = attempt.exceptionallyCompose(e -> {
                Connection open = firstOpen(peer); // the peer may have connected to us meanwhile
                return open != null ? CompletableFuture.completedFuture(open) : dialAddress(next, peer);
            });
        }
        return attempt;
    }

    /** One TCP dial and upgrade; {@code expected}, when not null, is the identity the remote must prove. */
    private CompletableFuture<Connection> dialAddress(Multiaddr address, PeerId expected) {
        if (connectionCount.get() >= config.limits().maxConnections()) {
            return CompletableFuture.failedFuture(new LimitExceededException("connection limit "
                    + config.limits().maxConnections() + " reached"));
        }
        Multiaddr transport = address.decapsulate(Protocol.P2P).orElse(address);
        return resolve(transport).thenCompose(socket -> connect(socket, transport, expected));
    }

    /**
     * Opens a stream to {@code peer} (dialling it if needed) speaking the first supported of {@code protocols}.
     *
     * <p>The future fails with:
     * <ul>
     *   <li>{@link LimitExceededException} when a limit of this host stops it: the connection limit for the
     *       dial, or the stream limit of the connection (Yamux {@code maxStreams}, {@code ackBacklog});
     *       nothing is sent to the peer;</li>
     *   <li>{@link StreamRefusedException} when the peer refused the stream: it reset it before acknowledging
     *       it (its stream limit, or it is going away), or with a resource-limit or rate-limit code
     *       ({@link StreamResetException#errorCode()}); the connection stays open, retry later;</li>
     *   <li>{@link StreamResetException} when the peer reset the stream during protocol negotiation for
     *       another reason;</li>
     *   <li>{@link io.gridoverlay.transport.multistream.ProtocolNegotiationException} when the peer supports
     *       none of {@code protocols}, or negotiation timed out ({@link HostConfig#streamNegotiationTimeout()});</li>
     *   <li>{@link TransportException} or {@link HandshakeException} when no connection can be established,
     *       and {@link TransportException} when it closes during negotiation.</li>
     * </ul>
     * With lazy negotiation ({@link Builder#streamNegotiation}, one protocol) the future completes before the
     * peer agreed; a refusal, reset or rejection after that fails {@link Stream#protocolConfirmed()} with the
     * same exception and resets the stream ({@link StreamHandler#onReset}).
     */
    public CompletableFuture<Stream> newStream(PeerId peer, StreamHandler handler, String... protocols) {
        List<String> list = List.of(protocols);
        return dial(peer).thenCompose(c -> c.newStream(list, handler));
    }

    /** Serves {@code protocol}; replaces a previous handler. Connected peers learn it through Identify push. */
    public void setStreamHandler(String protocol, ProtocolHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (protocol.isEmpty() || protocol.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid protocol id '" + protocol + "'");
        }
        ProtocolHandler previous = handlers.put(protocol, handler);
        if (previous == null && identify != null) {
            identify.pushToAll();
        }
    }

    /** Stops serving {@code protocol}. */
    public void removeStreamHandler(String protocol) {
        if (handlers.remove(protocol) != null) {
            identify.pushToAll();
        }
    }

    /** The protocols served. */
    public Set<String> protocols() {
        return Set.copyOf(handlers.keySet());
    }

    ProtocolHandler protocolHandler(String protocol) {
        return handlers.get(protocol);
    }

    /** All open connections. */
    public List<Connection> connections() {
        List<Connection> all = new ArrayList<>();
        connections.values().forEach(all::addAll);
        return all;
    }

    /** Open connections to {@code peer}. */
    public List<Connection> connections(PeerId peer) {
        return List.copyOf(connections.getOrDefault(peer, List.of()));
    }

    /** Closes every connection to {@code peer}. */
    public CompletableFuture<Void> disconnect(PeerId peer) {
        return CompletableFuture.allOf(connections(peer).stream().map(Connection::close)
                .toArray(CompletableFuture[]::new));
    }

    public void addListener(HostListener listener) {
        listeners.add(listener);
    }

    public void removeListener(HostListener listener) {
        listeners.remove(listener);
    }

    /**
     * Closes listeners and connections gracefully, then the event loops. Idempotent: a later call returns the
     * same future (a second close used to wait for listeners of channels whose event loop was gone, 10 s).
     */
    public CompletableFuture<Void> closeAsync() {
        synchronized (terminated) {
            if (closed) {
                return terminated;
            }
            closed = true;
        }
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (Channel s : serverChannels) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            s.close().addListener(x -> f.complete(null));
            all.add(f);
        }
        for (Connection c : connections()) {
            all.add(c.close().orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, e) ->
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(x -> terminated.complete(null)));
        return terminated;
    }

    /** {@link #closeAsync()} and wait for it (at most 10 s). Do not call from an event loop. */
    @Override
    public void close() {
        try {
            closeAsync().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("host {} did not close cleanly: {}", peerId, e.toString());
        }
    }

    // ------------------------------------------------------------------ connection set-up

    private void acceptInbound(SocketChannel ch) {
        ConnectionLimits limits = config.limits();
        InetSocketAddress remote = ch.remoteAddress();
        String refusal = closed ? "host is closed"
                : connectionCount.get() >= limits.maxConnections() ? "connection limit " + limits.maxConnections()
                : pendingInbound.tryAcquire(remote.getAddress());
        if (refusal != null) {
            LOG.debug("refusing inbound connection from {}: {}", remote, refusal);
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
            ch.close();
            return;
        }
        CompletableFuture<Connection> upgraded = upgrader.upgrade(ch, Connection.Direction.INBOUND, null);
        upgraded.whenComplete((c, e) -> {
            pendingInbound.release(remote.getAddress());
            if (e != null) {
                // debug, not warn: a remote must not be able to flood the log by sending garbage
                Throwable t = translate(e);
                LOG.debug("inbound connection from {} failed during the upgrade: {}", remote, t.toString(), t);
            }
        });
    }

    private CompletableFuture<Connection> connect(InetSocketAddress socket, Multiaddr address, PeerId expected) {
        CompletableFuture<Connection> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, readSizes())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.handshakeTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        upgrader.upgrade(ch, Connection.Direction.OUTBOUND, expected).whenComplete((c, e) -> {
                            if (e != null) {
                                result.completeExceptionally(translate(e));
                            } else {
                                result.complete(c);
                            }
                        });
                    }
                });
        b.connect(socket).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new TransportException("cannot connect to " + address + ": "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }

    /**
     * The last stage of an upgrade ({@link ConnectionUpgrader}): registers {@code c} within the limits, tells
     * the peer store and the listeners, and completes the caller's future; on {@code c}'s event loop. Listeners
     * hear of the connection before the caller's future completes, so that a caller closing it at once still
     * yields opened-then-closed.
     */
    private void established(Connection c, CompletableFuture<Connection> result) {
        io.netty.channel.Channel ch = c.channel();
        boolean outbound = c.direction() == Connection.Direction.OUTBOUND;
        if (!register(c)) {
            result.completeExceptionally(new LimitExceededException("connection limit reached ("
                    + config.limits().maxConnections() + " in total, "
                    + config.limits().maxConnectionsPerPeer() + " per peer, "
                    + config.limits().maxConnectionsPerIp() + " per IP address, "
                    + config.limits().maxConnectionsPerSubnet() + " per subnet) for " + c.remotePeer()
                    + " at " + c.remoteAddress()));
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
            ch.close();
            return;
        }
        peerStore.connectionOpened(c.remotePeer());
        ch.closeFuture().addListener(f -> unregister(c));
        if (outbound) {
            // the dialled address works; an inbound connection's source is an ephemeral port nobody listens on
            // (the peer's listen addresses come with Identify)
            peerStore.addAddresses(c.remotePeer(), List.of(c.remoteAddress()), PeerStore.CONNECTED_TTL);
        }
        for (HostListener l : listeners) {
            safely(() -> l.connectionOpened(c));
        }
        if (!ch.isActive()) { // a listener closed it
            result.completeExceptionally(new TransportException(c + " closed right after the upgrade"));
        } else {
            // dependents of the caller's future run here, inline, and may close the connection
            result.complete(c);
        }
        identify.identify(c);
        trimIfNeeded();
    }

    /** The receive budget shared by all connections (for tests and metrics). */
    io.gridoverlay.transport.internal.yamux.YamuxReceiveBudget receiveBudget() {
        return receiveBudget;
    }

    /** Inbound connections still in their upgrade (for tests and metrics). */
    int pendingInboundCount() {
        return pendingInbound.total();
    }

    private boolean register(Connection c) {
        ConnectionLimits limits = config.limits();
        if (closed) {
            return false;
        }
        if (connectionCount.incrementAndGet() > limits.maxConnections()) {
            connectionCount.decrementAndGet();
            return false;
        }
        if (!addressGroups.tryAcquire(c.remoteSocketAddress())) {
            connectionCount.decrementAndGet();
            return false;
        }
        boolean[] ok = {true};
        connections.compute(c.remotePeer(), (p, list) -> {
            List<Connection> l = list == null ? new CopyOnWriteArrayList<>() : list;
            if (l.size() >= limits.maxConnectionsPerPeer()) {
                ok[0] = false;
            } else {
                l.add(c);
            }
            return l;
        });
        if (!ok[0]) {
            connectionCount.decrementAndGet();
            addressGroups.release(c.remoteSocketAddress());
        }
        return ok[0];
    }

    private void unregister(Connection c) {
        boolean[] removed = {false};
        List<Connection> left = connections.computeIfPresent(c.remotePeer(), (p, l) -> {
            removed[0] = l.remove(c);
            return l.isEmpty() ? null : l;
        });
        if (removed[0]) {
            connectionCount.decrementAndGet();
            addressGroups.release(c.remoteSocketAddress());
            if (left == null) {
                connectionManager.peerDisconnected(c.remotePeer());
            }
            peerStore.connectionClosed(c.remotePeer());
            for (HostListener l : listeners) {
                safely(() -> l.connectionClosed(c));
            }
        }
    }

    /**
     * Above the high watermark, lets the connection manager close the lowest-scoring connections down to the
     * low one ({@link ConnectionManager}). Identify streams do not make a connection busy: Identify runs on
     * every new connection for a round trip or more, and counting it spared a connection whose only stream
     * was an identify exchange in flight, depending on timing.
     */
    private void trimIfNeeded() {
        if (closed || connectionCount.get() <= config.limits().highWater()) {
            return;
        }
        connectionManager.trim();
    }

    /** An open connection to {@code peer} that the connection manager is not closing, or null. */
    private Connection firstOpen(PeerId peer) {
        for (Connection c : connections.getOrDefault(peer, List.of())) {
            if (c.isOpen() && !c.trimmed) {
                return c;
            }
        }
        return null;
    }

    void fireStreamOpened(Stream s) {
        for (HostListener l : listeners) {
            safely(() -> l.streamOpened(s));
        }
    }

    void firePeerIdentified(Connection c, IdentifyInfo info) {
        for (HostListener l : listeners) {
            safely(() -> l.peerIdentified(c, info));
        }
    }

    PrivateKey identityKey() {
        return key;
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("host listener failed", e);
        }
    }

    /**
     * Unwraps completion wrappers, maps Yamux's stream limit to {@link LimitExceededException} and socket
     * {@link java.io.IOException}s to {@link TransportException}.
     */
    static Throwable translate(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof YamuxStreamLimitException) {
            return new LimitExceededException("stream limit: " + t.getMessage());
        }
        if (t instanceof java.io.IOException) {
            // socket errors (reset by peer, broken pipe) reach callers typed, not as Netty's native exceptions
            return new TransportException("connection failed: " + t.getMessage(), t);
        }
        return t;
    }

    // ------------------------------------------------------------------ addresses

    private CompletableFuture<InetSocketAddress> resolve(Multiaddr a) {
        try {
            return CompletableFuture.completedFuture(toSocketAddress(a, false));
        } catch (NeedsDnsException dns) {
            // name resolution blocks: never on an event loop
            return CompletableFuture.supplyAsync(() -> {
                try {
                    InetAddress[] all = InetAddress.getAllByName(dns.name);
                    for (InetAddress ia : all) {
                        if (dns.family == 0 || (dns.family == 4) == (ia.getAddress().length == 4)) {
                            return new InetSocketAddress(ia, dns.port);
                        }
                    }
                    throw new TransportException("no " + (dns.family == 6 ? "IPv6" : "IPv4") + " address for "
                            + dns.name);
                } catch (UnknownHostException e) {
                    throw new TransportException("cannot resolve " + dns.name, e);
                }
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static final class NeedsDnsException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String name;
        final int port;
        final int family;

        NeedsDnsException(String name, int port, int family) {
            super(null, null, false, false);
            this.name = name;
            this.port = port;
            this.family = family;
        }
    }

    static InetSocketAddress toSocketAddress(Multiaddr a, boolean listening) {
        List<Multiaddr.Component> cs = a.components();
        if (cs.size() != 2 || cs.get(1).protocol() != Protocol.TCP) {
            throw new TransportException("unsupported address " + a + ": expected /ip4|ip6|dns*/<host>/tcp/<port>");
        }
        int port = Integer.parseInt(cs.get(1).valueText());
        Multiaddr.Component host = cs.get(0);
        switch (host.protocol()) {
            case IP4:
            case IP6:
                try {
                    return new InetSocketAddress(InetAddress.getByAddress(host.value()), port);
                } catch (UnknownHostException e) {
                    throw new TransportException("bad IP address in " + a, e);
                }
            case DNS:
            case DNS4:
            case DNS6:
                if (listening) {
                    throw new TransportException("cannot listen on a DNS name: " + a);
                }
                int family = host.protocol() == Protocol.DNS4 ? 4 : host.protocol() == Protocol.DNS6 ? 6 : 0;
                throw new NeedsDnsException(host.valueText(), port, family);
            default:
                throw new TransportException("unsupported address " + a);
        }
    }

    /**
     * Socket read sizes adapting between 2 KiB and 256 KiB (Netty's default stops at 64 KiB): a full Noise
     * frame is 65,537 bytes on the wire, so 64 KiB reads split every frame and the decoder had to merge
     * (copy) each one; larger reads under bulk load leave most frames whole. Idle connections shrink back.
     */
    private static io.netty.channel.RecvByteBufAllocator readSizes() {
        return new io.netty.channel.AdaptiveRecvByteBufAllocator(512, 2048, 256 * 1024);
    }

    static Multiaddr toMultiaddr(InetSocketAddress s) {
        InetAddress ia = s.getAddress();
        String proto = ia.getAddress().length == 4 ? "ip4" : "ip6";
        String host = ia.getHostAddress();
        int pct = host.indexOf('%');
        if (pct >= 0) {
            host = host.substring(0, pct);
        }
        return Multiaddr.parse("/" + proto + "/" + host + "/tcp/" + s.getPort());
    }

    // ------------------------------------------------------------------ builder

    /** Builds a {@link Host}. Defaults: fresh Ed25519 key, no listen address, default limits and Yamux. */
    public static final class Builder {
        private PrivateKey identity;
        private final List<Multiaddr> listen = new ArrayList<>();
        private int threads;
        private ConnectionLimits limits = ConnectionLimits.DEFAULT;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration streamNegotiationTimeout = Duration.ofSeconds(10);
        private StreamNegotiation streamNegotiation = StreamNegotiation.FULL;
        // The write queue stays at YamuxConfig's small default (256 KiB; it was the largest receive window,
        // 16 MiB, so 512 streams could queue 8 GiB: issue 14 #2); handlers pace themselves on isWritable().
        // Data frames sized so that header + body fill exactly one Noise frame (65535 - 16 tag bytes):
        // a 64 KiB Yamux frame would cost two Noise frames, the second one 17 bytes long.
        private YamuxConfig yamux = YamuxConfig.defaults().toBuilder()
                .maxSendFrameSize(io.gridoverlay.transport.internal.noise.NoiseFrameCodec.MAX_PLAINTEXT - io.gridoverlay.transport.internal.yamux.YamuxFrame.HEADER_LENGTH)
                .build();
        private String agentVersion = "gridoverlay/0.1.0";
        private boolean nativeTransport = true;
        private boolean earlyMuxerNegotiation = true;
        private boolean insecurePlaintext;
        private Duration peerIdleRetention = PeerStore.DEFAULT_IDLE_RETENTION;
        private boolean perfEnabled;
        private java.time.Clock clock = java.time.Clock.systemUTC();

        private Builder() {}

        /**
         * The clock of the connection manager: connections' opening times, grace periods and the recency of
         * their traffic (default the system clock). Tests pass a clock they advance.
         */
        public Builder clock(java.time.Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder identity(PrivateKey key) {
            this.identity = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Adds a listen address such as {@code /ip4/0.0.0.0/tcp/4001}. */
        public Builder listen(String... addresses) {
            Arrays.stream(addresses).map(Multiaddr::parse).forEach(listen::add);
            return this;
        }

        public Builder listen(Collection<Multiaddr> addresses) {
            listen.addAll(addresses);
            return this;
        }

        public Builder eventLoopThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder limits(ConnectionLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = Objects.requireNonNull(d);
            return this;
        }

        public Builder streamNegotiationTimeout(Duration d) {
            this.streamNegotiationTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Full or lazy multistream-select on outbound streams (default {@link StreamNegotiation#FULL}). */
        public Builder streamNegotiation(StreamNegotiation mode) {
            this.streamNegotiation = Objects.requireNonNull(mode);
            return this;
        }

        public Builder yamux(YamuxConfig yamux) {
            this.yamux = Objects.requireNonNull(yamux);
            return this;
        }

        public Builder agentVersion(String agentVersion) {
            this.agentVersion = Objects.requireNonNull(agentVersion);
            return this;
        }

        /** Use epoll when available (default true); false forces NIO. */
        public Builder nativeTransport(boolean nativeTransport) {
            this.nativeTransport = nativeTransport;
            return this;
        }

        /**
         * Advertise Yamux in the Noise handshake extensions (default true): when the remote lists a muxer too,
         * the multistream round for the muxer is skipped (go- and js-libp2p do the same).
         */
        public Builder earlyMuxerNegotiation(boolean enabled) {
            this.earlyMuxerNegotiation = enabled;
            return this;
        }

        /**
         * Secures connections with {@code /plaintext/2.0.0} instead of Noise: peers exchange keys and then talk
         * <strong>in clear, unauthenticated</strong>. Only for measuring what Noise costs and for tests; such
         * a host cannot connect to hosts that offer only Noise (every default host).
         */
        public Builder insecurePlaintext() {
            this.insecurePlaintext = true;
            return this;
        }

        /**
         * How long the peer store keeps what it knows of a peer (key, protocols, agent) once the peer has no
         * live connection, counted from its last update or the expiry of its last address, whichever is later
         * (default {@link PeerStore#DEFAULT_IDLE_RETENTION}, one hour). Entries of connected peers are kept.
         */
        public Builder peerIdleRetention(Duration retention) {
            this.peerIdleRetention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /**
         * Serves {@code /perf/1.0.0} (off by default): a perf client asks for any number of bytes up to 2^63
         * and the host sends them, so only benchmark and test nodes should serve it.
         */
        public Builder enablePerf() {
            this.perfEnabled = true;
            return this;
        }

        public Host build() {
            PrivateKey k = identity != null ? identity : Ed25519.generate().privateKey();
            return new Host(new HostConfig(k, listen, threads, limits, handshakeTimeout, streamNegotiationTimeout,
                    streamNegotiation, yamux, agentVersion, nativeTransport, earlyMuxerNegotiation,
                    insecurePlaintext, peerIdleRetention, perfEnabled), clock);
        }
    }
}
