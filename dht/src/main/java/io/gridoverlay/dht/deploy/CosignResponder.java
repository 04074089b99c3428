package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.SignedDeployment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The signer's side of a co-sign request: runs the {@link CosignPolicy} off the event loop and signs the
 * digest with this peer's key when it agrees. At most {@code maxPending} requests wait for the policy.
 * Thread-safe.
 */
final class CosignResponder {
    private final PrivateKey key;
    private final CosignPolicy policy;
    private final Executor executor;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();

    CosignResponder(PrivateKey key, CosignPolicy policy, Executor executor, int maxPending) {
        this.key = key;
        this.policy = policy;
        this.executor = executor;
        this.maxPending = maxPending;
    }

    CompletableFuture<DeployMessage> handle(PeerId from, SignedDeployment d) {
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            return CompletableFuture.completedFuture(new DeployMessage.Failure(RejectionCode.BUSY,
                    "too many co-sign requests pending; retry later"));
        }
        return CompletableFuture.supplyAsync(() -> policy.review(d, key.publicKey(), from), executor)
                .thenCompose(f -> f)
                .<DeployMessage>thenApply(decision -> decision.sign()
                        ? new DeployMessage.Cosigned(new SignedDeployment.Signature(key.publicKey(), key.sign(d.digest())))
                        : new DeployMessage.CosignRefused(decision.reason().isEmpty() ? "refused" : decision.reason()))
                .whenComplete((m, e) -> pending.decrementAndGet());
    }
}
