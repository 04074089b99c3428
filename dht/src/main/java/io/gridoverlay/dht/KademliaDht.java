package io.gridoverlay.dht;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Protocol;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.EquivocationException;
import io.gridoverlay.dht.protocol.ClosestPeersSource;
import io.gridoverlay.dht.protocol.KadNetwork;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.KadServer;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.query.ClosestPeersIterator;
import io.gridoverlay.dht.query.FindPeerQuery;
import io.gridoverlay.dht.query.GetProvidersQuery;
import io.gridoverlay.dht.query.GetValueQuery;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.query.LookupState;
import io.gridoverlay.dht.query.LookupStats;
import io.gridoverlay.dht.query.PeerLookup;
import io.gridoverlay.dht.query.RttEstimate;
import io.gridoverlay.dht.query.RttSource;
import io.gridoverlay.dht.record.ProviderStore;
import io.gridoverlay.dht.record.ProviderStoreConfig;
import io.gridoverlay.dht.record.RecordRejectedException;
import io.gridoverlay.dht.record.RecordStore;
import io.gridoverlay.dht.record.RecordStoreConfig;
import io.gridoverlay.dht.record.Validators;
import io.gridoverlay.dht.routing.AddResult;
import io.gridoverlay.dht.routing.IpGroup;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTable;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
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
 * <p>The same code runs over libp2p streams ({@link io.gridoverlay.dht.net.TransportKadNetwork}) and in the
 * simulator: it does no I/O itself. All state is confined to the {@link DhtScheduler}'s thread; the public
 * methods are thread-safe and return futures completed on that thread.
 */
public final class KademliaDht implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KademliaDht.class);

    private final KadNetwork network;
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
    private final Random random;
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong requestsSent = new AtomicLong();
    private final AtomicLong requestFailures = new AtomicLong();
    private final Duration republishInterval;
    private final Duration reprovideInterval;
    /** Values this node published, re-put every republish interval; confined to the scheduler thread. */
    private final java.util.Map<java.nio.ByteBuffer, byte[]> published = new java.util.HashMap<>();
    /** Keys this node provides, re-announced every reprovide interval; confined to the scheduler thread. */
    private final java.util.Set<java.nio.ByteBuffer> provided = new java.util.HashSet<>();
    private volatile Runnable refreshTask;
    private volatile Runnable staleCheckTask;
    private final Duration staleCheckInterval;
    /**
     * Round-trip estimate over every peer this node measured ({@link RttEstimate}, packed): the timeout
     * basis for peers without an estimate of their own. Confined to the scheduler thread. (When each table
     * peer was last heard from, and its own estimate, are kept on its routing-table entry.)
     */
    private long nodeRtt = RttEstimate.NONE;
    /** Round-trip estimates for adaptive lookup timeouts: the peer's own, else the node's. */
    private final RttSource rttSource = this::rttEstimate;
    private volatile Runnable republishTask;
    private volatile Runnable reprovideTask;
    private volatile boolean closed;

    private KademliaDht(Builder b) {
        this.network = b.network;
        this.scheduler = b.scheduler != null ? b.scheduler : DhtScheduler.singleThread("dht-" + b.network.self()
                .toBase58().substring(0, 10));
        this.self = network.self();
        this.selfKey = keyOf(self);
        this.selfAddresses = b.selfAddresses;
        this.table = new RoutingTable<>(selfKey, b.routing);
        this.lookupConfig = b.lookup;
        this.disjointPaths = b.disjointPaths;
        this.requestTimeout = b.lookup.peerTimeout();
        this.validators = b.validators;
        this.records = new RecordStore(b.recordStore, validators);
        this.providers = new ProviderStore(b.providerStore, b.providerPersistence);
        this.serverMode = b.serverMode;
        this.refreshInterval = b.refreshInterval;
        this.refreshOnBootstrap = b.refreshOnBootstrap;
        this.checkFullBuckets = b.checkFullBuckets;
        this.staleCheckInterval = b.staleCheckInterval;
        this.republishInterval = b.republishInterval;
        this.reprovideInterval = b.reprovideInterval;
        this.defaultQuorum = b.quorum;
        this.random = new Random(b.seed ^ selfKey.hashCode());
        if (serverMode) {
            KadServer server = KadServer.builder()
                    .self(() -> new PeerInfo(self, selfAddresses.get()))
                    .peers(ClosestPeersSource.of(table, tableLock))
                    .records(records)
                    .providers(providers)
                    .k(b.routing.k())
                    .build();
            network.setRequestHandler((from, request) -> {
                // a peer that queries us in server mode is a candidate, but only one that answers enters the table
                return server.handle(from, request);
            });
        }
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

    /** Health counters: lookups started, requests sent, requests failed. */
    public Metrics metrics() {
        return new Metrics(lookups.get(), requestsSent.get(), requestFailures.get(), routingTableSize());
    }

    /** Routing table and traffic counters. */
    public record Metrics(long lookups, long requestsSent, long requestFailures, int routingTableSize) {
    }

    private AddResult tryAdd(PeerInfo peer, boolean server) {
        if (peer.peerId().equals(self)) {
            return AddResult.SELF;
        }
        Key key = peer.key();
        AddResult result;
        synchronized (tableLock) {
            result = table.tryAdd(key, peer, server, ipGroup(peer.addresses()));
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
                    table.tryAdd(lrs, table.get(lrs), true, ipGroup(lrsPeer.addresses()));
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

    private void onResponded(PeerInfo peer) {
        // prefer the addresses we already hold if the response came without any
        if (peer.addresses().isEmpty()) {
            synchronized (tableLock) {
                PeerInfo known = table.get(peer.key());
                if (known != null) {
                    peer = known;
                }
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
    private CompletableFuture<Void> confirmOrEvict(PeerInfo peer) {
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

    static IpGroup ipGroup(List<Multiaddr> addresses) {
        for (Multiaddr a : addresses) {
            Multiaddr.Component c = a.components().get(0);
            if (c.protocol() == Protocol.IP4 || c.protocol() == Protocol.IP6) {
                try {
                    return IpGroup.of(InetAddress.getByAddress(c.value()));
                } catch (UnknownHostException e) {
                    return IpGroup.EXEMPT;
                }
            }
        }
        return IpGroup.EXEMPT;
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
        scheduler.execute(() -> {
            startRefresh();
            startStaleCheck();
        });
    }

    private void startStaleCheck() {
        if (staleCheckInterval.isZero() || staleCheckTask != null || closed) {
            return;
        }
        long interval = staleCheckInterval.toNanos();
        long tick = Math.max(1, interval / STALE_CHECK_SLICES);
        int[] slice = {0};
        Runnable[] task = new Runnable[1];
        task[0] = () -> {
            if (closed) {
                return;
            }
            checkStalePeers(interval, slice[0]);
            slice[0] = (slice[0] + 1) % STALE_CHECK_SLICES;
            staleCheckTask = scheduler.schedule(task[0], tick);
        };
        // a random phase, so that nodes started together do not check together
        staleCheckTask = scheduler.schedule(task[0], (long) (random.nextDouble() * tick));
    }

    /**
     * The stale-peer check examines one of this many slices of the routing table (by key hash) per
     * {@code interval / STALE_CHECK_SLICES}, so each peer is examined once per interval and the pings spread
     * over it instead of a burst every interval (the burst of ≈ 25 M pings at t = 10 min stalled the
     * 100k-node simulation).
     */
    static final int STALE_CHECK_SLICES = 16;

    /** The stale-check slice of a table peer: a uniform function of its key. */
    static int staleCheckSlice(Key key) {
        return Math.floorMod(key.hashCode(), STALE_CHECK_SLICES);
    }

    /**
     * Pings every routing-table peer of slice {@code slice} ({@link #staleCheckSlice}; -1 = every slice) not
     * heard from (no answer to us, no request from it) within {@code maxAgeNanos} and evicts those that fail
     * {@link #LIVENESS_ATTEMPTS} pings, promoting a replacement (go-libp2p-kad-dht checks such peers before
     * each table refresh). Without it a peer that crashed stays in a bucket that is not full until this node
     * happens to query it, and is handed out in answers meanwhile, crowding live peers out of the k closest.
     * At most {@link #STALE_CHECK_PARALLELISM} checks run at once. Returns the number of peers to check.
     * Runs on the scheduler thread; O(table size) plus one check per stale peer.
     */
    int checkStalePeers(long maxAgeNanos, int slice) {
        long now = scheduler.nanoTime();
        List<PeerInfo> stale = new ArrayList<>(0);
        synchronized (tableLock) {
            table.forEachHeard((key, peer, heard) -> {
                if ((heard == RoutingTable.NEVER || now - heard >= maxAgeNanos)
                        && (slice < 0 || staleCheckSlice(key) == slice)) {
                    stale.add(peer);
                }
            });
        }
        if (stale.isEmpty()) {
            return 0;
        }
        java.util.ArrayDeque<PeerInfo> queue = new java.util.ArrayDeque<>(stale);
        for (int i = 0; i < STALE_CHECK_PARALLELISM; i++) {
            nextStaleCheck(queue);
        }
        return stale.size();
    }

    /** Checks at most this many stale peers at once (all at once took a 100k-node simulation past 8 GiB). */
    static final int STALE_CHECK_PARALLELISM = 8;

    /** Starts the check of the next queued stale peer; each finished check starts the next. */
    private void nextStaleCheck(java.util.ArrayDeque<PeerInfo> queue) {
        PeerInfo peer = queue.poll();
        if (peer == null || closed) {
            return;
        }
        confirmOrEvict(peer).whenComplete((v, e) -> scheduler.execute(() -> nextStaleCheck(queue)));
    }

    private void startRefresh() {
        if (refreshInterval.isZero() || refreshTask != null || closed) {
            return;
        }
        long interval = refreshInterval.toNanos();
        Runnable[] self = new Runnable[1];
        self[0] = () -> {
            if (closed) {
                return;
            }
            refreshDueBuckets().whenComplete((v, e) -> refreshTask = scheduler.schedule(self[0], interval));
        };
        refreshTask = scheduler.schedule(self[0], interval);
    }

    /** Looks up a random key in every bucket not looked up within the refresh interval. */
    public CompletableFuture<Void> refreshDueBuckets() {
        return refreshBuckets(refreshInterval.toNanos());
    }

    /** Looks up a random key in every bucket (down to the lowest non-empty) not looked up within {@code nanos}. */
    private CompletableFuture<Void> refreshBuckets(long nanos) {
        return onLoop(() -> {
            int[] due;
            synchronized (tableLock) {
                due = table.bucketsDueForRefresh(scheduler.nanoTime(), nanos == Long.MAX_VALUE ? 0 : nanos);
            }
            return due;
        }).thenCompose(due -> {
            List<CompletableFuture<LookupResult>> walks = new ArrayList<>();
            for (int index : due) {
                Key target = Key.randomInBucket(selfKey, index, random);
                walks.add(lookup(target, target.toBytes()));
            }
            return CompletableFuture.allOf(walks.toArray(CompletableFuture[]::new));
        });
    }

    // ------------------------------------------------------------------ republishing

    /** Starts the republish (values, every hour by default) and reprovide (every 22 h) jobs once. */
    private void startRepublishing() {
        if (closed) {
            return;
        }
        if (republishTask == null && !republishInterval.isZero() && !published.isEmpty()) {
            republishTask = scheduler.schedule(this::republishNow, republishInterval.toNanos());
        }
        if (reprovideTask == null && !reprovideInterval.isZero() && !provided.isEmpty()) {
            reprovideTask = scheduler.schedule(this::reprovideNow, reprovideInterval.toNanos());
        }
    }

    /** Re-puts every value this node published to the then-closest peers; runs on the scheduler thread. */
    private void republishNow() {
        if (closed) {
            return;
        }
        for (java.util.Map.Entry<java.nio.ByteBuffer, byte[]> e : published.entrySet()) {
            byte[] key = e.getKey().array();
            if (validators.validate(key, e.getValue(), scheduler.now()).isValid()) {
                replicate(KadRecord.of(key, e.getValue()));
            }
        }
        // expired or superseded values are not republished again
        published.entrySet().removeIf(e -> !validators.validate(e.getKey().array(), e.getValue(), scheduler.now())
                .isValid());
        republishTask = scheduler.schedule(this::republishNow, republishInterval.toNanos());
    }

    /** Re-announces every provided key; runs on the scheduler thread. */
    private void reprovideNow() {
        if (closed) {
            return;
        }
        PeerInfo me = new PeerInfo(self, selfAddresses.get());
        for (java.nio.ByteBuffer k : provided) {
            if (serverMode) {
                providers.addProvider(k.array(), me);
            }
            announce(k.array(), me);
        }
        reprovideTask = scheduler.schedule(this::reprovideNow, reprovideInterval.toNanos());
    }

    /** Stops republishing {@code key} (the stored copies expire on their own). */
    public void stopPublishing(byte[] key) {
        byte[] k = key.clone();
        scheduler.execute(() -> {
            published.remove(java.nio.ByteBuffer.wrap(k));
            provided.remove(java.nio.ByteBuffer.wrap(k));
        });
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
        scheduler.execute(() -> {
            published.put(java.nio.ByteBuffer.wrap(keyCopy), valueCopy);
            startRepublishing();
        });
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
     */
    public CompletableFuture<Optional<byte[]>> getValue(byte[] key, int quorum) {
        CompletableFuture<Optional<byte[]>> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            Key target = Key.sha256(key);
            GetValueQuery<PeerInfo, byte[]> q = new GetValueQuery<>(newLookup(target), quorum,
                    value -> validators.validate(key, value, scheduler.now()).isValid(), preference(key));
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
                if (local.isPresent() && (best.isEmpty() || preference(key).compare(local.get(), best.get()) > 0)) {
                    best = local;
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

    private Comparator<byte[]> preference(byte[] key) {
        return (a, b) -> {
            if (Arrays.equals(a, b)) {
                return 0;
            }
            try {
                return validators.select(key, List.of(a, b), scheduler.now()) == 0 ? 1 : -1;
            } catch (EquivocationException e) {
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
        scheduler.execute(() -> {
            provided.add(java.nio.ByteBuffer.wrap(keyCopy));
            startRepublishing();
        });
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
        closed = true;
        for (Runnable r : new Runnable[] {refreshTask, staleCheckTask, republishTask, reprovideTask}) {
            if (r != null) {
                r.run();
            }
        }
        if (ownsScheduler) {
            scheduler.close();
        }
    }

    private boolean ownsScheduler;

    /** Builder; only the network is required. */
    public static final class Builder {
        private final KadNetwork network;
        private DhtScheduler scheduler;
        private Supplier<List<Multiaddr>> selfAddresses = List::of;
        private RoutingTableConfig routing = RoutingTableConfig.defaults();
        private LookupConfig lookup = LookupConfig.defaults();
        private int disjointPaths = 1;
        private RecordStoreConfig recordStore = RecordStoreConfig.defaults();
        private ProviderStoreConfig providerStore = ProviderStoreConfig.defaults();
        private io.gridoverlay.dht.record.ProviderPersistence providerPersistence =
                io.gridoverlay.dht.record.ProviderPersistence.none();
        private Validators validators = Validators.defaults();
        private boolean serverMode = true;
        private Duration refreshInterval = Duration.ofMinutes(10);
        private boolean refreshOnBootstrap = true;
        private boolean checkFullBuckets = true;
        private Duration staleCheckInterval = Duration.ofMinutes(10);
        private Duration republishInterval = Duration.ofHours(1);
        private Duration reprovideInterval = Duration.ofHours(22);
        private int quorum = 3;
        private long seed = System.nanoTime();

        Builder(KadNetwork network) {
            this.network = Objects.requireNonNull(network, "network");
        }

        /** Where the DHT runs; default: its own thread. */
        public Builder scheduler(DhtScheduler s) { this.scheduler = s; return this; }
        /** Our addresses as announced in ADD_PROVIDER and FIND_NODE answers. */
        public Builder selfAddresses(Supplier<List<Multiaddr>> s) { this.selfAddresses = s; return this; }
        public Builder routing(RoutingTableConfig c) { this.routing = c; return this; }
        public Builder lookup(LookupConfig c) { this.lookup = c; return this; }
        /** S/Kademlia disjoint paths (1 = plain Kademlia). */
        public Builder disjointPaths(int d) {
            if (d < 1) {
                throw new IllegalArgumentException("disjoint paths must be >= 1");
            }
            this.disjointPaths = d;
            return this;
        }
        public Builder recordStore(RecordStoreConfig c) { this.recordStore = c; return this; }
        public Builder providerStore(ProviderStoreConfig c) { this.providerStore = c; return this; }
        /** Where provider entries are kept across restarts (records: see {@link RecordStoreConfig}). */
        public Builder providerPersistence(io.gridoverlay.dht.record.ProviderPersistence p) {
            this.providerPersistence = p;
            return this;
        }
        public Builder validators(Validators v) { this.validators = v; return this; }
        /** Server mode answers requests; client mode only asks. */
        public Builder serverMode(boolean s) { this.serverMode = s; return this; }
        /** Random-walk refresh period (zero disables). */
        public Builder refreshInterval(Duration d) { this.refreshInterval = d; return this; }
        /** Whether {@link KademliaDht#bootstrap} refreshes every bucket after the self-lookup (default true). */
        public Builder refreshOnBootstrap(boolean r) { this.refreshOnBootstrap = r; return this; }
        /**
         * Whether a peer offered to a full bucket triggers a ping of that bucket's least recently seen
         * peer, evicting it for the newcomer if it does not answer (Kademlia's rule; default true).
         */
        public Builder checkFullBuckets(boolean c) { this.checkFullBuckets = c; return this; }
        /**
         * How often routing-table peers not heard from for that long are pinged and evicted if they do not
         * answer (default 10 min, go-libp2p-kad-dht's refresh period; zero disables). Each peer is examined
         * once per interval, at a phase given by its key, so the pings spread over the interval.
         */
        public Builder staleCheckInterval(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("staleCheckInterval must be >= 0, got " + d);
            }
            this.staleCheckInterval = d;
            return this;
        }
        /** How often values this node put are stored again at the then-closest peers (zero disables). */
        public Builder republishInterval(Duration d) { this.republishInterval = d; return this; }
        /** How often provided keys are announced again (zero disables). */
        public Builder reprovideInterval(Duration d) { this.reprovideInterval = d; return this; }
        /** Default GET_VALUE quorum. */
        public Builder quorum(int q) { this.quorum = q; return this; }
        /** Seed for random refresh targets (reproducible simulations). */
        public Builder seed(long s) { this.seed = s; return this; }

        public KademliaDht build() {
            boolean owns = scheduler == null;
            KademliaDht d = new KademliaDht(this);
            d.ownsScheduler = owns;
            return d;
        }
    }
}
