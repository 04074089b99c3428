package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.transport.Host;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node side of {@code /grid/deploy/1.0.0}: verifies each submitted version (signatures and
 * requirement, chain against the version held — an update must also satisfy the held version's requirement
 * —, expiry, target node), checks free capacity, hands it to the {@link Provisioner}, signs an
 * {@link Acceptance} with the host's key, writes it to the {@link DeploymentLedger} and only then answers;
 * then publishes it through the {@link DeploymentPublisher} and tells the {@link CapacityListener}. Every
 * refusal that names a decodable version is a signed rejection whose reason starts with a
 * {@link RejectionCode}. Owner-signed deletes and expiry free the reservation. On {@link #start()} it
 * reloads the ledger and republishes every live deployment.
 *
 * <pre>{@code
 * DeploymentService node = DeploymentService.builder(host, DeploymentLedger.open(dataDir))
 *         .total(new Resources(16, 64L << 30, 1L << 40, 0))
 *         .publisher(dhtPublisher).capacityListener(free -> republishCapacity(free))
 *         .build();
 * node.start().join();
 * }</pre>
 *
 * <p>Thread-safety: public methods may be called from any thread. All state, the ledger included, is
 * confined to one thread of the service ("deploy-…"); stream callbacks only hand requests to it, so no
 * ledger write ever runs on a Netty event loop. A submission costs O(signatures) verifications plus one
 * ledger transaction.
 */
public final class DeploymentService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentService.class);

    private final Host host;
    private final PrivateKey nodeKey;
    private final PeerId self;
    private final DeploymentLedger ledger;
    private final Resources total;
    private final Provisioner provisioner;
    private final ResourceDemand demand;
    private final DeploymentPublisher publisher;
    private final CapacityListener capacityListener;
    private final DeploymentConfig config;
    private final Clock clock;
    private final CosignResponder cosign;
    private final ScheduledThreadPoolExecutor exec;
    private final DeployStreams.Limiter limiter;
    private final DeployCodec codec;

    // confined to exec
    private final Map<String, DeploymentLedger.Entry> held = new HashMap<>();
    private final Set<String> busy = new HashSet<>();
    private Resources pending = Resources.NONE;
    private boolean started;
    private volatile Resources free;
    private final java.util.concurrent.atomic.AtomicLong acceptedCount = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong rejectedCount = new java.util.concurrent.atomic.AtomicLong();

    private DeploymentService(Builder b) {
        this.host = b.host;
        this.nodeKey = host.config().identity();
        this.self = host.peerId();
        this.ledger = b.ledger;
        this.total = b.total;
        this.provisioner = b.provisioner;
        this.demand = b.demand;
        this.publisher = b.publisher;
        this.capacityListener = b.capacityListener;
        this.config = b.config;
        this.clock = b.clock;
        this.free = total;
        this.exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "deploy-" + self.toBase58().substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        exec.setRemoveOnCancelPolicy(true);
        this.cosign = b.cosignPolicy == null ? null
                : new CosignResponder(nodeKey, b.cosignPolicy, exec, config.maxPendingCosignRequests());
        this.limiter = new DeployStreams.Limiter(config.maxConcurrentRequestsPerPeer(), config.maxConcurrentRequests());
        this.codec = new DeployCodec(config.maxMessageLength());
    }

    /** A builder for a node on {@code host} (the host's key signs acceptances) keeping its state in {@code ledger}. */
    public static Builder builder(Host host, DeploymentLedger ledger) {
        return new Builder(host, ledger);
    }

    /**
     * Loads the ledger, frees what expired while the node was down, republishes every live deployment,
     * reports the free capacity and starts serving {@link DeploymentConfig#PROTOCOL}. Completes when serving.
     */
    public CompletableFuture<Void> start() {
        return CompletableFuture.runAsync(() -> {
            if (started) {
                return;
            }
            List<DeploymentLedger.Entry> entries;
            try {
                entries = ledger.loadAll();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the deployment ledger: " + e.getMessage(), e);
            }
            for (DeploymentLedger.Entry e : entries) {
                held.put(key(e.deployment().deployment()), e);
            }
            sweepExpiredOnExec();
            for (DeploymentLedger.Entry e : held.values()) {
                if (e.status() == DeploymentLedger.Status.ACTIVE) {
                    publish(e.deployment(), e.acceptance());
                }
            }
            capacityChanged();
            started = true;
            host.setStreamHandler(DeploymentConfig.PROTOCOL,
                    DeployStreams.server(codec, config, limiter, exec, this::handle));
            long every = config.expirySweepInterval().toMillis();
            exec.scheduleWithFixedDelay(this::sweepExpiredOnExec, every, every, TimeUnit.MILLISECONDS);
        }, exec);
    }

    /** The free capacity: total minus what accepted deployments reserve (a snapshot). */
    public Resources freeCapacity() {
        return free;
    }

    /** The total capacity this node offers. */
    public Resources totalCapacity() {
        return total;
    }

    /** Versions accepted since this service started (deletes not counted). */
    public long acceptedCount() {
        return acceptedCount.get();
    }

    /** Versions answered with a signed rejection since this service started. */
    public long rejectedCount() {
        return rejectedCount.get();
    }

    /** Deployments this node holds as active (a snapshot; taken on the service thread). */
    public CompletableFuture<Integer> activeCount() {
        return CompletableFuture.supplyAsync(() -> (int) held.values().stream()
                .filter(e -> e.status() == DeploymentLedger.Status.ACTIVE).count(), exec);
    }

    /** Stops serving, waits for the service thread to finish its queued work, and closes the ledger. */
    @Override
    public void close() {
        host.removeStreamHandler(DeploymentConfig.PROTOCOL);
        exec.shutdown();
        try {
            if (!exec.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("deployment service thread did not stop within 10 s");
                exec.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ledger.close();
    }

    // ------------------------------------------------------------------ requests

    private CompletableFuture<DeployMessage> handle(PeerId from, DeployMessage request) {
        if (request instanceof DeployMessage.CosignRequest c) {
            return cosign == null
                    ? CompletableFuture.completedFuture(new DeployMessage.Failure(RejectionCode.NOT_SERVED,
                            self + " co-signs nothing"))
                    : cosign.handle(from, c.deployment());
        }
        CompletableFuture<DeployMessage> answer = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                try {
                    if (request instanceof DeployMessage.Submit s) {
                        submitOnExec(s.deployment(), answer);
                    } else if (request instanceof DeployMessage.Delete d) {
                        deleteOnExec(d.delete(), answer);
                    } else {
                        answer.complete(new DeployMessage.Failure(RejectionCode.MALFORMED, "not a request"));
                    }
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            answer.complete(new DeployMessage.Failure(RejectionCode.BUSY, "the node is shutting down"));
        }
        return answer;
    }

    private void submitOnExec(SignedDeployment sd, CompletableFuture<DeployMessage> answer) {
        Instant now = clock.instant();
        Deployment d = sd.deployment();
        String k = key(d);
        if (!d.nodeId().equals(self)) {
            reject(sd, RejectionCode.WRONG_NODE, "deployment " + d.deploymentId() + " names node " + d.nodeId()
                    + ", this is " + self, now, answer);
            return;
        }
        if (busy.contains(k)) {
            answer.complete(new DeployMessage.Failure(RejectionCode.BUSY, "a request for deployment "
                    + d.deploymentId() + " is in progress"));
            return;
        }
        if (!now.isBefore(d.expiresAt())) {
            reject(sd, RejectionCode.EXPIRED, "deployment " + d.deploymentId() + " v" + d.version() + " expired at "
                    + d.expiresAt(), now, answer);
            return;
        }
        DeploymentLedger.Entry h = held.get(k);
        Optional<SignedDeployment> previous = Optional.empty();
        if (h == null) {
            if (d.version() != 0) {
                reject(sd, RejectionCode.BAD_CHAIN, "this node holds no version of " + d.deploymentId()
                        + ": v" + d.version() + " cannot be verified against its predecessor; submit v0 first", now,
                        answer);
                return;
            }
            Verification<SignedDeployment> v = sd.verify(now);
            if (v instanceof Verification.Invalid<SignedDeployment> bad) {
                reject(sd, RejectionCode.INVALID_SIGNATURES, bad.reason(), now, answer);
                return;
            }
        } else {
            long hv = h.deployment().deployment().version();
            boolean sameDigest = java.util.Arrays.equals(h.deployment().digest(), sd.digest());
            if (h.status() != DeploymentLedger.Status.ACTIVE) {
                reject(sd, RejectionCode.STALE_VERSION, "deployment " + d.deploymentId() + " was "
                        + h.status().name().toLowerCase(java.util.Locale.ROOT) + " at v" + hv, now, answer);
                return;
            }
            if (d.version() == hv && sameDigest) {
                answer.complete(new DeployMessage.AcceptanceAnswer(h.acceptance().toBytes())); // idempotent
                return;
            }
            if (d.version() == hv) {
                reject(sd, RejectionCode.EQUIVOCATION, "deployment " + d.deploymentId() + " v" + hv
                        + " is held with another digest (" + h.deployment().digestHex().substring(0, 12) + ")", now,
                        answer);
                return;
            }
            if (d.version() < hv) {
                reject(sd, RejectionCode.STALE_VERSION, "deployment " + d.deploymentId() + " v" + d.version()
                        + " is older than the held v" + hv + " (replayed old version)", now, answer);
                return;
            }
            if (d.version() > hv + 1) {
                reject(sd, RejectionCode.BAD_CHAIN, "deployment " + d.deploymentId() + ": version gap, the node holds v"
                        + hv + " and got v" + d.version(), now, answer);
                return;
            }
            Verification<SignedDeployment> own = sd.verify(now);
            if (own instanceof Verification.Invalid<SignedDeployment> bad) {
                reject(sd, RejectionCode.INVALID_SIGNATURES, bad.reason(), now, answer);
                return;
            }
            // the previous version's requirement first: an owner-only update that drops the co-signers is
            // named for what it is, not as a broken chain (core's successor rule refuses it too)
            Optional<String> unmet = sd.unmetRequirement(h.deployment().deployment().requirement());
            if (unmet.isPresent()) {
                reject(sd, RejectionCode.REQUIREMENT_NOT_MET, "deployment " + d.deploymentId() + " v" + d.version()
                        + " does not satisfy the signature requirement of v" + hv + ": " + unmet.get(), now, answer);
                return;
            }
            Verification<SignedDeployment> chain = sd.verifySuccessorOf(h.deployment(), now);
            if (chain instanceof Verification.Invalid<SignedDeployment> bad) {
                reject(sd, RejectionCode.BAD_CHAIN, bad.reason(), now, answer);
                return;
            }
            previous = Optional.of(h.deployment());
        }
        Resources needs;
        try {
            needs = demand.of(d);
        } catch (IllegalArgumentException e) {
            reject(sd, RejectionCode.PROVISIONER_REFUSED, "bad resource declaration: " + e.getMessage(), now, answer);
            return;
        }
        Resources available = plus(freeOnExec(), h == null ? Resources.NONE : h.reserved());
        if (!available.covers(needs)) {
            reject(sd, RejectionCode.INSUFFICIENT_CAPACITY, "insufficient capacity: deployment " + d.deploymentId()
                    + " needs " + text(needs) + ", free " + text(available), now, answer);
            return;
        }
        busy.add(k);
        pending = plus(pending, needs);
        Optional<SignedDeployment> prev = previous;
        CompletableFuture<Provisioner.Result> provisioned;
        try {
            provisioned = provisioner.provision(new Provisioner.Request(sd, prev, needs, available));
        } catch (RuntimeException e) {
            provisioned = CompletableFuture.failedFuture(e);
        }
        provisioned.orTimeout(config.provisionTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((result, error) -> {
                    busy.remove(k);
                    pending = minus(pending, needs);
                    Instant at = clock.instant();
                    if (error != null || !result.accepted()) {
                        String why = error != null ? "provisioner failed: " + DeployStreams.unwrap(error)
                                : "provisioner refused: " + result.reason();
                        reject(sd, RejectionCode.PROVISIONER_REFUSED, why, at, answer);
                        return;
                    }
                    Acceptance a = new Acceptance(d.deploymentId(), d.version(), sd.digest(), true, "",
                            result.workloads(), at, self);
                    SignedRecord<Acceptance> signed = a.sign(nodeKey);
                    try {
                        ledger.accept(sd, signed, result.reserved());
                    } catch (SQLException e) {
                        LOG.error("ledger write failed for {}; not accepted", sd, e);
                        answer.complete(new DeployMessage.Failure(RejectionCode.INTERNAL,
                                "the node could not record the acceptance: " + e.getMessage()));
                        return;
                    }
                    held.put(k, new DeploymentLedger.Entry(sd, signed, result.reserved(),
                            DeploymentLedger.Status.ACTIVE));
                    acceptedCount.incrementAndGet();
                    // the free-capacity view counts the reservation before the twin can read the answer
                    Resources f = recomputeFree();
                    answer.complete(new DeployMessage.AcceptanceAnswer(signed.toBytes()));
                    notifyCapacity(f);
                    publish(sd, signed);
                }, exec);
    }

    private void deleteOnExec(DeleteRequest.Signed signedDelete, CompletableFuture<DeployMessage> answer) {
        DeleteRequest r = signedDelete.request();
        Instant now = clock.instant();
        if (!r.nodeId().equals(self)) {
            answer.complete(signedAnswer(new Acceptance(r.deploymentId(), r.version(), r.digest(), false,
                    RejectionCode.WRONG_NODE.reason("the delete names node " + r.nodeId() + ", this is " + self),
                    List.of(), now, self)));
            return;
        }
        String k = signedDelete.envelope().peerId().toBase58() + "/" + r.deploymentId();
        DeploymentLedger.Entry h = held.get(k);
        if (h == null || !h.deployment().deployment().owner().equals(signedDelete.envelope().publicKey())) {
            answer.complete(signedAnswer(new Acceptance(r.deploymentId(), r.version(), r.digest(), false,
                    RejectionCode.UNKNOWN_DEPLOYMENT.reason("no deployment " + r.deploymentId() + " of "
                            + signedDelete.envelope().peerId() + " is held here"), List.of(), now, self)));
            return;
        }
        if (h.status() != DeploymentLedger.Status.ACTIVE || !r.isFor(h.deployment())) {
            answer.complete(signedAnswer(new Acceptance(r.deploymentId(), r.version(), r.digest(), false,
                    RejectionCode.STALE_VERSION.reason("the delete names v" + r.version() + "; the node holds v"
                            + h.deployment().deployment().version() + " ("
                            + h.status().name().toLowerCase(java.util.Locale.ROOT) + ")"), List.of(), now, self)));
            return;
        }
        if (!busy.add(k)) {
            answer.complete(new DeployMessage.Failure(RejectionCode.BUSY, "a request for deployment "
                    + r.deploymentId() + " is in progress"));
            return;
        }
        SignedDeployment sd = h.deployment();
        CompletableFuture<Void> released;
        try {
            released = provisioner.release(sd);
        } catch (RuntimeException e) {
            released = CompletableFuture.failedFuture(e);
        }
        released.orTimeout(config.provisionTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((v, error) -> {
                    busy.remove(k);
                    if (error != null) {
                        LOG.warn("provisioner failed to release {}; freeing its reservation anyway", sd, error);
                    }
                    try {
                        ledger.end(sd, DeploymentLedger.Status.DELETED);
                    } catch (SQLException e) {
                        answer.complete(new DeployMessage.Failure(RejectionCode.INTERNAL,
                                "the node could not record the delete: " + e.getMessage()));
                        return;
                    }
                    held.put(k, new DeploymentLedger.Entry(sd, h.acceptance(), Resources.NONE,
                            DeploymentLedger.Status.DELETED));
                    Deployment d = sd.deployment();
                    Resources f = recomputeFree();
                    answer.complete(signedAnswer(new Acceptance(d.deploymentId(), d.version(), sd.digest(), true,
                            "deleted", d.workloads().stream().map(w -> new Acceptance.WorkloadResult(w.name(),
                                    Acceptance.State.DELETED, "")).toList(), clock.instant(), self)));
                    notifyCapacity(f);
                }, exec);
    }

    private void reject(SignedDeployment sd, RejectionCode code, String detail, Instant now,
                        CompletableFuture<DeployMessage> answer) {
        Deployment d = sd.deployment();
        rejectedCount.incrementAndGet();
        LOG.debug("rejecting {}: {} {}", sd, code, detail);
        answer.complete(signedAnswer(new Acceptance(d.deploymentId(), d.version(), sd.digest(), false,
                code.reason(detail), List.of(), now, self)));
    }

    private DeployMessage signedAnswer(Acceptance a) {
        return new DeployMessage.AcceptanceAnswer(a.sign(nodeKey).toBytes());
    }

    // ------------------------------------------------------------------ capacity and expiry

    private void sweepExpiredOnExec() {
        Instant now = clock.instant();
        boolean changed = false;
        for (Map.Entry<String, DeploymentLedger.Entry> e : new ArrayList<>(held.entrySet())) {
            DeploymentLedger.Entry h = e.getValue();
            if (h.status() != DeploymentLedger.Status.ACTIVE || busy.contains(e.getKey())
                    || now.isBefore(h.deployment().deployment().expiresAt())) {
                continue;
            }
            try {
                ledger.end(h.deployment(), DeploymentLedger.Status.EXPIRED);
            } catch (SQLException ex) {
                LOG.error("cannot record the expiry of {}; will retry", h.deployment(), ex);
                continue;
            }
            held.put(e.getKey(), new DeploymentLedger.Entry(h.deployment(), h.acceptance(), Resources.NONE,
                    DeploymentLedger.Status.EXPIRED));
            provisioner.release(h.deployment()).whenComplete((v, ex) -> {
                if (ex != null) {
                    LOG.warn("provisioner failed to release expired {}", h.deployment(), ex);
                }
            });
            changed = true;
        }
        if (changed && started) {
            capacityChanged();
        }
    }

    private Resources freeOnExec() {
        Resources used = pending;
        for (DeploymentLedger.Entry e : held.values()) {
            used = plus(used, e.reserved());
        }
        return minus(total, used);
    }

    private void capacityChanged() {
        notifyCapacity(recomputeFree());
    }

    /** Updates the {@link #freeCapacity()} snapshot from the held reservations (service thread). */
    private Resources recomputeFree() {
        Resources f = minus(total, reservedOnExec());
        free = f;
        return f;
    }

    private void notifyCapacity(Resources f) {
        try {
            capacityListener.freeCapacityChanged(f);
        } catch (RuntimeException e) {
            LOG.warn("capacity listener failed", e);
        }
    }

    private Resources reservedOnExec() {
        Resources used = Resources.NONE;
        for (DeploymentLedger.Entry e : held.values()) {
            used = plus(used, e.reserved());
        }
        return used;
    }

    private void publish(SignedDeployment d, SignedRecord<Acceptance> a) {
        CompletableFuture<?> f;
        try {
            f = publisher.publish(d, a);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, e) -> {
            if (e != null) {
                LOG.warn("publishing {} failed: {}", d, DeployStreams.unwrap(e).getMessage());
            }
        });
    }

    /**
     * Publishes every active deployment again (with its acceptance) through the {@link DeploymentPublisher}:
     * run periodically, so that peers that became the closest to a deployment's key since it was accepted
     * hold it too. Completes with how many were handed to the publisher.
     */
    public CompletableFuture<Integer> republish() {
        return CompletableFuture.supplyAsync(() -> {
            int n = 0;
            for (DeploymentLedger.Entry e : held.values()) {
                if (e.status() == DeploymentLedger.Status.ACTIVE) {
                    publish(e.deployment(), e.acceptance());
                    n++;
                }
            }
            return n;
        }, exec);
    }

    /** Test hook: the ledger's view, read on the service thread. */
    CompletableFuture<List<DeploymentLedger.Entry>> heldEntries() {
        return CompletableFuture.supplyAsync(() -> List.copyOf(held.values()), exec);
    }

    private static String key(Deployment d) {
        return d.owner().peerId().toBase58() + "/" + d.deploymentId();
    }

    static Resources plus(Resources a, Resources b) {
        return new Resources(Math.addExact(a.cores(), b.cores()), Math.addExact(a.memoryBytes(), b.memoryBytes()),
                Math.addExact(a.ssdBytes(), b.ssdBytes()), Math.addExact(a.hddBytes(), b.hddBytes()));
    }

    /** {@code a - b}, floored at zero per unit. */
    static Resources minus(Resources a, Resources b) {
        return new Resources(Math.max(0, a.cores() - b.cores()), Math.max(0, a.memoryBytes() - b.memoryBytes()),
                Math.max(0, a.ssdBytes() - b.ssdBytes()), Math.max(0, a.hddBytes() - b.hddBytes()));
    }

    private static String text(Resources r) {
        return r.cores() + " cores, " + r.memoryBytes() + " B memory, " + r.ssdBytes() + " B ssd, " + r.hddBytes()
                + " B hdd";
    }

    /** Builder; total capacity is required, everything else has a default. Not thread-safe. */
    public static final class Builder {
        private final Host host;
        private final DeploymentLedger ledger;
        private Resources total;
        private Provisioner provisioner = new ReservingProvisioner();
        private ResourceDemand demand = ResourceDemand.fromWorkloadMetadata();
        private DeploymentPublisher publisher = DeploymentPublisher.none();
        private CapacityListener capacityListener = free -> { };
        private DeploymentConfig config = DeploymentConfig.defaults();
        private Clock clock = Clock.systemUTC();
        private CosignPolicy cosignPolicy;

        private Builder(Host host, DeploymentLedger ledger) {
            this.host = Objects.requireNonNull(host, "host");
            this.ledger = Objects.requireNonNull(ledger, "ledger");
        }

        /** The capacity this node offers (required). */
        public Builder total(Resources v) { total = Objects.requireNonNull(v); return this; }
        /** Default {@link ReservingProvisioner}. */
        public Builder provisioner(Provisioner v) { provisioner = Objects.requireNonNull(v); return this; }
        /** Default {@link ResourceDemand#fromWorkloadMetadata()}. */
        public Builder resourceDemand(ResourceDemand v) { demand = Objects.requireNonNull(v); return this; }
        /** Default {@link DeploymentPublisher#none()}. */
        public Builder publisher(DeploymentPublisher v) { publisher = Objects.requireNonNull(v); return this; }
        public Builder capacityListener(CapacityListener v) { capacityListener = Objects.requireNonNull(v); return this; }
        public Builder config(DeploymentConfig v) { config = Objects.requireNonNull(v); return this; }
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }
        /** Also answer co-sign requests, signing with the host's key under {@code policy}; default: refuse them. */
        public Builder cosignPolicy(CosignPolicy v) { cosignPolicy = Objects.requireNonNull(v); return this; }

        public DeploymentService build() {
            if (total == null) {
                throw new IllegalStateException("the node's total capacity is required");
            }
            return new DeploymentService(this);
        }
    }
}
