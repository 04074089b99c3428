package io.gridoverlay.examples;

import static io.gridoverlay.examples.LocalGridNodes.await;
import static io.gridoverlay.examples.LocalGridNodes.pollUntil;

import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.DeploymentHistory;
import io.gridoverlay.core.record.DeploymentUpdate;
import io.gridoverlay.core.record.Envelope;
import io.gridoverlay.core.record.SignatureRequirement;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.core.record.Workload;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.capacity.ByteSize;
import io.gridoverlay.dht.capacity.CapacityQuery;
import io.gridoverlay.dht.capacity.CapacityQueryResult;
import io.gridoverlay.dht.deploy.DeploymentBundleKeyspace;
import io.gridoverlay.dht.deploy.DeploymentConfig;
import io.gridoverlay.dht.deploy.DeploymentStore;
import io.gridoverlay.dht.deploy.RejectionCode;
import io.gridoverlay.dht.deploy.ResolvedDeployment;
import io.gridoverlay.dht.grid.GridNode;
import io.gridoverlay.dht.protocol.KadRecord;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Steps 3 to 7 of {@code local-grid}: the twin deploys onto the node a capacity query chose, co-signed by the
 * co-signer; another node resolves and verifies it; the update, the refusals (an update that drops the
 * co-signer, a replayed version, a forged acceptance, an equivocation) and the delete, while the node's
 * advertised free capacity follows. Every outcome is a {@link DemoChecks} check. Runs on one thread.
 */
final class DeploymentStory {
    private static final long GIB = 1L << 30;
    private static final String ID = "demo-web";

    private final LocalGridNodes grid;
    private final GridNode target;
    private final GridNode observer;
    private final Resources offered;
    private final PrintWriter out;
    private final DemoChecks checks;
    private SignedDeployment v0;
    private SignedDeployment v1;

    /**
     * @param target   the node to deploy onto
     * @param offered  the free capacity it advertised before the deployment
     */
    DeploymentStory(LocalGridNodes grid, GridNode target, Resources offered, PrintWriter out, DemoChecks checks) {
        this.grid = grid;
        this.target = target;
        this.offered = offered;
        this.out = out;
        this.checks = checks;
        // another node resolves: it asks the peers closest to the deployment's key (and its own store, which
        // holds a copy only if the node's publication reached it over the DHT) and verifies every answer itself
        this.observer = grid.nodes.get((grid.indexOf(target) + 1) % grid.nodes.size());
    }

    /** Runs steps 3 to 7; a step that cannot finish throws (the caller records it as a failed check). */
    void run() throws Exception {
        deploy();
        resolveV0();
        update();
        refusals();
        delete();
    }

    private void deploy() throws Exception {
        out.println();
        out.println("[3] deploy onto " + label(target) + ", co-signed over the network");
        Instant now = Instant.now();
        PublicKey owner = grid.twin.publicKey();
        SignatureRequirement ownerAndCosigner = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(owner, 1, true),
                new SignatureRequirement.Request(grid.cosigner.publicKey(), 1, true)), 2);
        Deployment d = Deployment.builder(ID, owner, target.peerId()).description("local-grid demo")
                .createdAt(now).expiresAt(now.plus(Duration.ofDays(1))).requirement(ownerAndCosigner)
                .addWorkload(web(0, 2, 2 * GIB, "a small web VM")).build();
        SignedDeployment ownerOnly = grid.twin.sign(d);
        out.printf(Locale.ROOT, "twin signs %s v0 (digest %s): workload web needs 2 cores and 2 GiB; owner and "
                + "co-signer must both sign%n", ID, digest(ownerOnly));
        checks.check(!ownerOnly.verify(now).isValid(), "v0 signed by the owner alone does not verify: "
                + reason(ownerOnly.verify(now)));
        v0 = await(grid.twin.collectCosignatures(ownerOnly, List.of(grid.cosigner.peerId())));
        checks.check(v0.verify(Instant.now()).isValid() && v0.signatures().size() == 2, "the co-signer signed v0 "
                + "over " + DeploymentConfig.PROTOCOL + " (after verifying it); v0 now verifies with 2 of 2 "
                + "signatures");
        SignedRecord<Acceptance> a0 = await(grid.twin.deploy(v0));
        printAnswer(a0);
        checks.check(a0.record().accepted() && Acceptance.open(a0.toBytes(), v0).isValid(),
                label(target) + " accepted v0; its signed acceptance verifies on the twin");
    }

    private void resolveV0() throws Exception {
        out.println();
        out.println("[4] " + label(observer) + " resolves the deployment; the capacity query follows");
        Optional<ResolvedDeployment> r = resolveUntil(x -> x instanceof ResolvedDeployment.Latest l
                && l.latest().deployment().version() == 0);
        boolean ok = r.isPresent() && r.get() instanceof ResolvedDeployment.Latest l
                && Arrays.equals(l.latest().digest(), v0.digest()) && verifies(l);
        checks.check(ok, label(observer) + " resolved " + ID + " v0 from the DHT and verified it here: both "
                + "signatures, the node's acceptance" + unexpected(ok, r));
        expectFree(minus(offered, 2, 2 * GIB), "v0");
    }

    private void update() throws Exception {
        out.println();
        out.println("[5] update to v1 (co-signed again)");
        Deployment d1 = DeploymentUpdate.from(v0).removeWorkload("web")
                .addWorkload(web(1, 4, 4 * GIB, "a bigger web VM")).build();
        v1 = await(grid.twin.collectCosignatures(grid.twin.sign(d1), List.of(grid.cosigner.peerId())));
        out.printf(Locale.ROOT, "twin signs %s v1 (digest %s, previous %s): web grows to 4 cores and 4 GiB; the "
                + "co-signer signs it too%n", ID, digest(v1), digest(v0));
        SignedRecord<Acceptance> a1 = await(grid.twin.update(v1));
        printAnswer(a1);
        checks.check(a1.record().accepted() && Acceptance.open(a1.toBytes(), v1).isValid(),
                label(target) + " accepted v1; its signed acceptance verifies on the twin");
        Optional<ResolvedDeployment> r = resolveUntil(x -> x instanceof ResolvedDeployment.Latest l
                && l.latest().deployment().version() == 1);
        boolean ok = r.isPresent() && r.get() instanceof ResolvedDeployment.Latest l && l.history().size() == 2
                && Arrays.equals(l.history().get(0).digest(), v0.digest())
                && Arrays.equals(l.latest().digest(), v1.digest()) && verifies(l);
        if (ok) {
            ResolvedDeployment.Latest l = (ResolvedDeployment.Latest) r.get();
            out.println("history resolved by " + label(observer) + ": " + l.history().stream()
                    .map(v -> "v" + v.deployment().version() + " " + digest(v) + " (" + v.signatures().size()
                            + " signatures)").collect(Collectors.joining(" -> "))
                    + "; acceptance of v1 signed by " + l.acceptance().orElseThrow().envelope().peerId());
        }
        checks.check(ok, label(observer) + " resolves a history of 2 versions (v0 -> v1) that verifies: each "
                + "signed as its predecessor requires, hash-chained, v1 accepted by the node" + unexpected(ok, r));
        expectFree(minus(offered, 4, 4 * GIB), "v1");
    }

    private void refusals() throws Exception {
        out.println();
        out.println("[6] what the grid refuses");
        PublicKey owner = grid.twin.publicKey();
        SignedDeployment v2 = grid.twin.sign(DeploymentUpdate.from(v1)
                .requirement(SignatureRequirement.singleSigner(owner)).description("co-signer dropped").build());
        checks.refused("an owner-only v2 that drops the co-signer", await(grid.twin.update(v2)),
                RejectionCode.REQUIREMENT_NOT_MET);
        checks.refused("a replay of v0", await(grid.twin.deploy(v0)), RejectionCode.STALE_VERSION);

        Acceptance claim = Acceptance.accept(v1, Acceptance.State.OK, Instant.now());
        Envelope forged = Envelope.seal(grid.nodeKeys.get(grid.indexOf(observer)), Acceptance.DOMAIN,
                Acceptance.PAYLOAD_TYPE, claim.encode());
        checks.rejected("an acceptance of v1 that names " + label(target) + " but is signed with " + label(observer)
                + "'s key", Acceptance.open(forged.toBytes(), v1));

        SignedDeployment conflicting = grid.twin.sign(DeploymentUpdate.from(v0).removeWorkload("web")
                .addWorkload(web(1, 8, 8 * GIB, "another v1")).build());
        checks.refused("a conflicting v1 (digest " + digest(conflicting) + ") sent to " + label(target),
                await(grid.twin.update(conflicting)), RejectionCode.EQUIVOCATION);
        KademliaDht dht = grid.twin.dht().orElseThrow();
        byte[] bundleKey = DeploymentStore.bundleKeyFor(owner.peerId(), ID);
        KademliaDht.PutOutcomes put = await(dht.putToClosest(KadRecord.of(bundleKey,
                DeploymentBundleKeyspace.publication(conflicting, null)), GridNode.DEPLOYMENT_REPLICAS));
        String equivocationAck = DeploymentBundleKeyspace.ACK_PREFIX + "EQUIVOCATION";
        long flagged = put.outcomes().stream()
                .filter(o -> o.echoed().map(e -> equivocationAck.equals(e.timeReceived())).orElse(false)).count();
        out.printf(Locale.ROOT, "the owner wrote the conflicting v1 into the DHT itself: %d of the %d peers closest to "
                + "the deployment's key answered %s%n", flagged, put.outcomes().size(), equivocationAck);
        Optional<ResolvedDeployment> r = resolveUntil(x -> x instanceof ResolvedDeployment.Equivocated);
        boolean ok = r.isPresent() && r.get() instanceof ResolvedDeployment.Equivocated e
                && e.proof().verify().isValid();
        checks.check(ok, label(observer) + " now resolves " + ID + " to an equivocation proof (two owner-signed v1, "
                + "digests " + digest(v1) + " and " + digest(conflicting) + ") that verifies: no version is trusted"
                + unexpected(ok, r));
        double accepted = target.meters().get("grid.deployments.accepted").functionCounter().count();
        double rejected = target.meters().get("grid.deployments.rejected").functionCounter().count();
        checks.check(accepted == 2 && rejected == 3, String.format(Locale.ROOT, "%s's metrics count %.0f deployments "
                + "accepted and %.0f rejected with a signed answer (expected 2 and 3)", label(target), accepted,
                rejected));
    }

    private void delete() throws Exception {
        out.println();
        out.println("[7] delete");
        SignedRecord<Acceptance> gone = await(grid.twin.delete(v1));
        printAnswer(gone);
        checks.check(gone.record().accepted() && Acceptance.open(gone.toBytes(), v1).isValid()
                        && gone.record().workloads().stream().allMatch(w -> w.state() == Acceptance.State.DELETED),
                label(target) + " deleted " + ID + " and signed it (every workload DELETED)");
        expectFree(offered, "the delete");
    }

    /** The workload the demo deploys: its metadata declares what the node reserves. */
    private static Workload web(int version, int cores, long memory, String description) {
        return new Workload("web", "zmachine", version, "image=nginx:1.27".getBytes(StandardCharsets.UTF_8),
                description, "cores=" + cores + ";memory=" + memory);
    }

    /** Resolves from the observer until {@code wanted} holds (bounded); the last answer. */
    private Optional<ResolvedDeployment> resolveUntil(Predicate<ResolvedDeployment> wanted) throws Exception {
        @SuppressWarnings("unchecked")
        Optional<ResolvedDeployment>[] last = new Optional[] {Optional.empty()};
        pollUntil(() -> {
            last[0] = observer.resolveDeployment(grid.twin.peerId(), ID)
                    .orTimeout(LocalGridNodes.STEP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
            return last[0].filter(wanted).isPresent();
        });
        return last[0];
    }

    /** Verifies a resolved chain again here, from its bytes: the history from v0 and the latest acceptance. */
    private static boolean verifies(ResolvedDeployment.Latest l) {
        return DeploymentHistory.verifyChain(l.history(), true, Instant.now()).isValid()
                && l.acceptance().map(a -> a.record().accepted() && Acceptance.open(a.toBytes(), l.latest()).isValid())
                        .orElse(false);
    }

    /** Polls a capacity query for the target until it shows {@code expected} free (bounded), and checks it. */
    private void expectFree(Resources expected, String after) throws Exception {
        CapacityQuery q = CapacityQuery.builder().includeNodes(target.peerId()).build();
        CapacityRecord[] seen = new CapacityRecord[1];
        long start = System.nanoTime();
        boolean shown = pollUntil(() -> {
            CapacityQueryResult r = grid.twin.findCapacity(q)
                    .orTimeout(LocalGridNodes.STEP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
            seen[0] = r.matches().isEmpty() ? null : r.matches().get(0).record();
            return seen[0] != null && seen[0].free().cores() == expected.cores()
                    && seen[0].free().memoryBytes() == expected.memoryBytes();
        });
        long ms = (System.nanoTime() - start) / 1_000_000;
        String now = seen[0] == null ? "no record" : free(seen[0].free());
        checks.check(shown, String.format(Locale.ROOT, "a capacity query from the twin shows %s's advertised free "
                + "capacity %s after %s (expected %s; was %s before the deployment; %d ms)", label(target), now, after,
                free(expected), free(offered), ms));
    }

    private void printAnswer(SignedRecord<Acceptance> answer) {
        Acceptance a = answer.record();
        String states = a.workloads().stream().map(w -> w.name() + "=" + w.state()).collect(Collectors.joining(", "));
        out.printf(Locale.ROOT, "%s answered: %s v%d%s, signed by %s at %s%n", label(target),
                a.accepted() ? "accepted" : "rejected", a.version(), a.accepted() ? " (" + states + ")" : ": "
                        + a.reason(), answer.envelope().peerId(), a.at());
    }

    private static Resources minus(Resources r, int cores, long memory) {
        return new Resources(r.cores() - cores, r.memoryBytes() - memory, r.ssdBytes(), r.hddBytes());
    }

    private static String free(Resources r) {
        return r.cores() + " cores, " + ByteSize.format(r.memoryBytes());
    }

    private static String digest(SignedDeployment d) {
        return d.digestHex().substring(0, 12);
    }

    private static String reason(Verification<?> v) {
        return v instanceof Verification.Invalid<?> bad ? bad.reason() : "it verified";
    }

    /** What was resolved instead, for a failed check. */
    private static String unexpected(boolean ok, Optional<ResolvedDeployment> r) {
        if (ok) {
            return "";
        }
        return r.map(x -> x instanceof ResolvedDeployment.Latest l ? " [resolved v" + l.latest().deployment().version()
                + ", history of " + l.history().size() + ", acceptance " + (l.acceptance().isPresent() ? "present"
                : "missing") + "]" : " [resolved an equivocation proof]").orElse(" [nothing resolved]");
    }

    private String label(GridNode n) {
        return n == grid.twin ? "the twin" : n == grid.cosigner ? "the co-signer" : "node " + grid.indexOf(n);
    }
}
