package io.gridoverlay.core.record;

import static io.gridoverlay.core.record.Fixtures.COSIGNER_A;
import static io.gridoverlay.core.record.Fixtures.COSIGNER_B;
import static io.gridoverlay.core.record.Fixtures.NODE;
import static io.gridoverlay.core.record.Fixtures.NOW;
import static io.gridoverlay.core.record.Fixtures.OWNER;
import static io.gridoverlay.core.record.Fixtures.STRANGER;
import static io.gridoverlay.core.record.Fixtures.T0;
import static io.gridoverlay.core.record.Fixtures.successor;
import static io.gridoverlay.core.record.Fixtures.v0;
import static io.gridoverlay.core.record.Fixtures.v0Builder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.proto.GridProtos;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signature requirement, chain rules and the valid life cycle of a deployment. */
class SignedDeploymentTest {

    private static String reason(Verification<?> v) {
        assertThat(v).isInstanceOf(Verification.Invalid.class);
        return ((Verification.Invalid<?>) v).reason();
    }

    /** A DeploymentRecord built by hand: {@code body} with one signature per key, in order, over its digest. */
    private static byte[] handMade(byte[] body, PrivateKey... signers) {
        byte[] digest = Deployment.digestOf(body);
        GridProtos.DeploymentRecord.Builder r = GridProtos.DeploymentRecord.newBuilder().setBody(ByteString.copyFrom(body));
        for (PrivateKey k : signers) {
            r.addSignatures(GridProtos.DeploymentSignature.newBuilder()
                    .setSigner(ByteString.copyFrom(k.publicKey().encode()))
                    .setSignature(ByteString.copyFrom(k.sign(digest))));
        }
        return r.build().toByteArray();
    }

    private static UnknownFieldSet unknownField(int number) {
        return UnknownFieldSet.newBuilder()
                .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build();
    }

    // ------------------------------------------------------------------ valid life cycle

    @Test
    void twinCreatesCoSignsUpdatesAndNodeAccepts() {
        // the owner signs and sends the bytes to co-signer A, who signs the decoded copy
        byte[] fromOwner = SignedDeployment.of(v0Builder().build()).sign(OWNER).toBytes();
        SignedDeployment v0 = SignedDeployment.decode(fromOwner).sign(COSIGNER_A);
        assertThat(v0.verify(NOW).isValid()).isTrue();
        assertThat(v0.signatures()).hasSize(2);
        assertThat(v0).isEqualTo(SignedDeployment.decode(v0.toBytes()));

        SignedDeployment v1 = successor(v0, "vm1", new byte[] {9});
        SignedDeployment v2 = successor(v1, "vm2", new byte[] {10});
        assertThat(v1.deployment().version()).isEqualTo(1);
        assertThat(v1.deployment().previousDigest()).isEqualTo(v0.digest());
        assertThat(v1.deployment().workload("vm1").orElseThrow().version()).isEqualTo(1);
        assertThat(v1.deployment().workload("disk1").orElseThrow().version()).isZero();
        assertThat(v2.deployment().workload("vm2").orElseThrow().version()).isEqualTo(2);
        assertThat(DeploymentUpdate.changedWorkloads(v1.deployment(), v2.deployment())).containsExactly("vm2");
        assertThat(v1.verifySuccessorOf(v0, NOW).isValid()).isTrue();
        assertThat(v2.verifySuccessorOf(v1, NOW).isValid()).isTrue();

        assertThat(DeploymentHistory.verifyChain(List.of(v0, v1, v2), true, NOW).orElseThrow()).isEqualTo(v2);
        assertThat(DeploymentHistory.verifyChain(List.of(v1, v2), false, NOW).isValid()).isTrue();

        SignedRecord<Acceptance> acc = Acceptance.accept(v2, Acceptance.State.OK, NOW).sign(NODE);
        SignedRecord<Acceptance> opened = Acceptance.open(acc.toBytes(), v2).orElseThrow();
        assertThat(opened.record().accepted()).isTrue();
        assertThat(opened.record().workloads()).hasSize(3)
                .allMatch(w -> w.state() == Acceptance.State.OK);
    }

    @Test
    void historyFailsWhenAVersionIsRemovedOrReordered() {
        SignedDeployment v0 = v0();
        SignedDeployment v1 = successor(v0, "vm1", new byte[] {9});
        SignedDeployment v2 = successor(v1, "vm1", new byte[] {10});
        assertThat(reason(DeploymentHistory.verifyChain(List.of(v0, v2), true, NOW))).contains("version must be 1");
        assertThat(DeploymentHistory.verifyChain(List.of(v0, v2, v1), true, NOW).isValid()).isFalse();
        assertThat(DeploymentHistory.verifyChain(List.of(v1, v0, v2), false, NOW).isValid()).isFalse();
        assertThat(reason(DeploymentHistory.verifyChain(List.of(v1, v2), true, NOW))).contains("not v0");
        assertThat(DeploymentHistory.verifyChain(List.of(), true, NOW).isValid()).isFalse();
        // the last version must be live; superseded ones need not be
        assertThat(DeploymentHistory.verifyChain(List.of(v0, v1, v2), true, T0.plusSeconds(86_400)).isValid())
                .isFalse();
    }

    @Test
    void coSignaturesMergeAcrossCopies() {
        SignedDeployment unsigned = SignedDeployment.of(v0Builder().build());
        SignedDeployment a = unsigned.sign(OWNER);
        SignedDeployment b = unsigned.sign(COSIGNER_B);
        SignedDeployment merged = a.mergeSignatures(b).mergeSignatures(a);
        assertThat(merged.signatures()).hasSize(2);
        assertThat(merged.verify(NOW).isValid()).isTrue();
        assertThatThrownBy(() -> a.mergeSignatures(successor(v0(), "vm1", new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reputtingAnUnchangedWorkloadKeepsItsVersion() {
        // regression: putWorkload stamped the new version on an unchanged workload, which the successor
        // rules then rejected ("unchanged workload changed version")
        SignedDeployment v0 = v0();
        Deployment d = DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(1))
                .putWorkload("vm1", "zmachine", new byte[] {1, 2, 3}, "")
                .putWorkload("ip1", "ip", new byte[] {7}, "").build();
        assertThat(d.workload("vm1").orElseThrow().version()).isZero();
        SignedDeployment v1 = SignedDeployment.of(d).sign(OWNER).sign(COSIGNER_A);
        assertThat(v1.verifySuccessorOf(v0, NOW).isValid()).isTrue();
    }

    @Test
    void largeDeploymentSurvivesTheEnvelope() {
        // regression: openEnvelope used the 64 KiB default envelope limit although records may be 320 KiB
        Deployment.Builder b = v0Builder();
        for (int i = 0; i < 10; i++) {
            b.addWorkload("big" + i, "zmount", new byte[Workload.MAX_DATA_LENGTH]);
        }
        SignedDeployment big = SignedDeployment.of(b.build()).sign(OWNER).sign(COSIGNER_A);
        SignedDeployment back = SignedDeployment.openEnvelope(big.toEnvelope(OWNER).toBytes());
        assertThat(back).isEqualTo(big);
        assertThat(back.verify(NOW).isValid()).isTrue();
    }

    @Test
    void bodyOverTheLimitCannotBeSigned() {
        // regression: SignedDeployment.of accepted bodies that decode() refuses
        Deployment.Builder b = v0Builder();
        for (int i = 0; i < 20; i++) {
            b.addWorkload("big" + i, "zmount", new byte[Workload.MAX_DATA_LENGTH]);
        }
        Deployment d = b.build();
        assertThatThrownBy(() -> SignedDeployment.of(d)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("exceeds the limit");
    }

    // ------------------------------------------------------------------ falling short of the requirement

    @Test
    void missingRequiredSignerIsRejected() {
        SignatureRequirement req = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(OWNER.publicKey(), 2, true),
                new SignatureRequirement.Request(COSIGNER_A.publicKey(), 1, true),
                new SignatureRequirement.Request(COSIGNER_B.publicKey(), 1, false)), 3);
        SignedDeployment d = SignedDeployment.of(v0Builder().requirement(req).build()).sign(OWNER).sign(COSIGNER_B);
        assertThat(reason(d.verify(NOW))).contains("required signer " + COSIGNER_A.peerId());
        assertThat(d.sign(COSIGNER_A).verify(NOW).isValid()).isTrue();
    }

    @Test
    void weightBelowThresholdIsRejected() {
        SignedDeployment d = SignedDeployment.of(v0Builder().build()).sign(OWNER);
        assertThat(reason(d.verify(NOW))).contains("signed weight 2 is below the required 3");
    }

    @Test
    void duplicateSignerIsNotCountedTwice() {
        byte[] body = v0Builder().build().encodeBody();
        // the owner's weight 2 counted twice would reach the threshold 3
        SignedDeployment d = SignedDeployment.decode(handMade(body, OWNER, OWNER));
        assertThat(reason(d.verify(NOW))).contains("signed twice");
        assertThatThrownBy(() -> SignedDeployment.of(v0Builder().build()).sign(OWNER).sign(OWNER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already signed");
    }

    @Test
    void signatureByUnlistedKeyIsRejected() {
        byte[] body = v0Builder().build().encodeBody();
        SignedDeployment d = SignedDeployment.decode(handMade(body, OWNER, COSIGNER_A, STRANGER));
        assertThat(reason(d.verify(NOW))).contains("unlisted key " + STRANGER.peerId());
        assertThatThrownBy(() -> SignedDeployment.of(v0Builder().build()).sign(STRANGER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a requested signer");
    }

    @Test
    void invalidSignatureBytesAreRejected() {
        byte[] body = v0Builder().build().encodeBody();
        GridProtos.DeploymentRecord.Builder r = GridProtos.DeploymentRecord.newBuilder()
                .mergeFrom(parse(handMade(body, OWNER, COSIGNER_A)));
        byte[] sig = r.getSignatures(1).getSignature().toByteArray();
        sig[5] ^= 0x01;
        r.setSignatures(1, r.getSignatures(1).toBuilder().setSignature(ByteString.copyFrom(sig)));
        assertThat(reason(SignedDeployment.decode(r.build().toByteArray()).verify(NOW)))
                .contains("invalid signature by " + COSIGNER_A.peerId());
        r.setSignatures(1, r.getSignatures(1).toBuilder().setSignature(ByteString.copyFrom(new byte[3])));
        assertThat(reason(SignedDeployment.decode(r.build().toByteArray()).verify(NOW))).contains("invalid signature");
        // a signature over another digest (another body) is just as invalid
        byte[] otherDigest = Deployment.digestOf(v0Builder().description("x").build().encodeBody());
        r.setSignatures(1, r.getSignatures(1).toBuilder()
                .setSignature(ByteString.copyFrom(COSIGNER_A.sign(otherDigest))));
        assertThat(reason(SignedDeployment.decode(r.build().toByteArray()).verify(NOW))).contains("invalid signature");
    }

    @Test
    void ownerNotSignedIsRejected() {
        SignatureRequirement req = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(OWNER.publicKey(), 1, false),
                new SignatureRequirement.Request(COSIGNER_A.publicKey(), 1, false),
                new SignatureRequirement.Request(COSIGNER_B.publicKey(), 1, false)), 2);
        SignedDeployment d = SignedDeployment.of(v0Builder().requirement(req).build())
                .sign(COSIGNER_A).sign(COSIGNER_B);
        assertThat(reason(d.verify(NOW))).contains("the owner " + OWNER.peerId() + " has not signed");
        // and a requirement that does not even list the owner is a schema error
        SignatureRequirement noOwner = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(COSIGNER_A.publicKey(), 1, true)), 1);
        assertThatThrownBy(() -> v0Builder().requirement(noOwner).build()).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("not among the requested signers");
    }

    @Test
    void ownerAloneCannotDropRequiredCoSigners() {
        // regression (issue 14, finding 12): the owner alone published v1 with an owner-only requirement and
        // verifySuccessorOf accepted it, so v0's co-signers bound nothing
        SignatureRequirement coSigned = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(OWNER.publicKey(), 1, true),
                new SignatureRequirement.Request(COSIGNER_A.publicKey(), 1, true),
                new SignatureRequirement.Request(COSIGNER_B.publicKey(), 1, true)), 3);
        SignedDeployment v0 = SignedDeployment.of(v0Builder().requirement(coSigned).build())
                .sign(OWNER).sign(COSIGNER_A).sign(COSIGNER_B);
        assertThat(v0.verify(NOW).isValid()).isTrue();
        SignedDeployment ownerOnlyV1 = SignedDeployment.of(DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(1))
                .requirement(SignatureRequirement.singleSigner(OWNER.publicKey())).build()).sign(OWNER);
        assertThat(ownerOnlyV1.verify(NOW).isValid()).isTrue(); // valid on its own ...
        assertThat(reason(ownerOnlyV1.verifySuccessorOf(v0, NOW)))   // ... but not as v0's successor
                .contains("does not satisfy the signature requirement of v0")
                .contains("required signer " + COSIGNER_A.peerId());
        assertThat(DeploymentHistory.verifyChain(List.of(v0, ownerOnlyV1), true, NOW).isValid()).isFalse();

        // the threshold binds as well: owner weight 2 alone is below v0's 3
        SignedDeployment w0 = v0();
        SignedDeployment ownerOnlyW1 = SignedDeployment.of(DeploymentUpdate.from(w0).createdAt(T0.plusSeconds(1))
                .requirement(SignatureRequirement.singleSigner(OWNER.publicKey())).build()).sign(OWNER);
        assertThat(reason(ownerOnlyW1.verifySuccessorOf(w0, NOW))).contains("signed weight 2 is below the required 3");
    }

    @Test
    void successorSignedPerThePreviousRequirementMayChangeTheRequirement() {
        SignedDeployment v0 = v0(); // owner 2 + one co-signer of weight 1 reach 3
        SignatureRequirement ownerSuffices = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(OWNER.publicKey(), 2, true),
                new SignatureRequirement.Request(COSIGNER_A.publicKey(), 1, false),
                new SignatureRequirement.Request(COSIGNER_B.publicKey(), 1, false)), 2);
        SignedDeployment v1 = SignedDeployment.of(DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(1))
                .requirement(ownerSuffices).build()).sign(OWNER).sign(COSIGNER_A);
        assertThat(v1.verifySuccessorOf(v0, NOW).isValid()).isTrue();
        // v1's rule set now governs v2: the owner alone may sign it, and may drop the co-signers
        SignedDeployment v2 = SignedDeployment.of(DeploymentUpdate.from(v1).createdAt(T0.plusSeconds(2))
                .requirement(SignatureRequirement.singleSigner(OWNER.publicKey())).build()).sign(OWNER);
        assertThat(v2.verifySuccessorOf(v1, NOW).isValid()).isTrue();
        assertThat(DeploymentHistory.verifyChain(List.of(v0, v1, v2), true, NOW).isValid()).isTrue();
    }

    @Test
    void wrongSuccessorVersionIsRejected() {
        SignedDeployment v0 = v0();
        Deployment skip = DeploymentUpdate.from(v0).version(2, v0.digest()).createdAt(T0.plusSeconds(1)).build();
        SignedDeployment v2 = SignedDeployment.of(skip).sign(OWNER).sign(COSIGNER_A);
        assertThat(v2.verify(NOW).isValid()).isTrue();
        assertThat(reason(v2.verifySuccessorOf(v0, NOW))).contains("version must be 1");

        SignedDeployment v1 = successor(v0, "vm1", new byte[] {9});
        Deployment sameVersion = DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(2)).description("again").build();
        SignedDeployment v1again = SignedDeployment.of(sameVersion).sign(OWNER).sign(COSIGNER_A);
        assertThat(reason(v1again.verifySuccessorOf(v1, NOW))).contains("version must be 2");
        assertThat(reason(v0.verifySuccessorOf(v0, NOW))).contains("version must be 1");
    }

    @Test
    void brokenChainIsRejected() {
        SignedDeployment v0 = v0();
        byte[] wrong = v0.digest();
        wrong[0] ^= 1;
        Deployment d = DeploymentUpdate.from(v0).version(1, wrong).createdAt(T0.plusSeconds(1)).build();
        SignedDeployment v1 = SignedDeployment.of(d).sign(OWNER).sign(COSIGNER_A);
        assertThat(v1.verify(NOW).isValid()).isTrue();
        assertThat(reason(v1.verifySuccessorOf(v0, NOW))).contains("previous digest does not match");
        assertThat(DeploymentHistory.verifyChain(List.of(v0, v1), true, NOW).isValid()).isFalse();
        // a version 1 without any previous digest is a schema error
        assertThatThrownBy(() -> DeploymentUpdate.from(v0).version(1, new byte[0]).build())
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("previous digest");
    }

    @Test
    void workloadTypeChangeAcrossVersionsIsRejected() {
        SignedDeployment v0 = v0();
        Deployment d = DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(1))
                .putWorkload("disk1", "zmachine", new byte[] {4}, "").build();
        SignedDeployment v1 = SignedDeployment.of(d).sign(OWNER).sign(COSIGNER_A);
        assertThat(reason(v1.verifySuccessorOf(v0, NOW))).contains("'disk1' changed type from zmount to zmachine");
    }

    @Test
    void workloadVersionStampsAreEnforced() {
        SignedDeployment v0 = v0();
        Workload vm1 = v0.deployment().workload("vm1").orElseThrow();
        // unchanged content with a new version
        Deployment bumped = DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(1))
                .addWorkload(Workload.of("vm1", "zmachine", 1, vm1.data())).build();
        assertThat(reason(SignedDeployment.of(bumped).sign(OWNER).sign(COSIGNER_A).verifySuccessorOf(v0, NOW)))
                .contains("unchanged workload 'vm1' changed version");
        // changed content with the old version
        Deployment stale = DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(1))
                .addWorkload(Workload.of("vm1", "zmachine", 0, new byte[] {42})).build();
        assertThat(reason(SignedDeployment.of(stale).sign(OWNER).sign(COSIGNER_A).verifySuccessorOf(v0, NOW)))
                .contains("must carry version 1");
        // a new workload with an old version
        Deployment added = DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(1))
                .addWorkload(Workload.of("net", "network", 0, new byte[0])).build();
        assertThat(reason(SignedDeployment.of(added).sign(OWNER).sign(COSIGNER_A).verifySuccessorOf(v0, NOW)))
                .contains("new workload 'net'");
    }

    @Test
    void ownerChangeIsRejected() {
        SignedDeployment v0 = v0();
        SignatureRequirement req = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(STRANGER.publicKey(), 3, true)), 3);
        Deployment d = Deployment.builder("dep-1", STRANGER.publicKey(), NODE.peerId()).version(1, v0.digest())
                .createdAt(T0.plusSeconds(1)).expiresAt(T0.plusSeconds(86_400)).requirement(req).build();
        SignedDeployment v1 = SignedDeployment.of(d).sign(STRANGER);
        assertThat(v1.verify(NOW).isValid()).isTrue();
        assertThat(reason(v1.verifySuccessorOf(v0, NOW))).contains("owner changed");
    }

    @Test
    void nodeChangeIsRejected() {
        SignedDeployment v0 = v0();
        Deployment d = Deployment.builder("dep-1", OWNER.publicKey(), STRANGER.peerId()).version(1, v0.digest())
                .createdAt(T0.plusSeconds(1)).expiresAt(T0.plusSeconds(86_400))
                .requirement(Fixtures.threeSigners()).build();
        SignedDeployment v1 = SignedDeployment.of(d).sign(OWNER).sign(COSIGNER_A);
        assertThat(reason(v1.verifySuccessorOf(v0, NOW))).contains("target node changed");
    }

    @Test
    void otherDeploymentIdIsRejected() {
        SignedDeployment v0 = v0();
        Deployment d = Deployment.builder("dep-2", OWNER.publicKey(), NODE.peerId()).version(1, v0.digest())
                .createdAt(T0.plusSeconds(1)).expiresAt(T0.plusSeconds(86_400))
                .requirement(Fixtures.threeSigners()).build();
        SignedDeployment v1 = SignedDeployment.of(d).sign(OWNER).sign(COSIGNER_A);
        assertThat(reason(v1.verifySuccessorOf(v0, NOW))).contains("does not continue");
    }

    @Test
    void expiredRecordIsRejected() {
        SignedDeployment v0 = v0();
        assertThat(v0.verify(T0.plusSeconds(86_399)).isValid()).isTrue();
        assertThat(reason(v0.verify(T0.plusSeconds(86_400)))).contains("expired");
    }

    @Test
    void unknownFieldsInTheBodyAreRejected() {
        byte[] body = GridProtos.DeploymentBody.newBuilder().mergeFrom(parseBody(v0Builder().build().encodeBody()))
                .setUnknownFields(unknownField(99)).build().toByteArray();
        // the signatures are over exactly these bytes, yet the record is refused
        byte[] record = handMade(body, OWNER, COSIGNER_A);
        assertThatThrownBy(() -> SignedDeployment.decode(record)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("unknown field");
        // nested inside a workload
        GridProtos.DeploymentBody.Builder nested = GridProtos.DeploymentBody.newBuilder()
                .mergeFrom(parseBody(v0Builder().build().encodeBody()));
        nested.setWorkloads(0, nested.getWorkloads(0).toBuilder().setUnknownFields(unknownField(42)));
        assertThatThrownBy(() -> SignedDeployment.decode(handMade(nested.build().toByteArray(), OWNER)))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("unknown field");
        // and in the record around the body
        byte[] outer = GridProtos.DeploymentRecord.newBuilder().mergeFrom(parse(v0().toBytes()))
                .setUnknownFields(unknownField(7)).build().toByteArray();
        assertThatThrownBy(() -> SignedDeployment.decode(outer)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("unknown field");
    }

    @Test
    void bodyRulesAreCheckedOnDecode() {
        GridProtos.DeploymentBody good = parseBody(v0Builder().build().encodeBody());
        GridProtos.DeploymentBody badId = good.toBuilder().setDeploymentId("no spaces allowed").build();
        assertThatThrownBy(() -> SignedDeployment.decode(handMade(badId.toByteArray(), OWNER)))
                .hasMessageContaining("deployment id");
        GridProtos.DeploymentBody dupWorkload = good.toBuilder().addWorkloads(good.getWorkloads(0)).build();
        assertThatThrownBy(() -> SignedDeployment.decode(handMade(dupWorkload.toByteArray(), OWNER)))
                .hasMessageContaining("appears twice");
        GridProtos.DeploymentBody heavy = good.toBuilder()
                .setRequirement(good.getRequirement().toBuilder().setWeightRequired(5)).build();
        assertThatThrownBy(() -> SignedDeployment.decode(handMade(heavy.toByteArray(), OWNER)))
                .hasMessageContaining("exceeds the total weight");
        GridProtos.DeploymentBody dupSigner = good.toBuilder()
                .setRequirement(good.getRequirement().toBuilder().addRequests(good.getRequirement().getRequests(0)))
                .build();
        assertThatThrownBy(() -> SignedDeployment.decode(handMade(dupSigner.toByteArray(), OWNER)))
                .hasMessageContaining("twice");
        GridProtos.DeploymentBody badOwner = good.toBuilder().setOwner(ByteString.copyFrom(new byte[] {8, 1})).build();
        assertThatThrownBy(() -> SignedDeployment.decode(handMade(badOwner.toByteArray(), OWNER)))
                .isInstanceOf(InvalidRecordException.class);
    }

    // ------------------------------------------------------------------ acceptance

    @Test
    void acceptanceForAnotherVersionOrDigestOrSignerIsInvalid() {
        SignedDeployment v0 = v0();
        SignedDeployment v1 = successor(v0, "vm1", new byte[] {9});
        SignedDeployment v1other = successor(v0, "vm1", new byte[] {8});
        byte[] acc = Acceptance.accept(v1, Acceptance.State.OK, NOW).sign(NODE).toBytes();
        assertThat(Acceptance.open(acc, v1).isValid()).isTrue();
        assertThat(reason(Acceptance.open(acc, v0))).contains("not dep-1 v0");
        assertThat(reason(Acceptance.open(acc, v1other))).contains("with digest " + v1other.digestHex());

        Acceptance a = Acceptance.accept(v1, Acceptance.State.OK, NOW);
        byte[] forged = Envelope.seal(STRANGER, Acceptance.DOMAIN, Acceptance.PAYLOAD_TYPE, a.encode()).toBytes();
        assertThat(reason(Acceptance.open(forged, v1))).contains("not signed by the deployment's node");
        assertThatThrownBy(() -> a.sign(STRANGER)).isInstanceOf(IllegalArgumentException.class);
        Acceptance strangerSaysItIsTheNode = new Acceptance("dep-1", 1, v1.digest(), true, "", List.of(), NOW,
                STRANGER.peerId());
        assertThat(Acceptance.open(strangerSaysItIsTheNode.sign(STRANGER).toBytes(), v1).isValid()).isFalse();
        byte[] wrongType = Envelope.seal(NODE, Acceptance.DOMAIN, CapacityRecord.PAYLOAD_TYPE, a.encode()).toBytes();
        assertThat(reason(Acceptance.open(wrongType, v1))).contains("payload type");
        assertThat(Acceptance.open(new byte[] {1, 2}, v1).isValid()).isFalse();
    }

    @Test
    void rejectionRoundTripsAndRendersAsJson() {
        SignedDeployment v0 = v0();
        Acceptance no = Acceptance.reject(v0, "not enough \"memory\"", NOW);
        SignedRecord<Acceptance> opened = Acceptance.open(no.sign(NODE).toBytes(), v0).orElseThrow();
        assertThat(opened.record()).isEqualTo(no);
        assertThat(opened.record().accepted()).isFalse();
        assertThat(JsonCheck.parseObject(no.toJson())).containsEntry("accepted", false)
                .containsEntry("reason", "not enough \"memory\"").containsEntry("digest", v0.digestHex())
                .containsEntry("node", NODE.peerId().toBase58());
        Acceptance ok = Acceptance.accept(v0, Acceptance.State.ERROR, NOW);
        assertThat(JsonCheck.parseObject(ok.toJson()).get("workloads")).asList().hasSize(2);
    }

    @Test
    void acceptanceDecodeChecksTheDigestAndStates() throws Exception {
        Acceptance a = Acceptance.accept(v0(), Acceptance.State.OK, NOW);
        GridProtos.Acceptance p = GridProtos.Acceptance.parseFrom(a.encode());
        assertThatThrownBy(() -> Acceptance.decode(p.toBuilder().setDigest(ByteString.copyFrom(new byte[31]))
                .build().toByteArray())).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> Acceptance.decode(p.toBuilder().setWorkloads(0,
                p.getWorkloads(0).toBuilder().setStateValue(17)).build().toByteArray()))
                .hasMessageContaining("unknown workload state");
        assertThatThrownBy(() -> Acceptance.decode(p.toBuilder().setUnknownFields(unknownField(30)).build()
                .toByteArray())).isInstanceOf(InvalidRecordException.class);
    }

    // ------------------------------------------------------------------ equivocation

    @Test
    void equivocationProofOfTwoDifferentV1sVerifies() {
        SignedDeployment v0 = v0();
        SignedDeployment v1a = successor(v0, "vm1", new byte[] {9});
        SignedDeployment v1b = successor(v0, "vm1", new byte[] {8});
        EquivocationProof proof = EquivocationProof.of(v1a, v1b);
        assertThat(proof.verify().isValid()).isTrue();
        EquivocationProof back = EquivocationProof.decode(proof.encode());
        assertThat(back).isEqualTo(proof);
        assertThat(back.verify().isValid()).isTrue();
        // expiry does not excuse an equivocation
        assertThat(EquivocationProof.of(v1b, v1a).verify().isValid()).isTrue();
    }

    @Test
    void equivocationProofWithEqualDigestsOrDifferentIdsIsInvalid() {
        SignedDeployment v0 = v0();
        SignedDeployment v1 = successor(v0, "vm1", new byte[] {9});
        SignedDeployment v1moreSigs = v1.sign(COSIGNER_A);
        assertThat(reason(EquivocationProof.of(v1, v1moreSigs).verify())).contains("same digest");

        Deployment other = Deployment.builder("dep-2", OWNER.publicKey(), NODE.peerId()).version(1, v0.digest())
                .createdAt(T0.plusSeconds(1)).expiresAt(T0.plusSeconds(86_400)).build();
        SignedDeployment otherV1 = SignedDeployment.of(other).sign(OWNER);
        assertThat(reason(EquivocationProof.of(v1, otherV1).verify())).contains("different deployments");
        assertThat(reason(EquivocationProof.of(v0, v1).verify())).contains("different deployments");
        // without the owner's signature the second record proves nothing
        SignedDeployment unsignedByOwner = SignedDeployment.of(
                DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(5)).description("b").build()).sign(COSIGNER_A);
        assertThat(reason(EquivocationProof.of(v1, unsignedByOwner).verify())).contains("owner signature");
        assertThat(new EquivocationProof(new byte[] {1}, v1.toBytes()).verify().isValid()).isFalse();
    }

    // ------------------------------------------------------------------ validator

    private final DeploymentRecordValidator validator = new DeploymentRecordValidator();
    private final byte[] key = DeploymentRecordValidator.keyFor(OWNER.peerId(), "dep-1");

    private static byte[] env(SignedDeployment d) {
        return d.toEnvelope(OWNER).toBytes();
    }

    @Test
    void validatorChecksKeyPublisherAndSignatures() {
        SignedDeployment v0 = v0();
        assertThat(validator.validate(key, env(v0), NOW).isValid()).isTrue();
        assertThat(validator.validate(key, v0.toEnvelope(NODE).toBytes(), NOW).isValid()).isTrue();
        assertThat(reason(validator.validate(DeploymentRecordValidator.keyFor(OWNER.peerId(), "dep-2"), env(v0), NOW)))
                .contains("foreign key");
        assertThat(reason(validator.validate(key, v0.toEnvelope(STRANGER).toBytes(), NOW))).contains("unrelated key");
        SignedDeployment underSigned = SignedDeployment.of(v0Builder().build()).sign(OWNER);
        assertThat(reason(validator.validate(key, env(underSigned), NOW))).contains("below the required");
        assertThat(validator.validate(key, new byte[] {0x0a}, NOW).isValid()).isFalse();
        assertThat(validator.namespace()).isEqualTo(RecordValidator.namespaceOf(key));
    }

    @Test
    void selectPicksTheHighestVersionAndTheMostSigned() {
        SignedDeployment v0 = v0();
        SignedDeployment v1 = successor(v0, "vm1", new byte[] {9});
        SignedDeployment v2 = successor(v1, "vm1", new byte[] {10});
        assertThat(validator.select(key, List.of(env(v0), env(v2), env(v1)), NOW)).isEqualTo(1);
        assertThat(validator.select(key, List.of(env(v0), env(v0.sign(COSIGNER_B))), NOW)).isEqualTo(1);
        assertThat(validator.select(key, List.of(new byte[] {1}, env(v0)), NOW)).isEqualTo(1);
    }

    @Test
    void selectRaisesEquivocationForConflictingSameVersionRecords() {
        SignedDeployment v0 = v0();
        SignedDeployment v1a = successor(v0, "vm1", new byte[] {9});
        SignedDeployment v1b = successor(v0, "vm1", new byte[] {8});
        assertThatThrownBy(() -> validator.select(key, List.of(env(v0), env(v1a), env(v1b)), NOW))
                .isInstanceOfSatisfying(EquivocationException.class,
                        e -> assertThat(e.proof().verify().isValid()).isTrue());
    }

    @Test
    void selectRaisesEquivocationWhateverTheOrder() {
        // regression: a conflict below the highest version was only seen when it came before that version
        SignedDeployment v0 = v0();
        SignedDeployment v1a = successor(v0, "vm1", new byte[] {9});
        SignedDeployment v1b = successor(v0, "vm1", new byte[] {8});
        SignedDeployment v2 = successor(v1a, "vm1", new byte[] {10});
        for (List<byte[]> order : List.of(List.of(env(v1a), env(v1b), env(v2)), List.of(env(v2), env(v1a), env(v1b)),
                List.of(env(v1b), env(v2), env(v1a)))) {
            assertThatThrownBy(() -> validator.select(key, order, NOW)).isInstanceOf(EquivocationException.class);
        }
    }

    @Test
    void validateReplacementEnforcesTheChain() {
        SignedDeployment v0 = v0();
        SignedDeployment v1 = successor(v0, "vm1", new byte[] {9});
        SignedDeployment v1b = successor(v0, "vm1", new byte[] {8});
        SignedDeployment v2 = successor(v1, "vm1", new byte[] {10});
        assertThat(validator.validateReplacement(key, env(v0), env(v1), NOW).isValid()).isTrue();
        assertThat(reason(validator.validateReplacement(key, env(v0), env(v2), NOW))).contains("skips versions");
        assertThat(validator.validateReplacement(key, env(v1), env(v2), NOW).isValid()).isTrue();
        assertThat(validator.validateReplacement(key, env(v1), env(v0), NOW).isValid()).isFalse();
        assertThat(reason(validator.validateReplacement(key, env(v1), env(v1b), NOW))).contains("equivocation");
        assertThat(validator.validateReplacement(key, env(v0), env(v0.sign(COSIGNER_B)), NOW).isValid()).isTrue();
        assertThat(validator.validateReplacement(key, env(v0), env(v0), NOW).isValid()).isFalse();

        byte[] wrong = v0.digest();
        wrong[31] ^= 1;
        SignedDeployment unchained = SignedDeployment.of(DeploymentUpdate.from(v0).version(1, wrong)
                .createdAt(T0.plusSeconds(1)).build()).sign(OWNER).sign(COSIGNER_A);
        assertThat(reason(validator.validateReplacement(key, env(v0), env(unchained), NOW)))
                .contains("previous digest does not match");
        Deployment retyped = DeploymentUpdate.from(v0).createdAt(T0.plusSeconds(1))
                .putWorkload("disk1", "zmachine", new byte[] {4}, "").build();
        assertThat(reason(validator.validateReplacement(key, env(v0),
                env(SignedDeployment.of(retyped).sign(OWNER).sign(COSIGNER_A)), NOW))).contains("changed type");
        // what is stored no longer decodes: a valid record replaces it
        assertThat(validator.validateReplacement(key, new byte[] {1}, env(v1), NOW).isValid()).isTrue();
    }

    @Test
    void versionGapDoesNotSkipTheHashChain() {
        // regression (issue 14, finding 13): an owner-only v5 naming a bogus previous digest, valid on its own,
        // replaced a stored 3-signer v0 because only an exact next version was chain-checked
        SignatureRequirement coSigned = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(OWNER.publicKey(), 1, true),
                new SignatureRequirement.Request(COSIGNER_A.publicKey(), 1, true),
                new SignatureRequirement.Request(COSIGNER_B.publicKey(), 1, true)), 3);
        SignedDeployment v0 = SignedDeployment.of(v0Builder().requirement(coSigned).build())
                .sign(OWNER).sign(COSIGNER_A).sign(COSIGNER_B);
        byte[] bogus = new byte[32];
        Arrays.fill(bogus, (byte) 0x42);
        SignedDeployment forgedV5 = SignedDeployment.of(DeploymentUpdate.from(v0).version(5, bogus)
                .createdAt(T0.plusSeconds(5)).requirement(SignatureRequirement.singleSigner(OWNER.publicKey()))
                .putWorkload("vm1", "zmachine", new byte[] {66}, "taken over").build()).sign(OWNER);
        assertThat(validator.validate(key, env(forgedV5), NOW).isValid()).isTrue(); // fine on its own
        assertThat(reason(validator.validateReplacement(key, env(v0), env(forgedV5), NOW)))
                .contains("v5 skips versions after the stored v0");
    }

    // ------------------------------------------------------------------ rendering

    @Test
    @SuppressWarnings("unchecked")
    void toJsonParsesAsJson() {
        SignedDeployment v0 = v0();
        Map<String, Object> json = JsonCheck.parseObject(v0.toJson());
        assertThat(json).containsEntry("deploymentId", "dep-1").containsEntry("version", 0.0)
                .containsEntry("digest", v0.digestHex()).containsEntry("previousDigest", "")
                .containsEntry("owner", OWNER.peerId().toBase58()).containsEntry("node", NODE.peerId().toBase58());
        assertThat((List<Object>) json.get("workloads")).hasSize(2);
        assertThat((List<Object>) json.get("signatures")).hasSize(2);
        Map<String, Object> req = (Map<String, Object>) json.get("requirement");
        assertThat(req).containsEntry("weightRequired", 3.0);
        assertThat((List<Object>) req.get("requests")).hasSize(3);
        assertThat(v0.toString()).contains("dep-1 v0");
        assertThat(Arrays.equals(v0.body(), v0.deployment().encodeBody())).isTrue();
    }

    private static GridProtos.DeploymentRecord parse(byte[] b) {
        try {
            return GridProtos.DeploymentRecord.parseFrom(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static GridProtos.DeploymentBody parseBody(byte[] b) {
        try {
            return GridProtos.DeploymentBody.parseFrom(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
