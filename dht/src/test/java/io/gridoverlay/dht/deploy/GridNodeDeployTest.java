package io.gridoverlay.dht.deploy;

import static io.gridoverlay.dht.deploy.DeployFixtures.OWNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.DeploymentHistory;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.capacity.CapacityQuery;
import io.gridoverlay.dht.capacity.CapacityQueryResult;
import io.gridoverlay.dht.grid.GridNode;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.testing.Conditions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments through {@link GridNode} over real TCP on loopback: a twin deploys onto a node that accepts
 * (data directory + capacity), a third node resolves and verifies what runs there, the node's advertised
 * free capacity follows, and the flow survives the node's restart.
 */
@Tag("slow")
class GridNodeDeployTest {
    static final long GIB = 1L << 30;
    static final Resources OFFERED = new Resources(8, 16 * GIB, 0, 0);

    @TempDir
    Path dataDir;

    final List<GridNode> nodes = new ArrayList<>();
    final PrivateKey providerKey = Ed25519.generate().privateKey();
    GridNode provider;
    GridNode storer;
    GridNode observer;
    GridNode twin;

    GridNode start(GridNode.Builder b) {
        if (!nodes.isEmpty()) {
            GridNode first = nodes.get(0);
            b.bootstrap(first.listenAddresses().get(0) + "/p2p/" + first.peerId().toBase58());
        }
        GridNode n = b.listen("/ip4/127.0.0.1/tcp/0").build();
        nodes.add(n);
        n.start().orTimeout(30, TimeUnit.SECONDS).join();
        return n;
    }

    GridNode startProvider() {
        return start(GridNode.builder().identity(providerKey).dataDir(dataDir)
                .deploymentRepublishInterval(Duration.ofSeconds(1))
                .capacity((id, addrs) -> CapacityRecord.builder(id).total(OFFERED).free(OFFERED).listenAddrs(addrs)
                        .build()));
    }

    @BeforeEach
    void grid() {
        storer = start(GridNode.builder());
        provider = startProvider();
        observer = start(GridNode.builder());
        twin = start(GridNode.builder().identity(OWNER));
        for (GridNode n : nodes) { // everyone is in everyone's table before anything is published
            n.join(List.of(storer.listenAddresses().get(0).encapsulate("/p2p/" + storer.peerId().toBase58())))
                    .orTimeout(30, TimeUnit.SECONDS).join();
        }
        provider.advertiseCapacity().orTimeout(30, TimeUnit.SECONDS).join();
    }

    @AfterEach
    void stop() {
        nodes.forEach(GridNode::close);
    }

    SignedRecord<Acceptance> send(SignedDeployment d) {
        return (d.deployment().version() == 0 ? twin.deploy(d) : twin.update(d)).orTimeout(30, TimeUnit.SECONDS).join();
    }

    ResolvedDeployment resolve(GridNode from, String id) {
        return from.resolveDeployment(OWNER.peerId(), id).orTimeout(30, TimeUnit.SECONDS).join().orElseThrow();
    }

    /** The free cores the provider's published record shows to a capacity query from the observer. */
    long advertisedFreeCores() {
        CapacityQueryResult r = observer.findCapacity(CapacityQuery.builder().includeNodes(provider.peerId()).build())
                .orTimeout(30, TimeUnit.SECONDS).join();
        return r.matches().stream().mapToLong(m -> m.record().free().cores()).findFirst().orElse(-1);
    }

    void awaitAdvertisedFreeCores(long cores) {
        Conditions.waitUntil(Duration.ofSeconds(30), "the provider advertises " + cores + " free cores",
                () -> advertisedFreeCores() == cores);
    }

    @Test
    void deployIsAcceptedResolvedElsewhereUpdatedAndDeletedWhileAdvertisedCapacityFollows() {
        awaitAdvertisedFreeCores(8);
        SignedDeployment v0 = DeployFixtures.signedV0("web", provider.peerId(), 2, 2 * GIB);
        SignedRecord<Acceptance> a0 = send(v0);
        assertThat(a0.record().accepted()).as(a0.record().reason()).isTrue();
        assertThat(a0.envelope().peerId()).isEqualTo(provider.peerId());

        // the node publishes after it answers: the observer sees v0 within one publication
        Conditions.waitUntil(Duration.ofSeconds(30), "the observer resolves v0",
                () -> observer.resolveDeployment(OWNER.peerId(), "web").orTimeout(30, TimeUnit.SECONDS).join()
                        .isPresent());
        ResolvedDeployment r0 = resolve(observer, "web");
        assertThat(r0).isInstanceOfSatisfying(ResolvedDeployment.Latest.class, l -> {
            assertThat(l.latest().digest()).isEqualTo(v0.digest());
            assertThat(l.acceptance()).hasValueSatisfying(a -> assertThat(a.record().isFor(v0)).isTrue());
        });
        awaitAdvertisedFreeCores(6);
        assertThat(provider.deploymentService().orElseThrow().freeCapacity())
                .isEqualTo(new Resources(6, 14 * GIB, 0, 0));

        SignedDeployment v1 = DeployFixtures.update(v0, 4, 4 * GIB, OWNER);
        SignedRecord<Acceptance> a1 = send(v1);
        assertThat(a1.record().accepted()).as(a1.record().reason()).isTrue();
        Conditions.waitUntil(Duration.ofSeconds(30), "the observer resolves v1",
                () -> resolve(observer, "web") instanceof ResolvedDeployment.Latest l
                        && l.latest().deployment().version() == 1);
        ResolvedDeployment.Latest r1 = (ResolvedDeployment.Latest) resolve(observer, "web");
        assertThat(r1.history()).extracting(s -> s.deployment().version()).containsExactly(0L, 1L);
        assertThat(DeploymentHistory.verifyChain(r1.history(), true, Instant.now()).isValid()).isTrue();
        assertThat(r1.acceptance()).hasValueSatisfying(a -> assertThat(a.record().isFor(v1)).isTrue());
        awaitAdvertisedFreeCores(4);

        SignedRecord<Acceptance> gone = twin.delete(v1).orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(gone.record().accepted()).isTrue();
        assertThat(gone.record().workloads()).extracting(Acceptance.WorkloadResult::state)
                .containsOnly(Acceptance.State.DELETED);
        awaitAdvertisedFreeCores(8);

        assertThat(provider.meters().get("grid.deployments.accepted").functionCounter().count()).isEqualTo(2);
        assertThat(twin.meters().get("grid.deployments.sent").counter().count()).isEqualTo(3);
        assertThat(storer.meters().get("grid.deployments.stored").gauge().value()).isEqualTo(1);
        var lookups = observer.meters().get("grid.dht.lookup.latency").functionTimer();
        assertThat(lookups.count()).as("lookups the observer ran to their end").isPositive();
        assertThat(lookups.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(provider.meters().get("grid.streams").gauge().value()).isNotNegative();
    }

    @Test
    void aNodeThatLacksCapacityAnswersWithASignedRejectionAndCountsIt() {
        SignedDeployment big = DeployFixtures.signedV0("big", provider.peerId(), 9, GIB);
        SignedRecord<Acceptance> a = send(big);
        assertThat(a.record().accepted()).isFalse();
        assertThat(RejectionCode.of(a.record())).contains(RejectionCode.INSUFFICIENT_CAPACITY);
        assertThat(provider.meters().get("grid.deployments.rejected").functionCounter().count()).isEqualTo(1);
        assertThat(observer.resolveDeployment(OWNER.peerId(), "big").orTimeout(30, TimeUnit.SECONDS).join())
                .as("nothing rejected is published").isEmpty();
    }

    @Test
    void twoOwnerSignedVersionsWithOneNumberResolveToTheEquivocationProof() {
        SignedDeployment v0 = DeployFixtures.signedV0("twice", provider.peerId(), 1, GIB);
        assertThat(send(v0).record().accepted()).isTrue();
        Conditions.waitUntil(Duration.ofSeconds(30), "v0 is resolvable",
                () -> observer.resolveDeployment(OWNER.peerId(), "twice").join().isPresent());
        // the owner signs another v0 and writes it into the DHT itself, bypassing the node
        Deployment other = DeployFixtures.v0Builder("twice", provider.peerId(), 1, 2 * GIB).build();
        SignedDeployment conflicting = SignedDeployment.of(other).sign(OWNER);
        assertThat(conflicting.digest()).isNotEqualTo(v0.digest());
        KademliaDht dht = twin.dht().orElseThrow();
        KademliaDht.PutOutcomes put = dht.putToClosest(KadRecord.of(DeploymentStore.bundleKeyFor(OWNER.peerId(), "twice"),
                DeploymentBundleKeyspace.publication(conflicting, null)), GridNode.DEPLOYMENT_REPLICAS)
                .orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(put.outcomes()).anySatisfy(o -> assertThat(o.echoed()).hasValueSatisfying(e ->
                assertThat(e.timeReceived()).isEqualTo(DeploymentBundleKeyspace.ACK_PREFIX + "EQUIVOCATION")));

        ResolvedDeployment r = resolve(observer, "twice");
        assertThat(r).isInstanceOfSatisfying(ResolvedDeployment.Equivocated.class,
                e -> assertThat(e.proof().verify().isValid()).isTrue());
    }

    @Test
    void deployingToANodeNotInTheGridOrDownFailsFastWithAClearError() {
        PeerId nobody = Ed25519.generate().privateKey().publicKey().peerId();
        SignedDeployment toNobody = DeployFixtures.signedV0("lost", nobody, 1, GIB);
        assertThatThrownBy(() -> twin.deploy(toNobody).orTimeout(30, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(DeploymentException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DeploymentException.Kind.UNREACHABLE);
                    assertThat(e.getMessage()).contains(nobody.toBase58()).contains("not found");
                });

        PeerId down = provider.peerId();
        twin.host().peerStore().addAddresses(down, provider.listenAddresses(), Duration.ofMinutes(10));
        provider.close();
        SignedDeployment toDown = DeployFixtures.signedV0("down", down, 1, GIB);
        assertThatThrownBy(() -> twin.deploy(toDown).orTimeout(30, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(DeploymentException.class,
                        e -> assertThat(e.kind()).isEqualTo(DeploymentException.Kind.UNREACHABLE));
    }

    @Test
    void aRestartedNodeKeepsWhatItAcceptedAndRepublishesItsReducedCapacity() {
        SignedDeployment v0 = DeployFixtures.signedV0("kept", provider.peerId(), 3, 3 * GIB);
        assertThat(send(v0).record().accepted()).isTrue();
        provider.close();
        nodes.remove(provider);

        provider = startProvider();
        provider.join(List.of(storer.listenAddresses().get(0).encapsulate("/p2p/" + storer.peerId().toBase58())))
                .orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(provider.deploymentService().orElseThrow().freeCapacity())
                .isEqualTo(new Resources(5, 13 * GIB, 0, 0));
        provider.advertiseCapacity().orTimeout(30, TimeUnit.SECONDS).join();
        awaitAdvertisedFreeCores(5);
        // the same version again is answered from the ledger with the acceptance signed before the restart
        SignedRecord<Acceptance> again = send(v0);
        assertThat(again.record().accepted()).isTrue();
        assertThat(again.record().isFor(v0)).isTrue();
        Optional<ResolvedDeployment> r = provider.resolveDeployment(OWNER.peerId(), "kept")
                .orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(r).hasValueSatisfying(x -> assertThat(x).isInstanceOf(ResolvedDeployment.Latest.class));
    }

    @Test
    void aPeerThatJoinsAfterTheAcceptanceHoldsTheDeploymentAfterTheNextRepublish() {
        SignedDeployment v0 = DeployFixtures.signedV0("later", provider.peerId(), 1, GIB);
        assertThat(send(v0).record().accepted()).isTrue();
        GridNode late = start(GridNode.builder());
        late.join(List.of(storer.listenAddresses().get(0).encapsulate("/p2p/" + storer.peerId().toBase58())))
                .orTimeout(30, TimeUnit.SECONDS).join();
        provider.join(List.of(late.listenAddresses().get(0).encapsulate("/p2p/" + late.peerId().toBase58())))
                .orTimeout(30, TimeUnit.SECONDS).join();
        Conditions.waitUntil(Duration.ofSeconds(30), "the late peer stores the deployment",
                () -> late.meters().get("grid.deployments.stored").gauge().value() == 1);
    }
}
