package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.Envelope;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.dht.deploy.DeploymentException.Kind;
import io.gridoverlay.transport.Host;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The twin side of {@code /grid/deploy/1.0.0}: submits signed versions and deletes to nodes and collects
 * co-signatures. Every answer is verified before it is returned: an acceptance must be signed by the node
 * asked and name exactly the version sent (a forged or replayed acceptance fails with
 * {@link Kind#INVALID_ANSWER}). A signed rejection is a normal result ({@code accepted() == false}, reason
 * prefixed with a {@link RejectionCode}); exceptions ({@link DeploymentException}) mean there is no usable
 * answer: unreachable, timeout ({@link DeploymentConfig#requestTimeout()}), garbage, or an unsigned refusal.
 *
 * <p>Thread-safe; nothing blocks. One timer thread per client, stopped by {@link #close()}.
 */
public final class DeploymentClient implements AutoCloseable {
    private final Host host;
    private final DeploymentConfig config;
    private final Clock clock;
    private final DeployCodec codec;
    private final ScheduledThreadPoolExecutor timer;

    private DeploymentClient(Host host, DeploymentConfig config, Clock clock) {
        this.host = Objects.requireNonNull(host, "host");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.codec = new DeployCodec(config.maxMessageLength());
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "deploy-client-" + host.peerId().toBase58().substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** A client on {@code host} with {@link DeploymentConfig#defaults()}. */
    public static DeploymentClient create(Host host) {
        return new DeploymentClient(host, DeploymentConfig.defaults(), Clock.systemUTC());
    }

    public static DeploymentClient create(Host host, DeploymentConfig config, Clock clock) {
        return new DeploymentClient(host, config, clock);
    }

    /**
     * Sends a fully signed version to {@code node} and completes with its verified, node-signed answer
     * (accepted or rejected).
     */
    public CompletableFuture<SignedRecord<Acceptance>> submit(PeerId node, SignedDeployment deployment) {
        return DeployStreams.request(host, node, new DeployMessage.Submit(deployment), codec, config.requestTimeout(),
                timer).thenApply(answer -> verifyAnswer(answer, node, deployment, false));
    }

    /**
     * Asks {@code node} to delete {@code current} (the version it holds), signing the request with
     * {@code owner}; completes with the node's verified answer (accepted: every workload DELETED).
     */
    public CompletableFuture<SignedRecord<Acceptance>> delete(PeerId node, SignedDeployment current, PrivateKey owner) {
        if (!owner.publicKey().equals(current.deployment().owner())) {
            return CompletableFuture.failedFuture(new DeploymentException(Kind.LOCAL, "only the owner "
                    + current.deployment().owner().peerId() + " can delete " + current.deployment().deploymentId()));
        }
        byte[] envelope = DeleteRequest.of(current, clock.instant()).sign(owner).toBytes();
        return DeployStreams.request(host, node, new DeployMessage.Delete(DeleteRequest.open(envelope)), codec,
                config.requestTimeout(), timer).thenApply(answer -> verifyAnswer(answer, node, current, true));
    }

    /**
     * Sends {@code deployment} to each of {@code signers} (each runs its {@link CosignPolicy}) and merges
     * their signatures into it. Each signature must be by the key of the peer asked, listed in the
     * requirement, and valid over the digest. Fails if any signer refuses, is unreachable, or answers
     * something that does not verify; the exception names the signer.
     */
    public CompletableFuture<SignedDeployment> collectCosignatures(SignedDeployment deployment, List<PeerId> signers) {
        List<CompletableFuture<SignedDeployment.Signature>> asks = new ArrayList<>();
        for (PeerId signer : signers) {
            asks.add(DeployStreams.request(host, signer, new DeployMessage.CosignRequest(deployment), codec,
                    config.requestTimeout(), timer).thenApply(answer -> verifyCosignature(answer, signer, deployment)));
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
            SignedDeployment merged = deployment;
            for (CompletableFuture<SignedDeployment.Signature> f : asks) {
                SignedDeployment.Signature s = f.join();
                if (merged.signatures().stream().noneMatch(x -> x.signer().equals(s.signer()))) {
                    merged = merged.mergeSignatures(withSignature(deployment, s));
                }
            }
            return merged;
        });
    }

    /**
     * Serves co-sign requests on this host under {@code policy}, signing with the host's key. Use it on a twin
     * that is a co-signer and runs no {@link DeploymentService} (a node passes its policy to the service's
     * builder instead: one host serves the protocol once). Submissions to this host are refused unsigned.
     */
    public void serveCosignRequests(CosignPolicy policy) {
        CosignResponder responder = new CosignResponder(host.config().identity(), policy, timer,
                config.maxPendingCosignRequests());
        DeployStreams.Limiter limiter = new DeployStreams.Limiter(config.maxConcurrentRequestsPerPeer(),
                config.maxConcurrentRequests());
        host.setStreamHandler(DeploymentConfig.PROTOCOL, DeployStreams.server(codec, config, limiter, timer,
                (from, m) -> m instanceof DeployMessage.CosignRequest c ? responder.handle(from, c.deployment())
                        : CompletableFuture.completedFuture(new DeployMessage.Failure(RejectionCode.NOT_SERVED,
                                host.peerId() + " is not a node: it only co-signs"))));
    }

    /** Stops the timer (requests in flight fail on their own) and stops serving co-sign requests. */
    @Override
    public void close() {
        host.removeStreamHandler(DeploymentConfig.PROTOCOL);
        timer.shutdownNow();
    }

    // ------------------------------------------------------------------ verification

    static SignedRecord<Acceptance> verifyAnswer(DeployMessage answer, PeerId node, SignedDeployment d, boolean delete) {
        if (answer instanceof DeployMessage.Failure f) {
            throw new DeploymentException(Kind.REFUSED, f.code(), node + " refused without a signed answer: "
                    + f.code() + ": " + f.message(), null);
        }
        if (!(answer instanceof DeployMessage.AcceptanceAnswer a)) {
            throw new DeploymentException(Kind.PROTOCOL, node + " answered " + answer.getClass().getSimpleName()
                    + " instead of an acceptance");
        }
        Envelope env;
        Acceptance acc;
        try {
            env = Envelope.open(a.envelope(), Acceptance.DOMAIN, Acceptance.MAX_ENCODED_LENGTH + 8 * 1024);
            if (!Arrays.equals(env.payloadType(), Acceptance.PAYLOAD_TYPE)) {
                throw new DeploymentException(Kind.INVALID_ANSWER, node + " answered an envelope that is not an "
                        + "acceptance");
            }
            acc = Acceptance.decode(env.payload());
        } catch (DecodingException e) {
            throw new DeploymentException(Kind.INVALID_ANSWER, "acceptance from " + node + " does not verify: "
                    + e.getMessage(), e);
        }
        if (!env.peerId().equals(node) || !acc.nodeId().equals(node)) {
            throw new DeploymentException(Kind.INVALID_ANSWER, "acceptance is signed by " + env.peerId()
                    + " for node " + acc.nodeId() + ", not by " + node + " which was asked");
        }
        if (!acc.isFor(d)) {
            throw new DeploymentException(Kind.INVALID_ANSWER, "acceptance from " + node + " names "
                    + acc.deploymentId() + " v" + acc.version() + ", not " + d.deployment().deploymentId() + " v"
                    + d.deployment().version() + " with digest " + d.digestHex());
        }
        if (acc.accepted()) {
            if (!node.equals(d.deployment().nodeId())) {
                throw new DeploymentException(Kind.INVALID_ANSWER, node + " accepted a deployment that names node "
                        + d.deployment().nodeId());
            }
            boolean allDeleted = !acc.workloads().isEmpty()
                    && acc.workloads().stream().allMatch(w -> w.state() == Acceptance.State.DELETED);
            if (delete && !allDeleted && !d.deployment().workloads().isEmpty()) {
                throw new DeploymentException(Kind.INVALID_ANSWER, node + " answered a delete with an acceptance "
                        + "that does not mark the workloads deleted");
            }
            if (!delete && allDeleted) {
                throw new DeploymentException(Kind.INVALID_ANSWER, node + " answered a submission with a delete "
                        + "confirmation (replayed answer)");
            }
        }
        return new SignedRecord<>(acc, env);
    }

    private static SignedDeployment.Signature verifyCosignature(DeployMessage answer, PeerId signer,
                                                                SignedDeployment d) {
        if (answer instanceof DeployMessage.CosignRefused r) {
            throw new DeploymentException(Kind.REFUSED, null, signer + " refused to co-sign "
                    + d.deployment().deploymentId() + " v" + d.deployment().version() + ": " + r.reason(), null);
        }
        if (answer instanceof DeployMessage.Failure f) {
            throw new DeploymentException(Kind.REFUSED, f.code(), signer + " refused without an answer: "
                    + f.code() + ": " + f.message(), null);
        }
        if (!(answer instanceof DeployMessage.Cosigned c)) {
            throw new DeploymentException(Kind.PROTOCOL, signer + " answered " + answer.getClass().getSimpleName()
                    + " to a co-sign request");
        }
        SignedDeployment.Signature s = c.signature();
        if (!s.signer().peerId().equals(signer)) {
            throw new DeploymentException(Kind.INVALID_ANSWER, signer + " answered with the key of "
                    + s.signer().peerId());
        }
        if (d.deployment().requirement().requestFor(s.signer()).isEmpty()) {
            throw new DeploymentException(Kind.INVALID_ANSWER, signer + " is not a requested signer of "
                    + d.deployment().deploymentId());
        }
        if (!s.signer().verify(d.digest(), s.signature())) {
            throw new DeploymentException(Kind.INVALID_ANSWER, "co-signature of " + signer + " does not verify "
                    + "over digest " + d.digestHex());
        }
        return s;
    }

    /** {@code d} carrying only {@code s} (re-decoded from its bytes, so the signature is kept exactly). */
    private static SignedDeployment withSignature(SignedDeployment d, SignedDeployment.Signature s) {
        com.google.protobuf.ByteString body = com.google.protobuf.ByteString.copyFrom(d.body());
        byte[] record = io.gridoverlay.core.proto.GridProtos.DeploymentRecord.newBuilder().setBody(body)
                .addSignatures(io.gridoverlay.core.proto.GridProtos.DeploymentSignature.newBuilder()
                        .setSigner(com.google.protobuf.ByteString.copyFrom(s.signer().encode()))
                        .setSignature(com.google.protobuf.ByteString.copyFrom(s.signature())))
                .build().toByteArray();
        return SignedDeployment.decode(record);
    }
}
