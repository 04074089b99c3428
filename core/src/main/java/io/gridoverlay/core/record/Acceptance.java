package io.gridoverlay.core.record;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.proto.GridProtos;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A node's signed answer to one deployment version: accepted or rejected, and the state of each workload.
 * It names the version's digest, so it cannot be replayed for another version. Carried in an envelope
 * signed by the node. Immutable.
 */
public record Acceptance(String deploymentId, long version, byte[] digest, boolean accepted, String reason,
                         List<WorkloadResult> workloads, Instant at, PeerId nodeId) {
    /** Envelope domain of acceptances. */
    public static final String DOMAIN = "gridoverlay-deployment-acceptance";
    /** Envelope payload type: multicodec private-use code 0x300103 as a varint. */
    public static final byte[] PAYLOAD_TYPE = {(byte) 0x83, (byte) 0x82, (byte) 0xC0, 0x01};
    public static final int MAX_ENCODED_LENGTH = 64 * 1024;

    /** The state of a workload on the node. */
    public enum State { INIT, OK, ERROR, DELETED, PAUSED }

    /** One workload's state, with a message (the error, for {@link State#ERROR}). */
    public record WorkloadResult(String name, State state, String message) {
        public WorkloadResult {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(message, "message");
        }
    }

    public Acceptance {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(reason, "reason");
        at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MILLIS); // the wire carries milliseconds
        Objects.requireNonNull(nodeId, "nodeId");
        digest = digest.clone();
        workloads = List.copyOf(workloads);
    }

    /** A copy of the digest of the accepted version. */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** The node accepts {@code d}, with every workload in {@code state}. */
    public static Acceptance accept(SignedDeployment d, State state, Instant at) {
        List<WorkloadResult> results = d.deployment().workloads().stream()
                .map(w -> new WorkloadResult(w.name(), state, "")).toList();
        return new Acceptance(d.deployment().deploymentId(), d.deployment().version(), d.digest(), true, "", results,
                at, d.deployment().nodeId());
    }

    /** The node rejects {@code d} for {@code reason}. */
    public static Acceptance reject(SignedDeployment d, String reason, Instant at) {
        return new Acceptance(d.deployment().deploymentId(), d.deployment().version(), d.digest(), false, reason,
                List.of(), at, d.deployment().nodeId());
    }

    /** Whether this acceptance is about exactly {@code d} (id, version and digest). */
    public boolean isFor(SignedDeployment d) {
        return deploymentId.equals(d.deployment().deploymentId()) && version == d.deployment().version()
                && Arrays.equals(digest, d.digest());
    }

    public byte[] encode() {
        GridProtos.Acceptance.Builder b = GridProtos.Acceptance.newBuilder().setDeploymentId(deploymentId)
                .setVersion(version).setDigest(ByteString.copyFrom(digest)).setAccepted(accepted).setReason(reason)
                .setAtMs(at.toEpochMilli()).setNodeId(ByteString.copyFrom(nodeId.toBytes()));
        for (WorkloadResult w : workloads) {
            b.addWorkloads(GridProtos.WorkloadResult.newBuilder().setName(w.name())
                    .setStateValue(w.state().ordinal()).setMessage(w.message()));
        }
        return b.build().toByteArray();
    }

    /** @throws InvalidRecordException if the payload is not a well-formed acceptance */
    public static Acceptance decode(byte[] payload) {
        GridProtos.Acceptance p = StrictProto.parse(GridProtos.Acceptance.parser(), payload, MAX_ENCODED_LENGTH,
                "acceptance");
        try {
            if (p.getDigest().size() != 32) {
                throw new InvalidRecordException("acceptance: digest must be 32 bytes");
            }
            if (p.getWorkloadsCount() > Deployment.MAX_WORKLOADS) {
                throw new InvalidRecordException("acceptance: too many workload results");
            }
            List<WorkloadResult> results = new ArrayList<>();
            for (GridProtos.WorkloadResult w : p.getWorkloadsList()) {
                int s = w.getStateValue();
                if (s < 0 || s >= State.values().length) {
                    throw new InvalidRecordException("acceptance: unknown workload state " + s);
                }
                results.add(new WorkloadResult(w.getName(), State.values()[s], w.getMessage()));
            }
            return new Acceptance(p.getDeploymentId(), p.getVersion(), p.getDigest().toByteArray(), p.getAccepted(),
                    p.getReason(), results, Instant.ofEpochMilli(p.getAtMs()),
                    PeerId.fromBytes(p.getNodeId().toByteArray()));
        } catch (InvalidRecordException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("acceptance: " + e.getMessage(), e);
        }
    }

    /**
     * Signs this acceptance with the node's key.
     *
     * @throws IllegalArgumentException if {@code nodeKey} is not the key of {@link #nodeId()}
     */
    public SignedRecord<Acceptance> sign(PrivateKey nodeKey) {
        if (!nodeKey.peerId().equals(nodeId)) {
            throw new IllegalArgumentException("acceptance of node " + nodeId + " cannot be signed by "
                    + nodeKey.peerId());
        }
        return new SignedRecord<>(this, Envelope.seal(nodeKey, DOMAIN, PAYLOAD_TYPE, encode()));
    }

    /**
     * Opens a signed acceptance and checks it is signed by the target node of {@code deployment} and names
     * exactly that version.
     */
    public static Verification<SignedRecord<Acceptance>> open(byte[] envelopeBytes, SignedDeployment deployment) {
        try {
            // room for the largest payload decode() accepts plus key, type and signature
            Envelope env = Envelope.open(envelopeBytes, DOMAIN, MAX_ENCODED_LENGTH + 8 * 1024);
            if (!Arrays.equals(env.payloadType(), PAYLOAD_TYPE)) {
                return Verification.invalid("envelope payload type is not an acceptance");
            }
            Acceptance a = decode(env.payload());
            PeerId node = deployment.deployment().nodeId();
            if (!env.publicKey().peerId().equals(node) || !a.nodeId().equals(node)) {
                return Verification.invalid("acceptance is not signed by the deployment's node " + node);
            }
            if (!a.isFor(deployment)) {
                return Verification.invalid("acceptance names " + a.deploymentId() + " v" + a.version()
                        + ", not " + deployment.deployment().deploymentId() + " v" + deployment.deployment().version()
                        + " with digest " + deployment.digestHex());
            }
            return Verification.valid(new SignedRecord<>(a, env));
        } catch (DecodingException e) {
            return Verification.invalid(e.getMessage());
        }
    }

    public String toJson() {
        Json j = new Json().beginObject().field("deploymentId", deploymentId).field("version", version)
                .field("digest", HexFormat.of().formatHex(digest)).field("accepted", accepted).field("reason", reason)
                .field("at", at.toString()).field("node", nodeId.toBase58());
        j.beginArray("workloads");
        for (WorkloadResult w : workloads) {
            j.rawElement(new Json().beginObject().field("name", w.name()).field("state", w.state().name())
                    .field("message", w.message()).endObject().toString());
        }
        return j.endArray().endObject().toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Acceptance a && Arrays.equals(encode(), a.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }
}
