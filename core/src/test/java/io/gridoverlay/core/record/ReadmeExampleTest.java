package io.gridoverlay.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deployment example of docs/deploying.md ("Grid records"), kept compiling and passing. Keep the two in sync. */
class ReadmeExampleTest {

    @Test
    void twinCreatesCoSignsUpdatesAndNodeAccepts() {
        // --- README snippet begins
        PrivateKey twin = Ed25519.generate().privateKey();    // the owner
        PrivateKey alice = Ed25519.generate().privateKey();   // co-signers
        PrivateKey bob = Ed25519.generate().privateKey();
        PrivateKey node = Ed25519.generate().privateKey();    // the target node
        Instant now = Instant.now();

        // owner weight 2 and required, co-signers weight 1 each: owner + one co-signer reach 3
        SignatureRequirement req = new SignatureRequirement(List.of(
                new SignatureRequirement.Request(twin.publicKey(), 2, true),
                new SignatureRequirement.Request(alice.publicKey(), 1, false),
                new SignatureRequirement.Request(bob.publicKey(), 1, false)), 3);
        Deployment d0 = Deployment.builder("web-1", twin.publicKey(), node.peerId())
                .requirement(req)
                .addWorkload("vm1", "zmachine", "cpu=2,mem=4G".getBytes(StandardCharsets.UTF_8))
                .addWorkload("disk1", "zmount", "size=50G".getBytes(StandardCharsets.UTF_8))
                .build();
        byte[] wire = SignedDeployment.of(d0).sign(twin).toBytes();   // the twin signs and sends it on
        SignedDeployment v0 = SignedDeployment.decode(wire).sign(alice); // alice co-signs her copy
        assertThat(v0.verify(now).isValid()).isTrue();

        // version 1: a bigger VM; names v0's digest, so the versions form a hash chain
        Deployment d1 = DeploymentUpdate.from(v0)
                .putWorkload("vm1", "zmachine", "cpu=4,mem=8G".getBytes(StandardCharsets.UTF_8), "bigger VM")
                .build();
        SignedDeployment v1 = SignedDeployment.of(d1).sign(twin).sign(bob);
        assertThat(v1.verifySuccessorOf(v0, now).isValid()).isTrue();
        assertThat(DeploymentHistory.verifyChain(List.of(v0, v1), true, now).isValid()).isTrue();

        // publish under /grid-dep/<owner>/<id>; a DHT node validates the envelope before storing it
        byte[] key = DeploymentRecordValidator.keyFor(twin.peerId(), "web-1");
        byte[] value = v1.toEnvelope(twin).toBytes();
        assertThat(new DeploymentRecordValidator().validate(key, value, now).isValid()).isTrue();

        // the node checks the record, then countersigns exactly this version and digest
        SignedDeployment received = SignedDeployment.openEnvelope(value);
        assertThat(received.verify(now).isValid()).isTrue();
        byte[] acceptance = Acceptance.accept(received, Acceptance.State.OK, now).sign(node).toBytes();

        // anyone holding v1 can check the node's answer
        Acceptance a = Acceptance.open(acceptance, v1).orElseThrow().record();
        assertThat(a.accepted()).isTrue();
        // --- README snippet ends
    }
}
