package io.gridoverlay.dht.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.PeerId;
import org.junit.jupiter.api.Test;

/** The bounds on what a remote peer can make a node hold. */
class DeployLimitsTest {
    static final PeerId A = DeployFixtures.key(50).peerId();
    static final PeerId B = DeployFixtures.key(51).peerId();

    @Test
    void requestsInProgressAreBoundedPerPeerAndInTotal() {
        DeployStreams.Limiter limiter = new DeployStreams.Limiter(2, 3);
        assertThat(limiter.tryAcquire(A)).isTrue();
        assertThat(limiter.tryAcquire(A)).isTrue();
        assertThat(limiter.tryAcquire(A)).as("third from one peer").isFalse();
        assertThat(limiter.tryAcquire(B)).isTrue();
        assertThat(limiter.tryAcquire(B)).as("fourth in total").isFalse();
        limiter.release(A);
        assertThat(limiter.tryAcquire(B)).isTrue();
        assertThat(limiter.inProgress()).isEqualTo(3);
    }

    @Test
    void pendingCosignRequestsAreBounded() {
        java.util.concurrent.CompletableFuture<CosignPolicy.Decision> never = new java.util.concurrent.CompletableFuture<>();
        CosignResponder r = new CosignResponder(DeployFixtures.COSIGNER, (d, self, from) -> never, Runnable::run, 1);
        io.gridoverlay.core.record.SignedDeployment d = DeployFixtures.signedV0("c", B, 1, 1);
        assertThat(r.handle(A, d)).isNotDone();
        assertThat(r.handle(A, d).join()).isInstanceOfSatisfying(DeployMessage.Failure.class,
                f -> assertThat(f.code()).isEqualTo(RejectionCode.BUSY));
        never.complete(CosignPolicy.Decision.refuse("no"));
        // the slot is free again: the next request is reviewed (the policy's future is already complete)
        assertThat(r.handle(A, d).join()).isInstanceOf(DeployMessage.CosignRefused.class);
    }
}
