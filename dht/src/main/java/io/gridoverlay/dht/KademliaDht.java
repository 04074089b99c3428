package io.gridoverlay.dht;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.EquivocationException;
import io.gridoverlay.dht.internal.protocol.ClosestPeersSource;
import io.gridoverlay.dht.protocol.KadNetwork;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.internal.protocol.KadServer;
import io.gridoverlay.dht.protocol.KeyspaceHandler;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.internal.query.ClosestPeersIterator;
import io.gridoverlay.dht.internal.query.FindPeerQuery;
import io.gridoverlay.dht.internal.query.GetProvidersQuery;
import io.gridoverlay.dht.internal.query.GetValueQuery;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.internal.query.LookupState;
import io.gridoverlay.dht.query.LookupStats;
import io.gridoverlay.dht.internal.query.PeerLookup;
import io.gridoverlay.dht.internal.query.RttEstimate;
import io.gridoverlay.dht.internal.query.RttSource;
import io.gridoverlay.dht.record.ProviderStore;
import io.gridoverlay.dht.record.RecordRejectedException;
import io.gridoverlay.dht.record.RecordStore;
import io.gridoverlay.dht.record.RecordStoreConfig;
import io.gridoverlay.dht.record.Validators;
import io.gridoverlay.dht.routing.AddResult;
import io.gridoverlay.dht.routing.IpGroup;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kademlia DHT node speaking the libp2p Kad protocol through a {@link KadNetwork}: iterative lookups
 * (FIND_NODE, GET_VALUE with quorum and correction, PUT_VALUE to the k closest, GET_PROVIDERS /
 * ADD_PROVIDER, FIND_PEER), a routing table fed by the peers that answer, bootstrap, random-walk bucket
 * refresh, and in server mode the request handler with record and provider stores.
 *
 * <p>The same code runs over libp2p streams ({@link io.gridoverlay.dht.internal.net.TransportKadNetwork}) and in the
 * simulator: it does no I/O itself. Concurrency: all state is confined to the {@link DhtScheduler}'s thread
 * except the routing table, which the server side also reads from the network's threads to answer
 * FIND_NODE at once, and which is therefore guarded by {@code tableLock} on both sides; counters read by
 * {@link #metrics()} are atomics. The public methods are thread-safe and return futures completed on the
 * scheduler thread.
 *
 * <p>Size: this class is the DHT's one public entry point and keeps every operation an embedder calls
 * (lookups, values, providers, peers) with the routing-table upkeep their answers feed; its periodic jobs
 * are in {@link DhtJobs}, the lookup state machines in {@code dht.internal.query}, the stores in {@code dht.record}.
 */
public final class KademliaDht implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KademliaDht.class);

    private final KadNetwork network;
    private final DhtConfig config;
    /** This node's own stores of the configured keyspaces (served in server mode). */
    private final List<KeyspaceHandler> keyspaces;
    private final DhtScheduler scheduler;
    private final PeerId self;
    private final Key selfKey;
    private final Supplier<List<Multiaddr>> selfAddresses;
    private final RoutingTable<PeerInfo> table;
    private final Object tableLock = new Object();
    private final LookupConfig lookupConfig;
    private final int disjointPaths;
    private final Duration requestTimeout;
    private final RecordStore records;
    private final ProviderStore providers;
    private final Validators validators;
    private final boolean serverMode;
    private final Duration refreshInterval;
    private final boolean refreshOnBootstrap;
    private final boolean checkFullBuckets;
    /** Buckets whose least recently seen peer is being pinged; confined to the scheduler thread. */
    private final java.util.Set<Integer> bucketsUnderCheck = new java.util.HashSet<>();
    /** Peers whose liveness is being checked after a failed request; confined to the scheduler thread. */
    private final java.util.Set<Key> peersUnderCheck = new java.util.HashSet<>();
    private final int defaultQuorum;
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong lookupsFinished = new AtomicLong();
    private final AtomicLong lookupNanos = new AtomicLong();
    private final AtomicLong requestsSent = new AtomicLong();
    private final AtomicLong requestFailures = new AtomicLong();
    /** Refresh, stale check, republish and reprovide: the periodic jobs, on the scheduler thread. */
    private final DhtJobs jobs;
    private final Duration staleCheckInterval;
    /**
     * Round-trip estimate over every peer this node measured ({@link RttEstimate}, packed): the timeout
     * basis for peers without an estimate of their own. Confined to the scheduler thread. (When each table
     * peer was last heard from, and its own estimate, are kept on its routing-table entry.)
     */
    private long nodeRtt = RttEstimate.NONE;
    /** Round-trip estimates for adaptive lookup timeouts: the peer's own, else the node's. */
    private final RttSource rttSource = this::rttEstimate;
    private volatile boolean closed;

    private KademliaDht(Builder b, boolean serverMode) {
        DhtConfig c = b.config;
        this.config = c;
        this.network = b.network;
        this.scheduler = b.scheduler != null ? b.scheduler : DhtScheduler.singleThread("dht-" + b.network.self()
                .toBase58().substring(0, 10));
        this.self = network.self();
        this.selfKey = keyOf(self);
        this.selfAddresses = b.selfAddresses;
        this.table = new RoutingTable<>(selfKey, c.routing());
        this.lookupConfig = c.lookup();
        this.disjointPaths = c.disjointPaths();
        this.requestTimeout = c.lookup().peerTimeout();
        this.validators = c.validators();
        this.records = new RecordStore(c.recordStore(), validators);
        this.providers = new ProviderStore(c.providerStore(), b.providerPersistence);
        this.serverMode = serverMode;
        this.refreshInterval = c.refreshInterval();
        this.refreshOnBootstrap = c.refreshOnBootstrap();
        this.checkFullBuckets = c.checkFullBuckets();
        this.staleCheckInterval = c.staleCheckInterval();
        this.defaultQuorum = c.quorum();
        List<KeyspaceHandler> spaces = new ArrayList<>();
        for (var factory : c.keyspaces()) {
            KeyspaceHandler h = Objects.requireNonNull(factory.get(), "keyspace factory returned null");
            spaces.removeIf(x -> x.namespace().equals(h.namespace()));
            spaces.add(h);
        }
        this.keyspaces = List.copyOf(spaces);
        this.jobs = new DhtJobs(this, scheduler, c, b.seed ^ selfKey.hashCode());
        if (serverMode) {
            KadServer server = KadServer.builder()
                    .keyspaces(keyspaces)
                    .self(() -> new PeerInfo(self, selfAddresses.get()))
                    .peers(ClosestPeersSource.of(table, tableLock))
                    .records(records)
                    .providers(providers)
                    .k(c.routing().k())
                    .quota(c.storeQuota())
                    .build();
            network.setRequestHandler((from, request) -> {
                // a peer that queries us in server mode is a candidate, but only one that answers enters the table
                return server.handle(from, request);
            });
        }
    }

    /**
     * A started DHT node on {@code host}: builds the libp2p Kad network adapter (serving {@code config}'s
     * protocol when the mode resolves to server against the host's listen addresses), the node, and the
     * binding that offers identified peers speaking the protocol to the routing table. {@link #close()}
     * closes all three in order (binding, network, node); the host stays open.
     *
     * <p>This is the entry point an embedder uses; {@link #builder(KadNetwork)} is for other networks
     * (the simulator, tests).
     */
    public static KademliaDht onHost(io.gridoverlay.transport.Host host, DhtConfig config) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(config, "config");
        boolean server = config.mode().isServer(host.listenAddresses());
        io.gridoverlay.dht.internal.net.TransportKadNetwork network = io.gridoverlay.dht.internal.net.TransportKadNetwork.builder(host)
                .protocol(config.protocol())
                .serverMode(server)
                .limits(config.limits())
                .inboundIdleTimeout(config.inboundIdleTimeout())
                .streamNegotiation(config.streamNegotiation())
                .build();
        KademliaDht dht = builder(network)
                .config(config.toBuilder().mode(server ? DhtMode.SERVER : DhtMode.CLIENT).build())
                .selfAddresses(host::listenAddresses)
                .build();
        io.gridoverlay.dht.internal.net.HostDhtBinding binding =
                io.gridoverlay.dht.internal.net.HostDhtBinding.bind(host, config.protocol(), p -> dht.addPeer(p, true));
        // trimming spares the connections of routing-table peers (go-libp2p-kad-dht's "kbucket" tag)
        AutoCloseable kbucketTag = host.connectionManager().tagPeers(KBUCKET_TAG, KBUCKET_TAG_VALUE,
                dht::inRoutingTable);
        dht.owned = List.of(kbucketTag, binding, network);
        return dht;
    }

    /** The connection-manager tag of routing-table peers on a host ({@link #onHost}); go-libp2p-kad-dht's name. */
    public static final String KBUCKET_TAG = "kbucket";
    /** Its value, as go-libp2p-kad-dht's: above a recent exchange's bonus alone it is not, so both count. */
    public static final int KBUCKET_TAG_VALUE = 5;

    /** Resources {@link #onHost} created for this node, closed in order after it stops its tasks. */
    private List<AutoCloseable> owned = List.of();

    /** Where this node's tasks run, and its clock (virtual time in the simulator). */
    public DhtScheduler scheduler() {
        return scheduler;
    }

    /** The configuration this node runs with (its mode resolved to SERVER or CLIENT). */
    public DhtConfig config() {
        return config;
    }

    /** A builder over {@code network}. */
    public static Builder builder(KadNetwork network) {
        return new Builder(network);
    }

    /** The 256-bit Kademlia key of a peer: SHA-256 of its id bytes. */
    public static Key keyOf(PeerId peer) {
        return Key.sha256(peer.toBytes());
    }

    public PeerId self() {
        return self;
    }

    public boolean isServerMode() {
        return serverMode;
    }

    public RecordStore records() {
        return records;
    }

    public ProviderStore providers() {
        return providers;
    }

    // ------------------------------------------------------------------ routing table

    /**
     * Offers {@code peer} to the routing table, e.g. when the transport learned that it serves the Kad
     * protocol. Only DHT servers enter.
     */
    public CompletableFuture<AddResult> addPeer(PeerInfo peer, boolean dhtServer) {
        return onLoop(() -> tryAdd(peer, dhtServer));
    }

    /** Whether {@code peer} is in the routing table (a snapshot; any thread). */
    public boolean inRoutingTable(PeerId peer) {
        Key key = keyOf(peer);
        synchronized (tableLock) {
            return table.contains(key);
        }
    }

    /** Peers in the routing table. */
    public int routingTableSize() {
        synchronized (tableLock) {
            return table.size();
        }
    }

    /** Peers per bucket (index 255 is the farthest half of the key space). */
    public int[] peersPerBucket() {
        synchronized (tableLock) {
            return table.peersPerBucket();
        }
    }

    /** The k closest peers to {@code key} in the local routing table (no network). */
    public List<PeerInfo> localClosestPeers(Key key, int count) {
        synchronized (tableLock) {
            return table.closestPeers(key, count);
        }
    }

    /** Health counters: lookups started and finished (with their total duration), requests sent and failed. */
    public Metrics metrics() {
        return new Metrics(lookups.get(), requestsSent.get(), requestFailures.get(), routingTableSize(),
                lookupsFinished.get(), lookupNanos.get());
    }

    /**
     * Routing table and traffic counters.
     *
     * @param lookupsFinished  lookups that ran to their end (not cancelled)
     * @param lookupNanosTotal their summed duration, on the scheduler's clock (virtual in the simulator)
     */
    public record Metrics(long lookups, long requestsSent, long requestFailures, int routingTableSize,
                          long lookupsFinished, long lookupNanosTotal) {
    }

    private AddResult tryAdd(PeerInfo peer, boolean server) {
        if (peer.peerId().equals(self)) {
            return AddResult.SELF;
        }
        Key key = peer.key();
        AddResult result;
        synchronized (tableLock) {
            result = table.tryAdd(key, peer, server, IpGroup.of(peer.addresses()));
        }
        if (result == AddResult.ADDED || result == AddResult.UPDATED) {
            synchronized (tableLock) {
                table.setLastHeard(key, scheduler.nanoTime());
            }
        }
        if (result == AddResult.BUCKET_FULL_PENDING && checkFullBuckets && !closed) {
            checkLeastRecentlySeen(key);
        }
        return result;
    }

    /**
     * Kademlia's rule for a full bucket: ping its least recently seen peer (up to two attempts, so that one
     * lost message does not evict a live peer); if it answers it becomes most recently seen and the newcomer
     * stays in the replacement cache, otherwise it is evicted and the newest cached replacement promoted.
     * At most one check per bucket at a time. Runs on the scheduler thread.
     */
    private void checkLeastRecentlySeen(Key newcomer) {
        int bucket = selfKey.bucketIndex(newcomer);
        if (bucket < 0 || !bucketsUnderCheck.add(bucket)) {
            return;
        }
        Key lrs;
        PeerInfo lrsPeer;
        synchronized (tableLock) {
            lrs = table.leastRecentlySeenInBucketOf(newcomer);
            lrsPeer = lrs == null ? null : table.get(lrs);
        }
        if (lrsPeer == null || heardWithin(lrs, livenessFreshnessNanos())) {
            // a peer heard from recently counts as live: the newcomer waits in the replacement cache
            bucketsUnderCheck.remove(bucket);
            return;
        }
        ping(lrsPeer, LIVENESS_ATTEMPTS).whenComplete((alive, e) -> scheduler.execute(() -> {
            bucketsUnderCheck.remove(bucket);
            if (closed) {
                return;
            }
            synchronized (tableLock) {
                if (!table.contains(lrs)) {
                    return;
                }
                if (Boolean.TRUE.equals(alive)) {
                    table.tryAdd(lrs, table.get(lrs), true, IpGroup.of(lrsPeer.addresses()));
                    table.setLastHeard(lrs, scheduler.nanoTime());
                } else {
                    table.markFailed(lrs);
                }
            }
        }));
    }

    /** Requests sent at most by one liveness check. */
    static final int LIVENESS_ATTEMPTS = 2;

    /** How long a peer counts as live after we last heard from it when the stale check is off. */
    static final Duration DEFAULT_LIVENESS_FRESHNESS = Duration.ofMinutes(10);

    /**
     * A full bucket's least-recently-seen peer is pinged only if not heard from within this time: the
     * stale-check interval, or {@link #DEFAULT_LIVENESS_FRESHNESS} without a stale check. Without this rule
     * every peer offered to a full bucket cost a ping (29.7 M pings in the 100k-node simulation).
     */
    private long livenessFreshnessNanos() {
        return (staleCheckInterval.isZero() ? DEFAULT_LIVENESS_FRESHNESS : staleCheckInterval).toNanos();
    }

    private boolean heardWithin(Key key, long nanos) {
        long heard;
        synchronized (tableLock) {
            heard = table.lastHeard(key);
        }
        return heard != RoutingTable.NEVER && scheduler.nanoTime() - heard < nanos;
    }

    /**
     * Notes a measured round trip to {@code peer}: into the node's estimate and, if the peer is in the
     * routing table, into its own. Runs on the scheduler thread.
     */
    private void onRoundTrip(Key peer, long rttNanos) {
        nodeRtt = RttEstimate.update(nodeRtt, rttNanos);
        synchronized (tableLock) {
            long own = table.rtt(peer);
            table.setRtt(peer, RttEstimate.update(own, rttNanos));
        }
    }

    /** The round-trip estimate used for a request to {@code peer}: its own if measured, else the node's. */
    private long rttEstimate(Key peer) {
        long own;
        synchronized (tableLock) {
            own = table.rtt(peer);
        }
        return own != RttEstimate.NONE ? own : nodeRtt;
    }

    /** The node-wide round-trip estimate ({@link RttEstimate}, packed; {@link RttEstimate#NONE} before any answer). */
    public CompletableFuture<Long> roundTripEstimate() {
        return onLoop(() -> nodeRtt);
    }

    /**
     * Sends {@code request} to {@code peer}; the returned future completes on the scheduler thread, after
     * the round trip of an answered request has been noted ({@link #onRoundTrip}).
     */
    private CompletableFuture<KadResponse> sendTimed(PeerInfo peer, KadRequest request) {
        requestsSent.incrementAndGet();
        long sent = scheduler.nanoTime();
        CompletableFuture<KadResponse> f = network.send(peer, request, requestTimeout);
        CompletableFuture<KadResponse> timed = new CompletableFuture<>();
        f.whenComplete((r, e) -> scheduler.execute(() -> {
            if (e == null) {
                if (request.expectsResponse()) {
                    onRoundTrip(peer.key(), scheduler.nanoTime() - sent);
                }
                timed.complete(r);
            } else {
                timed.completeExceptionally(e);
            }
        }));
        return timed;
    }

    /** Pings {@code peer} up to {@code attempts} times; completes with whether any ping was answered. */
    private CompletableFuture<Boolean> ping(PeerInfo peer, int attempts) {
        return sendTimed(peer, new KadRequest.Ping()).handle((r, e) -> e == null)
                .thenCompose(ok -> {
                    if (ok || attempts <= 1 || closed) {
                        if (!ok) {
                            requestFailures.incrementAndGet();
                        }
                        return CompletableFuture.completedFuture(ok);
                    }
                    requestFailures.incrementAndGet();
                    return ping(peer, attempts - 1);
                });
    }

    /**
     * {@code peer} answered a request. The lookup's copy of it may carry the addresses a third party listed
     * in its closer peers: those may introduce a peer the table does not hold yet, but never replace the
     * addresses the table holds (learned first-hand, from Identify or {@link #addPeer}), which would then be
     * served on to every requester.
     */
    private void onResponded(PeerInfo peer) {
        synchronized (tableLock) {
            PeerInfo known = table.get(peer.key());
            if (known != null && (!known.addresses().isEmpty() || peer.addresses().isEmpty())) {
                peer = known;
            }
        }
        tryAdd(peer, true);
    }

    /**
     * A request to {@code peer} failed or timed out. As go-libp2p-kad-dht, a peer that fails a query
     * leaves the table, but only after it also fails a liveness check ({@link #LIVENESS_ATTEMPTS} pings):
     * on a lossy network one lost message would otherwise evict a live peer (at 10 % loss a request and
     * its response fail together 19 % of the time, a liveness check 3.6 %). Runs on the scheduler thread.
     */
    private void onUnresponsive(PeerInfo peer) {
        requestFailures.incrementAndGet();
        confirmOrEvict(peer);
    }

    /**
     * Pings a table peer: an answer refreshes it, no answer evicts it. At most one check per peer at a time.
     * The future completes once the check is over (at once when none was needed).
     */
    CompletableFuture<Void> confirmOrEvict(PeerInfo peer) {
        Key k = peer.key();
        synchronized (tableLock) {
            if (!table.contains(k)) {
                return CompletableFuture.completedFuture(null);
            }
        }
        if (closed || !peersUnderCheck.add(k)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        ping(peer, LIVENESS_ATTEMPTS).whenComplete((alive, e) -> scheduler.execute(() -> {
            try {
                peersUnderCheck.remove(k);
                if (closed) {
                    return;
                }
                synchronized (tableLock) {
                    if (!table.contains(k)) {
                        return;
                    }
                    if (!Boolean.TRUE.equals(alive)) {
                        table.markFailed(k);
                        return;
                    }
                    table.setLastHeard(k, scheduler.nanoTime());
                }
            } finally {
                done.complete(null);
            }
        }));
        return done;
    }

    // ------------------------------------------------------------------ bootstrap and refresh

    /**
     * Joins (or rejoins) the network: adds {@code seeds} to the routing table, looks up our own key until
     * the k closest peers have answered (so that every one of our future neighbours has been queried by us
     * and learns us, as in the Kademlia paper's join), then, unless disabled with
     * {@link Builder#refreshOnBootstrap}, refreshes every bucket once (go-libp2p-kad-dht refreshes on
     * start), and starts the periodic random-walk refresh. Completes with the self-lookup's result when
     * the self-lookup and the bucket refresh are done.
     */
    public CompletableFuture<LookupResult> bootstrap(Collection<PeerInfo> seeds) {
        LookupConfig selfLookup = LookupConfig.builder().parallelism(lookupConfig.parallelism())
                .numResults(lookupConfig.numResults()).resiliency(lookupConfig.numResults()).answeredOnly(true)
                .peerTimeout(lookupConfig.peerTimeout()).overallTimeout(lookupConfig.overallTimeout())
                .maxCloserPeersPerResponse(lookupConfig.maxCloserPeersPerResponse())
                .maxAttempts(Math.max(2, lookupConfig.maxAttempts()))
                .adaptiveTimeout(lookupConfig.adaptiveTimeoutMin()).build();
        return onLoop(() -> {
            for (PeerInfo s : seeds) {
                tryAdd(s, true);
            }
            return null;
        }).thenCompose(v -> lookup(selfKey, self.toBytes(), selfLookup))
                .thenCompose(r -> refreshOnBootstrap
                        ? refreshBuckets(Long.MAX_VALUE).handle((v, e) -> r)
                        : CompletableFuture.completedFuture(r))
                .whenComplete((r, e) -> startMaintenance());
    }

    /**
     * Starts the periodic jobs if they are not running: the random-walk bucket refresh and the stale-peer
     * check. {@link #bootstrap} does this; call it for a node whose routing table was filled otherwise.
     */
    public void startMaintenance() {
        scheduler.execute(jobs::startMaintenance);
    }

    /** Looks up a random key in every bucket not looked up within the refresh interval. */
    public CompletableFuture<Void> refreshDueBuckets() {
        return refreshBuckets(refreshInterval.toNanos());
    }

    /** Looks up a random key in every bucket (down to the lowest non-empty) not looked up within {@code nanos}. */
    private CompletableFuture<Void> refreshBuckets(long nanos) {
        return onLoop(() -> jobs.refreshBuckets(nanos)).thenCompose(f -> f);
    }

    /** Stops republishing {@code key} (the stored copies expire on their own). */
    public void stopPublishing(byte[] key) {
        byte[] k = key.clone();
        scheduler.execute(() -> jobs.forget(k));
    }

    // ------------------------------------------------------------------ what the jobs need (scheduler thread)

    boolean isClosed() {
        return closed;
    }

    /** The periodic jobs (tests drive them directly). */
    DhtJobs jobs() {
        return jobs;
    }

    Key selfKey() {
        return selfKey;
    }

    /** Table peers not heard from within {@code maxAgeNanos} (or never) whose key passes {@code filter}. */
    List<PeerInfo> peersNotHeardWithin(long maxAgeNanos, java.util.function.Predicate<Key> filter) {
        long now = scheduler.nanoTime();
        List<PeerInfo> stale = new ArrayList<>(0);
        synchronized (tableLock) {
            table.forEachHeard((key, peer, heard) -> {
                if ((heard == RoutingTable.NEVER || now - heard >= maxAgeNanos) && filter.test(key)) {
                    stale.add(peer);
                }
            });
        }
        return stale;
    }

    /** Indices of the buckets not looked up within {@code nanos} (0: every bucket). */
    int[] bucketsDueForRefresh(long nanos) {
        synchronized (tableLock) {
            return table.bucketsDueForRefresh(scheduler.nanoTime(), nanos);
        }
    }

    /** A FIND_NODE lookup of {@code target} itself (a random-walk refresh). */
    CompletableFuture<LookupResult> lookupKey(Key target) {
        return lookup(target, target.toBytes());
    }

    /** Puts {@code value} to the closest peers again if it is still valid; returns whether it was. */
    boolean republish(byte[] key, byte[] value) {
        if (!validators.validate(key, value, scheduler.now()).isValid()) {
            return false;
        }
        replicate(KadRecord.of(key, value));
        return true;
    }

    /** Announces this node as a provider of {@code key} again. */
    void reprovide(byte[] key) {
        PeerInfo me = new PeerInfo(self, selfAddresses.get());
        if (serverMode) {
            providers.addProvider(key, me);
        }
        announce(key, me);
    }

    // ------------------------------------------------------------------ lookups

    /** The k closest peers to {@code key} (bytes as in FIND_NODE: a peer id or a record key). */
    public CompletableFuture<LookupResult> findClosestPeers(byte[] key) {
        return lookup(Key.sha256(key), key);
    }

    private CompletableFuture<LookupResult> lookup(Key target, byte[] wireKey) {
        return lookup(target, wireKey, lookupConfig);
    }

    private CompletableFuture<LookupResult> lookup(Key target, byte[] wireKey, LookupConfig config) {
        CompletableFuture<LookupResult> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            PeerLookup<PeerInfo> it = newLookup(target, config);
            cancelWith(result, it::finish);
            KadRequest request = new KadRequest.FindNode(wireKey);
            new Run(it::next, it::onFailure, it::nextTimerNanos, p -> request,
                    (p, r) -> it.onSuccess(p, closer(r)),
                    () -> result.complete(new LookupResult(
                            config.answeredOnly() ? it.result() : it.closestPeers(), it.stats())),
                    target).start();
        });
        return result;
    }

    /** This node's store of a configured keyspace ({@link DhtConfig.Builder#keyspace}), if there is one. */
    public Optional<KeyspaceHandler> keyspace(String namespace) {
        return keyspaces.stream().filter(h -> h.namespace().equals(namespace)).findFirst();
    }

    /** One value returned by a peer during {@link #collectValues}, not validated. */
    public record CollectedValue(PeerId from, byte[] value) {
    }

    /**
     * The values returned along a GET_VALUE lookup of {@code key}, not validated (the caller verifies each),
     * and what the lookup cost.
     */
    public record ValueCollection(List<CollectedValue> values, LookupStats stats) {
        public ValueCollection {
            values = List.copyOf(values);
        }
    }

    /**
     * Runs a GET_VALUE lookup of {@code key} and collects every value returned, unvalidated and without
     * choosing among them: for keyspaces whose value is a set of independently signed entries. Stops once
     * {@code holders} peers returned a value (0 = when the lookup ends). Sends nothing else (no correction).
     */
    public CompletableFuture<ValueCollection> collectValues(byte[] key, int holders) {
        if (holders < 0) {
            throw new IllegalArgumentException("holders must be >= 0, got " + holders);
        }
        byte[] wireKey = key.clone();
        CompletableFuture<ValueCollection> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            Key target = Key.sha256(wireKey);
            PeerLookup<PeerInfo> it = newLookup(target);
            cancelWith(result, it::finish);
            List<CollectedValue> values = new ArrayList<>();
            KadRequest request = new KadRequest.GetValue(wireKey);
            new Run(it::next, it::onFailure, it::nextTimerNanos, p -> request, (p, r) -> {
                it.onSuccess(p, closer(r));
                Optional<KadRecord> rec = r.record().filter(x -> x.keyEquals(wireKey));
                if (rec.isPresent() && !result.isDone()) {
                    values.add(new CollectedValue(p.peerId(), rec.get().value()));
                    if (holders > 0 && values.size() >= holders) {
                        it.finish();
                    }
                }
            }, () -> result.complete(new ValueCollection(values, it.stats())), target).start();
        });
        return result;
    }

    /** A peer's answer to one PUT_VALUE of {@link #putToClosest}: the record it echoed, or why it failed. */
    public record PutOutcome(PeerId peer, Optional<KadRecord> echoed, Optional<Throwable> failure) {
    }

    /** The answers of {@link #putToClosest} and the cost of the lookup before them. */
    public record PutOutcomes(List<PutOutcome> outcomes, LookupStats lookup) {
        public PutOutcomes {
            outcomes = List.copyOf(outcomes);
        }

        /** How many peers answered (whatever the answer said). */
        public long answered() {
            return outcomes.stream().filter(o -> o.echoed().isPresent()).count();
        }
    }

    /**
     * Sends {@code record} as PUT_VALUE to the {@code replicas} peers closest to its key (found by a lookup),
     * without validating it locally or storing it here, and without republishing: for keyspaces whose
     * servers answer each write with an outcome. Completes with every peer's answer.
     */
    public CompletableFuture<PutOutcomes> putToClosest(KadRecord record, int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
        }
        KadRequest request = new KadRequest.PutValue(record);
        return findClosestPeers(record.key()).thenCompose(r -> {
            List<PeerInfo> targets = r.peers().subList(0, Math.min(replicas, r.peers().size()));
            List<CompletableFuture<PutOutcome>> answers = new ArrayList<>(targets.size());
            for (PeerInfo p : targets) {
                answers.add(sendTimed(p, request).handle((resp, e) -> {
                    if (e != null) {
                        requestFailures.incrementAndGet();
                        return new PutOutcome(p.peerId(), Optional.empty(), Optional.of(e));
                    }
                    return new PutOutcome(p.peerId(), resp.record(), Optional.empty());
                }));
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .thenApply(v -> new PutOutcomes(answers.stream().map(CompletableFuture::join).toList(),
                            r.stats()));
        });
    }

    /** Finds {@code peer}'s addresses: from the routing table, or by a lookup that stops when it is seen. */
    public CompletableFuture<Optional<PeerInfo>> findPeer(PeerId peer) {
        CompletableFuture<Optional<PeerInfo>> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            Key target = keyOf(peer);
            PeerInfo known;
            synchronized (tableLock) {
                known = table.get(target);
            }
            if (known != null && !known.addresses().isEmpty()) {
                result.complete(Optional.of(known));
                return;
            }
            FindPeerQuery<PeerInfo> q = new FindPeerQuery<>(newLookup(target));
            cancelWith(result, q::finish);
            KadRequest request = new KadRequest.FindNode(peer.toBytes());
            new Run(q::next, q::onFailure, q::nextTimerNanos, p -> request, (p, r) -> q.onSuccess(p, closer(r)),
                    () -> result.complete(q.found()), target).start();
        });
        return result;
    }

    /**
     * Stores {@code value} under {@code key} locally (server mode) and at the k closest peers. The value must
     * pass the namespace's validator. Completes with the number of remote peers that stored it.
     *
     * @throws RecordRejectedException (in the future) if the value is invalid
     */
    public CompletableFuture<Integer> putValue(byte[] key, byte[] value) {
        KadRecord record = KadRecord.of(key, value);
        var v = validators.validate(key, value, scheduler.now());
        if (!v.isValid()) {
            return CompletableFuture.failedFuture(new RecordRejectedException(RecordRejectedException.Reason.INVALID,
                    ((io.gridoverlay.core.record.Verification.Invalid<?>) v).reason()));
        }
        if (serverMode) {
            try {
                records.put(record);
            } catch (RecordRejectedException e) {
                LOG.debug("not storing {} locally: {}", io.gridoverlay.core.record.RecordValidator.keyText(key),
                        e.getMessage());
            }
        }
        byte[] keyCopy = key.clone();
        byte[] valueCopy = value.clone();
        scheduler.execute(() -> jobs.published(keyCopy, valueCopy));
        return replicate(record);
    }

    private CompletableFuture<Integer> replicate(KadRecord record) {
        return findClosestPeers(record.key()).thenCompose(r -> sendToAll(r.peers(), new KadRequest.PutValue(record)));
    }

    /** Gets the best value under {@code key} with the default quorum. */
    public CompletableFuture<Optional<byte[]>> getValue(byte[] key) {
        return getValue(key, defaultQuorum);
    }

    /**
     * Gets the best valid value under {@code key}: stops after {@code quorum} valid answers (0 = ask until the
     * lookup ends), then sends the best value to the closest peers that returned an older one or none.
     * When two valid answers conflict in a way the key's validator refuses to resolve (two versions of one
     * deployment with one number), the future fails with that {@link EquivocationException} instead of
     * picking one, and nothing is sent back to the peers.
     */
    public CompletableFuture<Optional<byte[]>> getValue(byte[] key, int quorum) {
        CompletableFuture<Optional<byte[]>> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            Key target = Key.sha256(key);
            java.util.concurrent.atomic.AtomicReference<EquivocationException> conflict =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Comparator<byte[]> preference = preference(key, conflict);
            GetValueQuery<PeerInfo, byte[]> q = new GetValueQuery<>(newLookup(target), quorum,
                    value -> validators.validate(key, value, scheduler.now()).isValid(), preference);
            cancelWith(result, q::finish);
            Optional<byte[]> local = serverMode ? records.get(key).map(KadRecord::value) : Optional.empty();
            KadRequest request = new KadRequest.GetValue(key);
            new Run(q::next, q::onFailure, q::nextTimerNanos, p -> request, (p, r) -> {
                Optional<KadRecord> rec = r.record().filter(x -> x.keyEquals(key));
                if (rec.isPresent()) {
                    q.onSuccess(p, rec.get().value(), closer(r));
                } else {
                    q.onSuccess(p, closer(r));
                }
            }, () -> {
                Optional<byte[]> best = q.best();
                if (local.isPresent() && (best.isEmpty() || preference.compare(local.get(), best.get()) > 0)) {
                    best = local;
                }
                if (conflict.get() != null) {
                    result.completeExceptionally(conflict.get());
                    return;
                }
                result.complete(best);
                if (best.isPresent()) {
                    List<PeerInfo> targets = q.correctionTargets();
                    if (!targets.isEmpty()) {
                        sendToAll(targets, new KadRequest.PutValue(KadRecord.of(key, best.get())));
                    }
                }
            }, target).start();
        });
        return result;
    }

    /**
     * Orders two valid values of {@code key} by the key's validator; a pair it refuses to order (an
     * equivocation) compares equal and is recorded in {@code conflict}, so that the query's caller is told.
     */
    private Comparator<byte[]> preference(byte[] key, java.util.concurrent.atomic.AtomicReference<EquivocationException> conflict) {
        return (a, b) -> {
            if (Arrays.equals(a, b)) {
                return 0;
            }
            try {
                return validators.select(key, List.of(a, b), scheduler.now()) == 0 ? 1 : -1;
            } catch (EquivocationException e) {
                conflict.compareAndSet(null, e);
                return 0;
            }
        };
    }

    /** Announces this node as a provider of {@code key} to the k closest peers; completes with how many. */
    public CompletableFuture<Integer> provide(byte[] key) {
        PeerInfo me = new PeerInfo(self, selfAddresses.get());
        if (serverMode) {
            providers.addProvider(key, me);
        }
        byte[] keyCopy = key.clone();
        scheduler.execute(() -> jobs.provided(keyCopy));
        return announce(key, me);
    }

    private CompletableFuture<Integer> announce(byte[] key, PeerInfo me) {
        return findClosestPeers(key).thenCompose(r -> sendToAll(r.peers(), new KadRequest.AddProvider(key, List.of(me))));
    }

    /** Finds up to {@code max} providers of {@code key} (0 = as many as the lookup finds). */
    public CompletableFuture<List<PeerInfo>> findProviders(byte[] key, int max) {
        CompletableFuture<List<PeerInfo>> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            Key target = Key.sha256(key);
            GetProvidersQuery<PeerInfo, PeerInfo> q = new GetProvidersQuery<>(newLookup(target), max,
                    PeerInfo::peerId);
            cancelWith(result, q::finish);
            List<PeerInfo> local = serverMode ? providers.providers(key) : List.of();
            KadRequest request = new KadRequest.GetProviders(key);
            new Run(q::next, q::onFailure, q::nextTimerNanos, p -> request,
                    (p, r) -> q.onSuccess(p, r.providers(), closer(r)),
                    () -> {
                        List<PeerInfo> all = new ArrayList<>(local);
                        for (PeerInfo p : q.providers()) {
                            if (all.stream().noneMatch(x -> x.peerId().equals(p.peerId()))) {
                                all.add(p);
                            }
                        }
                        result.complete(max > 0 && all.size() > max ? all.subList(0, max) : all);
                    }, target).start();
        });
        return result;
    }

    /** Cancelling the caller's future stops the lookup: no further requests are sent. */
    private void cancelWith(CompletableFuture<?> result, Runnable finish) {
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                scheduler.execute(finish);
            }
        });
    }

    private PeerLookup<PeerInfo> newLookup(Key target) {
        return newLookup(target, lookupConfig);
    }

    private PeerLookup<PeerInfo> newLookup(Key target, LookupConfig config) {
        lookups.incrementAndGet();
        List<PeerInfo> seeds;
        synchronized (tableLock) {
            table.recordLookup(target, scheduler.nanoTime());
            seeds = table.closestPeers(target, config.numResults());
        }
        var builder = ClosestPeersIterator.<PeerInfo>builder(target, PeerInfo::key)
                .seeds(seeds)
                .config(config)
                .rtt(rttSource)
                .clock(scheduler::nanoTime)
                .localKey(selfKey);
        return disjointPaths > 1 ? builder.buildDisjoint(disjointPaths) : builder.build();
    }

    private List<PeerInfo> closer(KadResponse r) {
        List<PeerInfo> out = new ArrayList<>(r.closerPeers().size());
        for (PeerInfo p : r.closerPeers()) {
            if (!p.peerId().equals(self)) {
                out.add(p);
            }
        }
        return out;
    }

    private CompletableFuture<Integer> sendToAll(List<PeerInfo> peers, KadRequest request) {
        AtomicInteger ok = new AtomicInteger();
        CompletableFuture<?>[] all = new CompletableFuture<?>[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            PeerInfo p = peers.get(i);
            all[i] = sendTimed(p, request).handle((r, e) -> {
                if (e == null) {
                    ok.incrementAndGet();
                } else {
                    requestFailures.incrementAndGet();
                }
                return null;
            });
        }
        return CompletableFuture.allOf(all).thenApply(v -> ok.get());
    }

    /** Drives one lookup on the scheduler thread: send what the state machine asks, feed it the answers. */
    private final class Run {
        private final Function<Long, LookupState<PeerInfo>> next;
        private final Consumer<PeerInfo> onFailure;
        private final Supplier<java.util.OptionalLong> nextTimer;
        private final Function<PeerInfo, KadRequest> request;
        private final BiConsumer<PeerInfo, KadResponse> onResponse;
        private final Runnable onFinished;
        private final Key target;
        private Runnable wake;
        private boolean finished;
        private final long startedNanos = scheduler.nanoTime();
        /** Requests sent per peer, to tell a retry's outcome from its predecessor's. */
        private final java.util.Map<PeerId, Integer> attempts = new java.util.HashMap<>();

        Run(Function<Long, LookupState<PeerInfo>> next, Consumer<PeerInfo> onFailure,
            Supplier<java.util.OptionalLong> nextTimer, Function<PeerInfo, KadRequest> request,
            BiConsumer<PeerInfo, KadResponse> onResponse, Runnable onFinished, Key target) {
            this.next = next;
            this.onFailure = onFailure;
            this.nextTimer = nextTimer;
            this.request = request;
            this.onResponse = onResponse;
            this.onFinished = onFinished;
            this.target = Objects.requireNonNull(target);
        }

        void start() {
            step();
        }

        private void step() {
            if (finished) {
                return;
            }
            while (true) {
                LookupState<PeerInfo> s = next.apply(scheduler.nanoTime());
                if (s instanceof LookupState.Waiting<PeerInfo> w) {
                    send(w.peer());
                } else if (s instanceof LookupState.Finished<PeerInfo>) {
                    finished = true;
                    lookupsFinished.incrementAndGet();
                    lookupNanos.addAndGet(scheduler.nanoTime() - startedNanos);
                    if (wake != null) {
                        wake.run();
                    }
                    onFinished.run();
                    return;
                } else {
                    java.util.OptionalLong t = nextTimer.get();
                    if (wake != null) {
                        wake.run();
                        wake = null;
                    }
                    if (t.isPresent()) {
                        wake = scheduler.schedule(this::step, Math.max(0, t.getAsLong() - scheduler.nanoTime()));
                    }
                    return;
                }
            }
        }

        private void send(PeerInfo peer) {
            int attempt = attempts.merge(peer.peerId(), 1, Integer::sum);
            sendTimed(peer, request.apply(peer)).whenComplete((r, e) -> {
                if (e != null) {
                    onUnresponsive(peer);
                    // the failure of an attempt the lookup already timed out and retried is not the retry's
                    if (attempts.get(peer.peerId()) == attempt) {
                        onFailure.accept(peer);
                    }
                } else {
                    onResponded(peer);
                    onResponse.accept(peer, r);
                }
                step();
            });
        }
    }

    private <T> CompletableFuture<T> onLoop(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Stops the refresh task and the scheduler (if this DHT created it). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", c, e);
            }
        }
        jobs.cancel();
        if (ownsScheduler) {
            scheduler.close();
        }
    }

    private boolean ownsScheduler;

    /** Builder over any {@link KadNetwork} (the simulator's, a test's); only the network is required. */
    public static final class Builder {
        private final KadNetwork network;
        private DhtScheduler scheduler;
        private Supplier<List<Multiaddr>> selfAddresses = List::of;
        private io.gridoverlay.dht.record.ProviderPersistence providerPersistence =
                io.gridoverlay.dht.record.ProviderPersistence.none();
        private DhtConfig config = DhtConfig.defaults();
        private long seed = System.nanoTime();

        Builder(KadNetwork network) {
            this.network = Objects.requireNonNull(network, "network");
        }

        /**
         * Everything that configures the node; default {@link DhtConfig#defaults()}. Its protocol, limits
         * and stream settings belong to the network and are not read here; {@link DhtMode#AUTO} means server.
         */
        public Builder config(DhtConfig c) { this.config = Objects.requireNonNull(c, "config"); return this; }
        /** Where the DHT runs; default: its own thread. */
        public Builder scheduler(DhtScheduler s) { this.scheduler = s; return this; }
        /** Our addresses as announced in ADD_PROVIDER and FIND_NODE answers. */
        public Builder selfAddresses(Supplier<List<Multiaddr>> s) { this.selfAddresses = s; return this; }
        /** Where provider entries are kept across restarts (records: see {@link RecordStoreConfig}). */
        public Builder providerPersistence(io.gridoverlay.dht.record.ProviderPersistence p) {
            this.providerPersistence = p;
            return this;
        }
        /** Seed for random refresh targets (reproducible simulations). */
        public Builder seed(long s) { this.seed = s; return this; }

        public KademliaDht build() {
            boolean owns = scheduler == null;
            // over a bare network the network's owner decides: AUTO means server, as this builder always did
            KademliaDht d = new KademliaDht(this, config.mode() != DhtMode.CLIENT);
            d.ownsScheduler = owns;
            return d;
        }
    }
}
