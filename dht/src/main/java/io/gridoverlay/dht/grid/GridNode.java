package io.gridoverlay.dht.grid;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Protocol;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.KeyFiles;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.capacity.CapacityFinder;
import io.gridoverlay.dht.capacity.CapacityIndexConfig;
import io.gridoverlay.dht.capacity.CapacityIndexStore;
import io.gridoverlay.dht.capacity.CapacityPublisher;
import io.gridoverlay.dht.capacity.CapacityQuery;
import io.gridoverlay.dht.capacity.CapacityQueryResult;
import io.gridoverlay.dht.capacity.IndexKey;
import io.gridoverlay.dht.deploy.CosignPolicy;
import io.gridoverlay.dht.deploy.DeploymentConfig;
import io.gridoverlay.dht.deploy.DeploymentException;
import io.gridoverlay.dht.deploy.DeploymentLedger;
import io.gridoverlay.dht.deploy.DeploymentService;
import io.gridoverlay.dht.deploy.DeploymentStore;
import io.gridoverlay.dht.deploy.Provisioner;
import io.gridoverlay.dht.deploy.ReservingProvisioner;
import io.gridoverlay.dht.deploy.ResolvedDeployment;
import io.gridoverlay.dht.deploy.SqliteRecordPersistence;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.transport.ConnectionLimits;
import io.gridoverlay.transport.Host;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One grid node, the object a grid service embeds: a libp2p host, the grid's Kademlia DHT on it (protocol
 * {@code /grid/kad/1.0.0} unless configured otherwise) serving the capacity index and the deployment
 * records of others, this node's capacity advertisement, capacity queries, deployments (as a twin: deploy,
 * update, delete, resolve, co-sign; as a node with a {@linkplain Builder#dataDir data directory} and a
 * capacity: accept them over {@code /grid/deploy/1.0.0}), and metrics. Build with {@link #builder()}, then
 * {@link #start()}; {@link #close()} closes what it owns in reverse order (deployment service,
 * advertisement, DHT, host, stores).
 *
 * <p>A node that accepts deployments keeps its ledger ({@value DeploymentLedger#FILE_NAME}), the DHT records
 * it stores for others ({@value SqliteRecordPersistence#FILE_NAME}) and the deployment bundles it stores
 * for others ({@value #BUNDLES_FILE}) in SQLite files of its data directory: nothing it accepted is lost
 * when the process dies, and it republishes its deployments and its reduced free capacity on restart.
 *
 * <pre>{@code
 * try (GridNode node = GridNode.builder()
 *         .keyFile(Path.of("node.key"), true)
 *         .listen("/ip4/0.0.0.0/tcp/4001")
 *         .bootstrap("/ip4/203.0.113.7/tcp/4001/p2p/12D3KooW...")
 *         .capacity((id, addrs) -> CapacityRecord.builder(id).total(...).free(...).build())
 *         .build()) {
 *     node.start().join();
 *     CapacityQueryResult r = node.findCapacity(CapacityQuery.builder().minFreeCores(8).limit(5).build()).join();
 * }
 * }</pre>
 *
 * <p>Thread-safe; every method returns at once (asynchronous work completes the returned future).
 */
public final class GridNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GridNode.class);

    /** File of the deployment bundles a node stores for others, in its data directory. */
    public static final String BUNDLES_FILE = "deployment-bundles.sqlite";

    /** How many of the closest peers a deployment bundle is written to. */
    public static final int DEPLOYMENT_REPLICAS = 10;

    private final PrivateKey key;
    private final Host host;
    private final DhtConfig dhtConfig;
    private final CapacityIndexConfig indexConfig;
    private final List<Multiaddr> bootstrap;
    private final BiFunction<PeerId, List<Multiaddr>, CapacityRecord> capacity;
    private final MeterRegistry meters;
    private final Counter queries;
    private final Timer queryLatency;
    private final GridDeployments deployments;
    private volatile KademliaDht dht;
    private volatile CapacityPublisher publisher;
    private volatile CapacityFinder finder;
    private volatile boolean advertising;
    private volatile CapacityPublisher.Publication lastPublication;
    private volatile boolean closed;

    private GridNode(Builder b) {
        this.key = b.key != null ? b.key : Ed25519.generate().privateKey();
        Host.Builder hb = Host.builder().identity(key).agentVersion(b.agentVersion);
        if (!b.listen.isEmpty()) {
            hb.listen(b.listen.toArray(String[]::new));
        }
        if (b.limits != null) {
            hb.limits(b.limits);
        }
        b.hostOptions.accept(hb);
        this.host = hb.build();
        this.indexConfig = b.indexConfig;
        this.meters = b.meters;
        this.deployments = new GridDeployments(host, key, b.dataDir, b.provisioner, b.deploymentConfig, b.cosignPolicy,
                b.republishInterval, b.bundleStore, meters);
        this.dhtConfig = deployments.configure(b.dhtConfig.toBuilder()
                .keyspace(() -> new CapacityIndexStore(indexConfig)), b.dhtConfig.recordStore()).build();
        this.bootstrap = List.copyOf(b.bootstrap);
        this.capacity = b.capacity;
        this.queries = Counter.builder("grid.capacity.queries").description("capacity queries run").register(meters);
        this.queryLatency = Timer.builder("grid.capacity.query.latency").description("capacity query latency")
                .register(meters);
    }

    /** A builder; every setting has a default (a fresh identity, no listen address, no capacity advertised). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the host, the DHT and (if the node advertises capacity) the advertisement, and joins the grid
     * through the bootstrap peers. Completes with this node once the bootstrap lookup finished; a node
     * whose bootstrap peers are all unreachable still starts (it logs them and can be bootstrapped later).
     */
    public CompletableFuture<GridNode> start() {
        return host.start().thenCompose(addrs -> {
            KademliaDht d = KademliaDht.onHost(host, dhtConfig);
            this.dht = d;
            this.finder = CapacityFinder.create(d);
            registerMeters(d);
            return join(bootstrap);
        }).thenCompose(joined -> startDeployments())
                .thenCompose(v -> {
                    if (capacity == null) {
                        return CompletableFuture.completedFuture(null);
                    }
                    advertising = true;
                    return advertiseCapacity().thenApply(p -> null);
                }).thenApply(v -> this);
    }

    /**
     * The twin side always; the node side (accepting deployments) when the node has a data directory and a
     * capacity: the service offers the free resources of the first capacity record and reports what is
     * left after each acceptance, update, delete and expiry, which is then advertised.
     */
    private CompletableFuture<Void> startDeployments() {
        CapacityRecord offered = capacity == null ? null : capacity.apply(host.peerId(), host.listenAddresses());
        return deployments.start(dht, offered, free -> {
            if (advertising && !closed) {
                advertiseCapacity().whenComplete((p, e) -> {
                    if (e != null) {
                        LOG.warn("republishing capacity after a change of free capacity failed: {}", e.getMessage());
                    }
                });
            }
        });
    }

    /** Dials {@code seeds} (multiaddrs ending in /p2p/...) and runs the DHT bootstrap through those that answer. */
    public CompletableFuture<Integer> join(List<Multiaddr> seeds) {
        KademliaDht d = requireStarted();
        List<CompletableFuture<PeerInfo>> dials = new ArrayList<>();
        for (Multiaddr m : seeds) {
            dials.add(host.dial(m).thenApply(c -> new PeerInfo(c.remotePeer(),
                    List.of(m.decapsulate(Protocol.P2P).orElse(m)))).exceptionally(e -> {
                        LOG.warn("bootstrap peer {} unreachable: {}", m, e.getMessage());
                        return null;
                    }));
        }
        return CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            List<PeerInfo> ok = dials.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList();
            if (ok.isEmpty()) {
                return CompletableFuture.completedFuture(0);
            }
            return d.bootstrap(ok).thenApply(r -> ok.size());
        });
    }

    /**
     * Signs and publishes this node's capacity (from the builder's capacity source, with this node's
     * current listen addresses) and keeps it fresh; call again whenever the capacity changes.
     *
     * @throws IllegalStateException (in the future) if the node has no capacity source or is not started
     */
    public CompletableFuture<CapacityPublisher.Publication> advertiseCapacity() {
        if (capacity == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "this node advertises no capacity: set GridNode.builder().capacity(...)"));
        }
        KademliaDht d = requireStarted();
        CapacityPublisher p;
        synchronized (this) {
            if (publisher == null) {
                publisher = CapacityPublisher.create(d, key, indexConfig);
            }
            p = publisher;
        }
        CapacityRecord r = capacity.apply(host.peerId(), host.listenAddresses());
        Optional<DeploymentService> s = deployments.service();
        if (s.isPresent()) {
            r = r.toBuilder().free(s.get().freeCapacity()).build();
        }
        return p.publish(r).thenApply(pub -> {
            lastPublication = pub;
            return pub;
        });
    }

    /** The outcome of the latest {@link #advertiseCapacity()} (the one {@link #start()} ran included), if any. */
    public Optional<CapacityPublisher.Publication> lastAdvertisement() {
        return Optional.ofNullable(lastPublication);
    }

    /**
     * Sends a fully signed deployment (version 0, or a next version) to the node it names and completes with
     * that node's verified, signed answer: {@code answer.record().accepted()} says whether it was accepted;
     * a rejection's reason starts with its {@link io.gridoverlay.dht.deploy.RejectionCode}. The node's
     * address is found through the DHT when it is not known. Fails with {@link DeploymentException} when
     * there is no usable answer (node not found or unreachable, timeout, forged answer).
     */
    public CompletableFuture<SignedRecord<Acceptance>> deploy(SignedDeployment deployment) {
        requireStarted();
        return deployments.deploy(deployment);
    }

    /**
     * Sends the next version of a deployment (version ≥ 1, signed as its previous version requires); the
     * node checks it against the version it holds. Otherwise as {@link #deploy}.
     */
    public CompletableFuture<SignedRecord<Acceptance>> update(SignedDeployment next) {
        if (next.deployment().version() < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("an update is version 1 or later; "
                    + next.deployment().deploymentId() + " is v0: use deploy"));
        }
        return deploy(next);
    }

    /**
     * Asks the node holding {@code current} (the version it accepted) to delete it, signed with this node's
     * key, which must be the deployment's owner; completes with the node's verified answer.
     */
    public CompletableFuture<SignedRecord<Acceptance>> delete(SignedDeployment current) {
        requireStarted();
        return deployments.delete(current);
    }

    /**
     * Collects the signatures of {@code signers} on {@code deployment} over {@code /grid/deploy/1.0.0}; each
     * signer verifies what it signs and answers per its co-sign policy. Completes with the deployment
     * carrying the new signatures.
     */
    public CompletableFuture<SignedDeployment> collectCosignatures(SignedDeployment deployment, List<PeerId> signers) {
        requireStarted();
        return deployments.collectCosignatures(deployment, signers);
    }

    /**
     * Resolves deployment {@code deploymentId} of {@code owner} from the grid: asks the peers closest to its
     * key (and this node's own store) and verifies every answer here — signatures, the hash chain, each
     * version against its predecessor's requirement, the acceptance. An equivocation proof, or two
     * conflicting versions served by different peers, is returned as
     * {@link ResolvedDeployment.Equivocated}; otherwise the verified latest version with its history and the
     * node's acceptance. Completes empty if no peer serves a version that verifies.
     */
    public CompletableFuture<Optional<ResolvedDeployment>> resolveDeployment(PeerId owner, String deploymentId) {
        requireStarted();
        return deployments.resolve(owner, deploymentId);
    }

    /** The node side, if this node accepts deployments (a data directory and a capacity were configured). */
    public Optional<DeploymentService> deploymentService() {
        return deployments.service();
    }

    /** Runs a capacity query against the grid; every returned record was verified here. */
    public CompletableFuture<CapacityQueryResult> findCapacity(CapacityQuery query) {
        KademliaDht d = requireStarted();
        queries.increment();
        Timer.Sample sample = Timer.start(meters);
        return finder.find(query).whenComplete((r, e) -> sample.stop(queryLatency));
    }

    /** This node's peer id. */
    public PeerId peerId() {
        return host.peerId();
    }

    /** This node's public key: the owner key of the deployments it signs as a twin. */
    public io.gridoverlay.core.identity.PublicKey publicKey() {
        return key.publicKey();
    }

    /** Signs {@code deployment} with this node's key (as its owner, or as a co-signer it lists). */
    public SignedDeployment sign(io.gridoverlay.core.record.Deployment deployment) {
        return SignedDeployment.of(deployment).sign(key);
    }

    /** The addresses the host listens on (with the real ports once started). */
    public List<Multiaddr> listenAddresses() {
        return host.listenAddresses();
    }

    /** The libp2p host, for protocols of the embedding service. */
    public Host host() {
        return host;
    }

    /** The DHT, once started. */
    public Optional<KademliaDht> dht() {
        return Optional.ofNullable(dht);
    }

    /** The meter registry this node reports to. */
    public MeterRegistry meters() {
        return meters;
    }

    private void registerMeters(KademliaDht d) {
        Gauge.builder("grid.connections", host, h -> h.connections().size()).description("open connections")
                .register(meters);
        Gauge.builder("grid.streams", host, h -> h.connections().stream()
                .mapToInt(io.gridoverlay.transport.Connection::streamCount).sum())
                .description("open streams on all connections").register(meters);
        io.micrometer.core.instrument.FunctionTimer.builder("grid.dht.lookup.latency", d,
                        x -> x.metrics().lookupsFinished(), x -> x.metrics().lookupNanosTotal(),
                        java.util.concurrent.TimeUnit.NANOSECONDS)
                .description("DHT lookups that ran to their end and their total duration").register(meters);
        Gauge.builder("grid.dht.routing.table.size", d, KademliaDht::routingTableSize)
                .description("peers in the routing table").register(meters);
        Gauge.builder("grid.dht.records.stored", d, x -> x.records().size()).description("DHT records stored for others")
                .register(meters);
        FunctionCounter.builder("grid.dht.lookups", d, x -> x.metrics().lookups()).description("DHT lookups run")
                .register(meters);
        FunctionCounter.builder("grid.dht.requests.sent", d, x -> x.metrics().requestsSent())
                .description("Kad requests sent").register(meters);
        FunctionCounter.builder("grid.dht.requests.failed", d, x -> x.metrics().requestFailures())
                .description("Kad requests that failed or timed out").register(meters);
        d.keyspace(IndexKey.NAMESPACE).ifPresent(store -> Gauge.builder("grid.capacity.index.entries",
                (CapacityIndexStore) store, CapacityIndexStore::size)
                .description("capacity index entries held for other nodes").register(meters));
    }

    private KademliaDht requireStarted() {
        KademliaDht d = dht;
        if (d == null || closed) {
            throw new IllegalStateException(closed ? "grid node closed" : "grid node not started: call start() first");
        }
        return d;
    }

    /**
     * Stops the deployment service (its ledger is closed), stops advertising, closes the DHT, the host, then
     * the stores of the data directory. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        deployments.closeServices();
        CapacityPublisher p = publisher;
        if (p != null) {
            p.close();
        }
        KademliaDht d = dht;
        if (d != null) {
            d.close();
        }
        host.close();
        deployments.closeStores();
    }

    /** Builder of {@link GridNode}. Not thread-safe. */
    public static final class Builder {
        private PrivateKey key;
        private final List<String> listen = new ArrayList<>();
        private final List<Multiaddr> bootstrap = new ArrayList<>();
        private DhtConfig dhtConfig = DhtConfig.builder().protocol(DhtConfig.GRID_PROTOCOL).build();
        private CapacityIndexConfig indexConfig = CapacityIndexConfig.defaults();
        private BiFunction<PeerId, List<Multiaddr>, CapacityRecord> capacity;
        private ConnectionLimits limits;
        private MeterRegistry meters = new SimpleMeterRegistry();
        private String agentVersion = "gridoverlay/0.1.0";
        private Path dataDir;
        private Provisioner provisioner = new ReservingProvisioner();
        private DeploymentConfig deploymentConfig = DeploymentConfig.defaults();
        private CosignPolicy cosignPolicy;
        private DeploymentStore.Config bundleStore = DeploymentStore.Config.defaults();
        private java.util.function.Consumer<Host.Builder> hostOptions = h -> { };
        private Duration republishInterval = Duration.ofMinutes(30);

        private Builder() {
        }

        /** The node's identity key (default: a fresh Ed25519 key, a new identity each run). */
        public Builder identity(PrivateKey k) {
            this.key = Objects.requireNonNull(k, "key");
            return this;
        }

        /**
         * The identity stored in {@code file}; with {@code create}, a new key is written there if the file does
         * not exist, otherwise a missing file is an error (a mistyped path must not silently become a new
         * identity).
         *
         * @throws UncheckedIOException if the file cannot be read or written, or is missing without {@code create}
         */
        public Builder keyFile(Path file, boolean create) {
            try {
                this.key = create ? KeyFiles.loadOrCreate(file) : KeyFiles.read(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot use key file " + file + ": " + e.getMessage(), e);
            }
            return this;
        }

        /** Listen addresses, e.g. {@code /ip4/0.0.0.0/tcp/4001} (default none: a client node). */
        public Builder listen(String... addresses) {
            listen.addAll(List.of(addresses));
            return this;
        }

        /** Peers to join the grid through: multiaddrs ending in {@code /p2p/<peer id>}. */
        public Builder bootstrap(String... addresses) {
            for (String a : addresses) {
                Multiaddr m = Multiaddr.parse(a);
                if (m.peerIdBytes().isEmpty()) {
                    throw new IllegalArgumentException("bootstrap address " + a + " has no /p2p/<peer id>");
                }
                bootstrap.add(m);
            }
            return this;
        }

        /**
         * The DHT settings (default: {@code /grid/kad/1.0.0}, server mode when listening). The capacity index
         * keyspace is added to whatever is given here.
         */
        public Builder dht(DhtConfig config) {
            this.dhtConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Capacity index limits and timing (default {@link CapacityIndexConfig#defaults()}). */
        public Builder capacityIndex(CapacityIndexConfig config) {
            this.indexConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Where this node's capacity comes from: called with the node's id and listen addresses each time it
         * is advertised (default none: the node advertises nothing and only queries).
         */
        public Builder capacity(BiFunction<PeerId, List<Multiaddr>, CapacityRecord> source) {
            this.capacity = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Connection limits of the host (default {@link ConnectionLimits#DEFAULT}). */
        public Builder limits(ConnectionLimits l) {
            this.limits = Objects.requireNonNull(l, "limits");
            return this;
        }

        /** Where metrics go (default: an in-memory registry; pass a Prometheus registry to export them). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Further settings of the libp2p host, applied after the ones above (e.g. {@code Host.Builder::enablePerf},
         * event-loop threads, Yamux or Noise settings).
         */
        public Builder hostOptions(java.util.function.Consumer<Host.Builder> options) {
            this.hostOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The agent version Identify announces. */
        public Builder agentVersion(String v) {
            this.agentVersion = Objects.requireNonNull(v, "agentVersion");
            return this;
        }

        /**
         * Where the node keeps its deployment ledger and the records it stores for others (SQLite files,
         * created if missing). With a capacity, a node with a data directory accepts deployments; without
         * one it only deploys as a twin and keeps what it stores for others in memory.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * What runs an accepted deployment (default {@link ReservingProvisioner}: reserves the declared
         * resources in the ledger and runs nothing).
         */
        public Builder provisioner(Provisioner p) {
            this.provisioner = Objects.requireNonNull(p, "provisioner");
            return this;
        }

        /** Limits and timeouts of {@code /grid/deploy/1.0.0} (default {@link DeploymentConfig#defaults()}). */
        public Builder deployments(DeploymentConfig c) {
            this.deploymentConfig = Objects.requireNonNull(c, "config");
            return this;
        }

        /**
         * Co-sign requests this node answers, and how (e.g. {@link CosignPolicy#listedSigner}); default none
         * (requests are refused).
         */
        public Builder cosignPolicy(CosignPolicy p) {
            this.cosignPolicy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /**
         * How often a node that accepts deployments writes them (with their acceptances) to the peers then
         * closest to their keys (default 30 minutes; {@link Duration#ZERO}: only when accepted and at start).
         */
        public Builder deploymentRepublishInterval(Duration every) {
            if (every.isNegative()) {
                throw new IllegalArgumentException("republish interval must not be negative: " + every);
            }
            this.republishInterval = every;
            return this;
        }

        /** Limits of the deployment records stored for others (default {@link DeploymentStore.Config#defaults()}). */
        public Builder deploymentStore(DeploymentStore.Config c) {
            this.bundleStore = Objects.requireNonNull(c, "config");
            return this;
        }

        /**
         * A node configured by these settings. Opens the data directory's stores (closed by
         * {@link GridNode#close()}).
         *
         * @throws IllegalStateException if the data directory's stores cannot be opened
         */
        public GridNode build() {
            return new GridNode(this);
        }
    }
}
