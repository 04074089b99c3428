package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.DeploymentUpdate;
import io.gridoverlay.core.record.SignatureRequirement;
import io.gridoverlay.core.record.SignedDeployment;
import java.time.Instant;
import java.util.List;

/** Deterministic keys and deployments for the deploy tests. */
final class DeployFixtures {
    private DeployFixtures() {}

    static final PrivateKey OWNER = key(11);
    static final PrivateKey COSIGNER = key(12);
    static final PrivateKey STRANGER = key(13);

    static PrivateKey key(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        seed[31] = 0x33;
        return Ed25519.fromSeed(seed);
    }

    /** Owner (required, weight 1) and a required co-signer (weight 1), threshold 2. */
    static SignatureRequirement ownerAndCosigner() {
        return new SignatureRequirement(List.of(
                new SignatureRequirement.Request(OWNER.publicKey(), 1, true),
                new SignatureRequirement.Request(COSIGNER.publicKey(), 1, true)), 2);
    }

    /** Version 0 whose workload vm1 declares {@code cores} cores and {@code memory} bytes, owner-only. */
    static Deployment.Builder v0Builder(String id, PeerId node, int cores, long memory) {
        Instant now = Instant.now();
        return Deployment.builder(id, OWNER.publicKey(), node)
                .createdAt(now).expiresAt(now.plusSeconds(86_400))
                .addWorkload(new io.gridoverlay.core.record.Workload("vm1", "zmachine", 0, new byte[] {1}, "",
                        "cores=" + cores + ";memory=" + memory));
    }

    static SignedDeployment signedV0(String id, PeerId node, int cores, long memory) {
        return SignedDeployment.of(v0Builder(id, node, cores, memory).build()).sign(OWNER);
    }

    /** The next version with vm1 resized. */
    static SignedDeployment update(SignedDeployment previous, int cores, long memory, PrivateKey... signers) {
        Deployment d = DeploymentUpdate.from(previous)
                .addWorkload(new io.gridoverlay.core.record.Workload("vm1", "zmachine",
                        (int) previous.deployment().version() + 1, new byte[] {1}, "",
                        "cores=" + cores + ";memory=" + memory))
                .build();
        SignedDeployment s = SignedDeployment.of(d);
        for (PrivateKey k : signers) {
            s = s.sign(k);
        }
        return s;
    }
}
