package io.gridoverlay.dht.grid;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.deploy.CosignPolicy;
import io.gridoverlay.dht.deploy.DeploymentBundleKeyspace;
import io.gridoverlay.dht.deploy.DeploymentClient;
import io.gridoverlay.dht.deploy.DeploymentConfig;
import io.gridoverlay.dht.deploy.DeploymentException;
import io.gridoverlay.dht.deploy.DeploymentLedger;
import io.gridoverlay.dht.deploy.DeploymentService;
import io.gridoverlay.dht.deploy.DeploymentStore;
import io.gridoverlay.dht.deploy.Provisioner;
import io.gridoverlay.dht.deploy.ResolvedDeployment;
import io.gridoverlay.dht.deploy.SqliteRecordPersistence;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.record.Persistence;
import io.gridoverlay.dht.record.RecordStoreConfig;
import io.gridoverlay.transport.Host;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment half of a {@link GridNode}: the stores of its data directory, the twin side (client:
 * deploy, delete, co-sign, resolve) and the node side (service: accept, publish, republish). Built with the
 * node, started once its DHT runs, closed by it.
 */
final class GridDeployments {
    private static final Logger LOG = LoggerFactory.getLogger(GridDeployments.class);

    private final Host host;
    private final PrivateKey key;
    private final Path dataDir;
    private final Provisioner provisioner;
    private final DeploymentConfig config;
    private final CosignPolicy cosignPolicy;
    private final Duration republishInterval;
    private final SqliteRecordPersistence recordPersistence;
    private final SqliteRecordPersistence bundlePersistence;
    private final DeploymentBundleKeyspace bundles;
    private final MeterRegistry meters;
    private final Counter sent;
    private final Timer sentLatency;
    private volatile KademliaDht dht;
    private volatile DeploymentService service;
    private volatile DeploymentClient client;
    private volatile boolean closed;

    /** Opens the stores of {@code dataDir} (if any). */
    GridDeployments(Host host, PrivateKey key, Path dataDir, Provisioner provisioner, DeploymentConfig config,
                    CosignPolicy cosignPolicy, Duration republishInterval, DeploymentStore.Config storeConfig,
                    MeterRegistry meters) {
        this.host = host;
        this.key = key;
        this.dataDir = dataDir;
        this.provisioner = provisioner;
        this.config = config;
        this.cosignPolicy = cosignPolicy;
        this.republishInterval = republishInterval;
        this.meters = meters;
        this.recordPersistence = dataDir == null ? null : SqliteRecordPersistence.open(dataDir);
        this.bundlePersistence = dataDir == null ? null : SqliteRecordPersistence.open(dataDir, GridNode.BUNDLES_FILE);
        this.bundles = new DeploymentBundleKeyspace(storeConfig,
                bundlePersistence != null ? bundlePersistence : Persistence.none(), Clock.systemUTC());
        this.sent = Counter.builder("grid.deployments.sent")
                .description("deployments, updates and deletes this node sent as a twin").register(meters);
        this.sentLatency = Timer.builder("grid.deployments.sent.latency")
                .description("time from sending a deployment to the node's verified answer").register(meters);
    }

    /** {@code base} with the deployment keyspace and, with a data directory, the persisted record store. */
    DhtConfig.Builder configure(DhtConfig.Builder base, RecordStoreConfig records) {
        if (recordPersistence != null) {
            base.recordStore(new RecordStoreConfig(records.maxRecords(), records.maxBytes(), records.maxRecordBytes(),
                    records.recordTtl(), records.clock(), recordPersistence));
        }
        return base.keyspace(() -> bundles);
    }

    /**
     * Starts the twin side, and the node side when there is a data directory and an {@code offered}
     * capacity: the service offers its free resources and tells {@code freeChanged} after each acceptance,
     * update, delete and expiry.
     */
    CompletableFuture<Void> start(KademliaDht d, CapacityRecord offered, Consumer<CapacityRecord.Resources> freeChanged) {
        this.dht = d;
        this.client = DeploymentClient.create(host, config, Clock.systemUTC());
        Gauge.builder("grid.deployments.stored", bundles.store(), DeploymentStore::size)
                .description("deployments whose records this node stores for others").register(meters);
        Gauge.builder("grid.deployments.stored.bytes", bundles.store(), DeploymentStore::bytes)
                .description("bytes of deployment records stored for others").register(meters);
        if (dataDir == null || offered == null) {
            if (cosignPolicy != null) {
                client.serveCosignRequests(cosignPolicy);
            }
            return CompletableFuture.completedFuture(null);
        }
        DeploymentService.Builder sb = DeploymentService.builder(host, DeploymentLedger.open(dataDir))
                .total(offered.free())
                .provisioner(provisioner)
                .config(config)
                .publisher(this::publish)
                .capacityListener(freeChanged::accept);
        if (cosignPolicy != null) {
            sb.cosignPolicy(cosignPolicy);
        }
        DeploymentService s = sb.build();
        this.service = s;
        FunctionCounter.builder("grid.deployments.accepted", s, DeploymentService::acceptedCount)
                .description("deployment versions this node accepted").register(meters);
        FunctionCounter.builder("grid.deployments.rejected", s, DeploymentService::rejectedCount)
                .description("deployment versions this node rejected with a signed answer").register(meters);
        Gauge.builder("grid.capacity.free.cores", s, x -> x.freeCapacity().cores())
                .description("cores not reserved by accepted deployments").register(meters);
        Gauge.builder("grid.capacity.free.memory.bytes", s, x -> x.freeCapacity().memoryBytes())
                .description("memory not reserved by accepted deployments").register(meters);
        return s.start().thenRun(() -> scheduleRepublish(s));
    }

    Optional<DeploymentService> service() {
        return Optional.ofNullable(service);
    }

    /** Every republish interval: the accepted deployments again, to the peers then closest. */
    private void scheduleRepublish(DeploymentService s) {
        KademliaDht d = dht;
        if (d == null || closed || republishInterval.isZero()) {
            return;
        }
        d.scheduler().schedule(() -> {
            if (closed) {
                return;
            }
            s.republish().whenComplete((n, e) -> {
                if (e != null) {
                    LOG.warn("republishing deployments failed: {}", e.getMessage());
                }
                scheduleRepublish(s);
            });
        }, republishInterval.toNanos());
    }

    /** Keeps this node's own copy and writes the bundle (that version and its acceptance) to the closest peers. */
    private CompletableFuture<?> publish(SignedDeployment d, SignedRecord<Acceptance> acceptance) {
        byte[] envelope = acceptance.toBytes();
        bundles.offerLocal(d, envelope);
        KademliaDht k = dht;
        if (k == null || closed) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] bundleKey = DeploymentStore.bundleKeyFor(d.deployment().owner().peerId(), d.deployment().deploymentId());
        return k.putToClosest(KadRecord.of(bundleKey, DeploymentBundleKeyspace.publication(d, envelope)),
                GridNode.DEPLOYMENT_REPLICAS).whenComplete((r, e) -> {
                    if (e != null) {
                        LOG.warn("publishing {} failed: {}", d, e.getMessage());
                    } else {
                        LOG.debug("published {} to {} peers", d, r.answered());
                    }
                });
    }

    CompletableFuture<SignedRecord<Acceptance>> deploy(SignedDeployment deployment) {
        PeerId node = deployment.deployment().nodeId();
        sent.increment();
        Timer.Sample sample = Timer.start(meters);
        return locate(node).thenCompose(v -> client.submit(node, deployment))
                .whenComplete((a, e) -> sample.stop(sentLatency));
    }

    CompletableFuture<SignedRecord<Acceptance>> delete(SignedDeployment current) {
        PeerId node = current.deployment().nodeId();
        sent.increment();
        return locate(node).thenCompose(v -> client.delete(node, current, key));
    }

    CompletableFuture<SignedDeployment> collectCosignatures(SignedDeployment deployment, List<PeerId> signers) {
        CompletableFuture<?>[] located = signers.stream().map(this::locate).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(located).thenCompose(v -> client.collectCosignatures(deployment, signers));
    }

    CompletableFuture<Optional<ResolvedDeployment>> resolve(PeerId owner, String deploymentId) {
        byte[] bundleKey = DeploymentStore.bundleKeyFor(owner, deploymentId);
        return dht.collectValues(bundleKey, 0).thenApply(c -> {
            List<byte[]> found = new ArrayList<>();
            bundles.store().bundle(owner, deploymentId).ifPresent(found::add);
            c.values().forEach(v -> found.add(v.value()));
            return DeploymentStore.merge(found, owner, deploymentId, Instant.now());
        });
    }

    /** Makes sure the host has addresses for {@code peer}: connected, known, or found by a DHT lookup. */
    private CompletableFuture<Void> locate(PeerId peer) {
        if (peer.equals(host.peerId()) || !host.peerStore().addresses(peer).isEmpty()
                || host.connections().stream().anyMatch(c -> c.remotePeer().equals(peer))) {
            return CompletableFuture.completedFuture(null);
        }
        return dht.findPeer(peer).thenAccept(found -> {
            PeerInfo info = found.orElseThrow(() -> new DeploymentException(DeploymentException.Kind.UNREACHABLE,
                    "node " + peer + " was not found in the grid (no peer knows an address for it)"));
            host.peerStore().addAddresses(peer, info.addresses(), Duration.ofMinutes(10));
        });
    }

    /** Stops the service (closing its ledger) and the client. */
    void closeServices() {
        closed = true;
        DeploymentService s = service;
        if (s != null) {
            s.close();
        }
        DeploymentClient c = client;
        if (c != null) {
            c.close();
        }
    }

    /** Closes the stores of the data directory (after the DHT, which writes through one of them). */
    void closeStores() {
        for (SqliteRecordPersistence store : new SqliteRecordPersistence[] {recordPersistence, bundlePersistence}) {
            if (store != null) {
                store.close();
            }
        }
    }
}
