package io.gridoverlay.dht.deploy;

import static io.gridoverlay.dht.deploy.DeployFixtures.COSIGNER;
import static io.gridoverlay.dht.deploy.DeployFixtures.OWNER;
import static io.gridoverlay.dht.deploy.DeployFixtures.STRANGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.DeploymentHistory;
import io.gridoverlay.core.record.DeploymentUpdate;
import io.gridoverlay.core.record.SignatureRequirement;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.transport.Host;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TCP on 127.0.0.1: a node, a twin and a co-signer, each its own {@link Host}. */
class DeployFlowTest {
    static final Resources TOTAL = new Resources(8, 16L << 30, 0, 0);
    static final long GIB = 1L << 30;

    @TempDir
    Path dataDir;

    final List<AutoCloseable> closeables = new ArrayList<>();
    final List<Resources> capacityEvents = new CopyOnWriteArrayList<>();
    final List<SignedRecord<Acceptance>> published = new CopyOnWriteArrayList<>();
    Host nodeHost;
    Host twinHost;
    Host cosignerHost;
    DeploymentService node;
    DeploymentClient twin;
    DeploymentClient cosigner;

    Host host(PrivateKey key) {
        Host.Builder b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1);
        if (key != null) {
            b.identity(key);
        }
        Host h = b.build();
        h.start().join();
        closeables.add(0, h);
        return h;
    }

    void know(Host who, Host peer) {
        who.peerStore().addAddresses(peer.peerId(), peer.listenAddresses(), Duration.ofMinutes(10));
    }

    @BeforeEach
    void start() {
        nodeHost = host(null);
        twinHost = host(OWNER);
        cosignerHost = host(COSIGNER);
        node = DeploymentService.builder(nodeHost, DeploymentLedger.open(dataDir)).total(TOTAL)
                .capacityListener(capacityEvents::add)
                .publisher((d, a) -> {
                    published.add(a);
                    return CompletableFuture.completedFuture(null);
                })
                .build();
        closeables.add(0, node);
        node.start().join();
        twin = DeploymentClient.create(twinHost);
        closeables.add(0, twin);
        cosigner = DeploymentClient.create(cosignerHost);
        closeables.add(0, cosigner);
        cosigner.serveCosignRequests(CosignPolicy.listedSigner(java.time.Clock.systemUTC()));
        know(twinHost, nodeHost);
        know(twinHost, cosignerHost);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    SignedRecord<Acceptance> submit(SignedDeployment d) {
        return twin.submit(nodeHost.peerId(), d).orTimeout(20, TimeUnit.SECONDS).join();
    }

    static RejectionCode code(SignedRecord<Acceptance> a) {
        assertThat(a.record().accepted()).as("rejected").isFalse();
        return RejectionCode.of(a.record()).orElseThrow();
    }

    SignedDeployment v0(String id, int cores) {
        return DeployFixtures.signedV0(id, nodeHost.peerId(), cores, cores * GIB);
    }

    @Test
    void deployAcceptUpdateChainVerifiesAndDeleteFreesCapacity() {
        SignedDeployment v0 = v0("web", 2);
        SignedRecord<Acceptance> a0 = submit(v0);
        assertThat(a0.record().accepted()).isTrue();
        assertThat(a0.record().isFor(v0)).isTrue();
        assertThat(a0.envelope().peerId()).isEqualTo(nodeHost.peerId());
        assertThat(a0.record().workloads()).extracting(Acceptance.WorkloadResult::state)
                .containsExactly(Acceptance.State.OK);
        assertThat(Acceptance.open(a0.toBytes(), v0).isValid()).isTrue();
        assertThat(node.freeCapacity()).isEqualTo(new Resources(6, 14 * GIB, 0, 0));

        SignedDeployment v1 = DeployFixtures.update(v0, 4, 4 * GIB, OWNER);
        SignedRecord<Acceptance> a1 = submit(v1);
        assertThat(a1.record().accepted()).as(a1.record().reason()).isTrue();
        assertThat(DeploymentHistory.verifyChain(List.of(v0, v1), true, Instant.now()).isValid()).isTrue();
        // the acceptance is persisted and the reservation counted before the answer leaves the node
        assertThat(node.freeCapacity()).isEqualTo(new Resources(4, 12 * GIB, 0, 0));
        // publication follows the answer on the service thread
        io.gridoverlay.testing.Conditions.waitUntil(Duration.ofSeconds(10), "both versions are published",
                () -> published.size() == 2);

        SignedRecord<Acceptance> gone = twin.delete(nodeHost.peerId(), v1, OWNER).orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(gone.record().accepted()).isTrue();
        assertThat(gone.record().workloads()).extracting(Acceptance.WorkloadResult::state)
                .containsOnly(Acceptance.State.DELETED);
        assertThat(node.freeCapacity()).as("freed before the signed answer").isEqualTo(TOTAL);
        io.gridoverlay.testing.Conditions.waitUntil(java.time.Duration.ofSeconds(10), "the capacity event follows",
                () -> !capacityEvents.isEmpty() && TOTAL.equals(capacityEvents.get(capacityEvents.size() - 1)));
    }

    @Test
    void forgedAcceptanceIsRejectedByTheClient() {
        Host rogue = host(null);
        know(twinHost, rogue);
        SignedDeployment d = DeployFixtures.signedV0("forged", rogue.peerId(), 1, GIB);
        DeployCodec codec = new DeployCodec(DeployCodec.MAX_MESSAGE_LENGTH);
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        closeables.add(timer::shutdownNow);
        // a rogue node answers with an acceptance signed by another key, claiming to be that key's node
        rogue.setStreamHandler(DeploymentConfig.PROTOCOL, DeployStreams.server(codec, DeploymentConfig.defaults(),
                new DeployStreams.Limiter(4, 4), timer, (from, m) -> CompletableFuture.completedFuture(
                        new DeployMessage.AcceptanceAnswer(new Acceptance("forged", 0, d.digest(), true, "", List.of(),
                                Instant.now(), STRANGER.peerId()).sign(STRANGER).toBytes()))));
        assertThatThrownBy(() -> twin.submit(rogue.peerId(), d).join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(DeploymentException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DeploymentException.Kind.INVALID_ANSWER);
                    assertThat(e.getMessage()).contains("signed by " + STRANGER.peerId());
                });
        // and a genuine acceptance of another version, replayed by the node that signed it
        SignedDeployment real = v0("real", 1);
        SignedRecord<Acceptance> genuine = submit(real);
        SignedDeployment other = v0("other", 1);
        assertThatThrownBy(() -> DeploymentClient.verifyAnswer(new DeployMessage.AcceptanceAnswer(genuine.toBytes()),
                nodeHost.peerId(), other, false)).isInstanceOfSatisfying(DeploymentException.class,
                e -> assertThat(e.kind()).isEqualTo(DeploymentException.Kind.INVALID_ANSWER));
    }

    @Test
    void replayedOldVersionIsRejected() {
        SignedDeployment v0 = v0("replay", 1);
        assertThat(submit(v0).record().accepted()).isTrue();
        SignedDeployment v1 = DeployFixtures.update(v0, 2, 2 * GIB, OWNER);
        assertThat(submit(v1).record().accepted()).isTrue();
        SignedRecord<Acceptance> replay = submit(v0);
        assertThat(code(replay)).isEqualTo(RejectionCode.STALE_VERSION);
        assertThat(replay.record().reason()).contains("older than the held v1");
        assertThat(node.freeCapacity()).isEqualTo(new Resources(6, 14 * GIB, 0, 0));
    }

    @Test
    void missingCosignatureIsRejected() {
        Deployment d = DeployFixtures.v0Builder("needs-two", nodeHost.peerId(), 1, GIB)
                .requirement(DeployFixtures.ownerAndCosigner()).build();
        SignedDeployment ownerOnly = SignedDeployment.of(d).sign(OWNER);
        SignedRecord<Acceptance> a = submit(ownerOnly);
        assertThat(code(a)).isEqualTo(RejectionCode.INVALID_SIGNATURES);
        assertThat(a.record().reason()).contains("required signer " + COSIGNER.peerId() + " has not signed");
        assertThat(node.freeCapacity()).isEqualTo(TOTAL);
    }

    @Test
    void cosignaturesCollectedOverTheProtocolMakeTheDeploymentAcceptable() {
        Deployment d = DeployFixtures.v0Builder("two-party", nodeHost.peerId(), 1, GIB)
                .requirement(DeployFixtures.ownerAndCosigner()).build();
        SignedDeployment ownerSigned = SignedDeployment.of(d).sign(OWNER);
        SignedDeployment both = twin.collectCosignatures(ownerSigned, List.of(cosignerHost.peerId()))
                .orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(both.signatures()).extracting(SignedDeployment.Signature::signer)
                .containsExactlyInAnyOrder(OWNER.publicKey(), COSIGNER.publicKey());
        assertThat(both.verify(Instant.now()).isValid()).isTrue();
        assertThat(submit(both).record().accepted()).isTrue();
    }

    @Test
    void cosignerRefusesWhatItIsNotListedIn() {
        SignedDeployment notListed = v0("not-listed", 1);
        assertThatThrownBy(() -> twin.collectCosignatures(notListed, List.of(cosignerHost.peerId())).join())
                .cause().isInstanceOfSatisfying(DeploymentException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DeploymentException.Kind.REFUSED);
                    assertThat(e.getMessage()).contains("is not a requested signer");
                });
    }

    @Test
    void ownerOnlyUpdateDroppingRequiredCosignersIsRejected() {
        Deployment d = DeployFixtures.v0Builder("guarded", nodeHost.peerId(), 1, GIB)
                .requirement(DeployFixtures.ownerAndCosigner()).build();
        SignedDeployment v0 = SignedDeployment.of(d).sign(OWNER).sign(COSIGNER);
        assertThat(submit(v0).record().accepted()).isTrue();
        Deployment v1 = DeploymentUpdate.from(v0).requirement(SignatureRequirement.singleSigner(OWNER.publicKey()))
                .build();
        SignedDeployment ownerOnly = SignedDeployment.of(v1).sign(OWNER);
        // the record rules refuse it too since issue 14 #12; the node must refuse it with a signed answer
        assertThat(ownerOnly.verifySuccessorOf(v0, Instant.now()).isValid())
                .as("core's successor rule refuses it").isFalse();
        SignedRecord<Acceptance> a = submit(ownerOnly);
        // the node names the rule broken: the previous version's requirement is not met
        assertThat(code(a)).isEqualTo(RejectionCode.REQUIREMENT_NOT_MET);
        assertThat(a.record().reason()).contains("signature requirement of v0")
                .contains("required signer " + COSIGNER.peerId() + " has not signed");
    }

    @Test
    void versionGapWithBogusPreviousDigestIsRejected() {
        SignedDeployment v0 = v0("gap", 1);
        assertThat(submit(v0).record().accepted()).isTrue();
        SignedDeployment unseenV1 = DeployFixtures.update(v0, 3, 3 * GIB, OWNER);
        SignedDeployment v2 = DeployFixtures.update(unseenV1, 2, 2 * GIB, OWNER);
        SignedRecord<Acceptance> gap = submit(v2);
        assertThat(code(gap)).isEqualTo(RejectionCode.BAD_CHAIN);
        assertThat(gap.record().reason()).contains("version gap");
        // v1 chained to another v0 (a bogus previous digest)
        SignedDeployment otherV0 = v0("gap", 5);
        SignedDeployment bogusV1 = DeployFixtures.update(otherV0, 1, GIB, OWNER);
        SignedRecord<Acceptance> bogus = submit(bogusV1);
        assertThat(code(bogus)).isEqualTo(RejectionCode.BAD_CHAIN);
        assertThat(bogus.record().reason()).contains("previous digest does not match");
    }

    @Test
    void equivocationIsSurfacedByTheNode() {
        SignedDeployment v0 = v0("twice", 1);
        assertThat(submit(v0).record().accepted()).isTrue();
        SignedDeployment other = v0("twice", 2);
        SignedRecord<Acceptance> a = submit(other);
        assertThat(code(a)).isEqualTo(RejectionCode.EQUIVOCATION);
    }

    @Test
    void deployToANodeThatIsDownFailsFast() throws Exception {
        SignedDeployment d = v0("down", 1);
        nodeHost.close();
        long start = System.nanoTime();
        assertThatThrownBy(() -> twin.submit(nodeHost.peerId(), d).join()).cause()
                .isInstanceOfSatisfying(DeploymentException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DeploymentException.Kind.UNREACHABLE);
                    assertThat(e.getMessage()).contains("cannot reach " + nodeHost.peerId());
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(DeploymentConfig.defaults().requestTimeout());
    }

    @Test
    void deployToAFullNodeGetsASignedInsufficientCapacityRejection() {
        assertThat(submit(v0("big", 6)).record().accepted()).isTrue();
        SignedDeployment tooBig = v0("too-big", 3);
        SignedRecord<Acceptance> a = submit(tooBig);
        assertThat(code(a)).isEqualTo(RejectionCode.INSUFFICIENT_CAPACITY);
        assertThat(a.record().reason()).contains("insufficient capacity");
        assertThat(a.envelope().peerId()).isEqualTo(nodeHost.peerId());
        assertThat(Acceptance.open(a.toBytes(), tooBig).isValid()).isTrue();
        assertThat(node.freeCapacity()).isEqualTo(new Resources(2, 10 * GIB, 0, 0));
    }

    @Test
    void deploymentForAnotherNodeGetsASignedWrongNodeRejection() {
        SignedDeployment elsewhere = DeployFixtures.signedV0("elsewhere", STRANGER.peerId(), 1, GIB);
        SignedRecord<Acceptance> a = submit(elsewhere);
        assertThat(code(a)).isEqualTo(RejectionCode.WRONG_NODE);
        assertThat(a.envelope().peerId()).isEqualTo(nodeHost.peerId());
    }

    @Test
    void aDeleteByAnotherKeyFindsNothingAndFreesNothing() {
        SignedDeployment v0 = v0("mine", 1);
        assertThat(submit(v0).record().accepted()).isTrue();
        // the stranger signs a delete of the owner's deployment: the node looks under the stranger's namespace
        DeploymentClient strangerClient = DeploymentClient.create(twinHost);
        closeables.add(0, strangerClient);
        assertThatThrownBy(() -> strangerClient.delete(nodeHost.peerId(), v0, STRANGER).join()).cause()
                .isInstanceOfSatisfying(DeploymentException.class,
                        e -> assertThat(e.kind()).isEqualTo(DeploymentException.Kind.LOCAL));
        byte[] forged = DeleteRequest.of(v0, Instant.now()).sign(STRANGER).toBytes();
        DeployCodec codec = new DeployCodec(DeployCodec.MAX_MESSAGE_LENGTH);
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        closeables.add(timer::shutdownNow);
        DeployMessage answer = DeployStreams.request(twinHost, nodeHost.peerId(),
                new DeployMessage.Delete(DeleteRequest.open(forged)), codec, Duration.ofSeconds(10), timer).join();
        SignedRecord<Acceptance> a = DeploymentClient.verifyAnswer(answer, nodeHost.peerId(), v0, true);
        assertThat(code(a)).isEqualTo(RejectionCode.UNKNOWN_DEPLOYMENT);
        assertThat(node.freeCapacity()).isEqualTo(new Resources(7, 15 * GIB, 0, 0));
    }
}
