package io.gridoverlay.dht.deploy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.Envelope;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.dht.proto.DeployProto;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An owner's request to delete one version of a deployment, carried in an envelope signed by the owner
 * (domain {@value #DOMAIN}). It names the digest of the version held, so it cannot delete a later version.
 * Immutable.
 */
record DeleteRequest(String deploymentId, long version, byte[] digest, PeerId nodeId, Instant at) {
    static final String DOMAIN = "gridoverlay-deployment-delete";
    /** Multicodec private-use code 0x300104 as a varint. */
    static final byte[] PAYLOAD_TYPE = {(byte) 0x84, (byte) 0x82, (byte) 0xC0, 0x01};
    static final int MAX_ENVELOPE_LENGTH = 8 * 1024;

    DeleteRequest {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(nodeId, "nodeId");
        digest = digest.clone();
        at = at.truncatedTo(ChronoUnit.MILLIS);
    }

    static DeleteRequest of(SignedDeployment d, Instant at) {
        return new DeleteRequest(d.deployment().deploymentId(), d.deployment().version(), d.digest(),
                d.deployment().nodeId(), at);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    boolean isFor(SignedDeployment d) {
        return deploymentId.equals(d.deployment().deploymentId()) && version == d.deployment().version()
                && Arrays.equals(digest, d.digest());
    }

    byte[] encode() {
        return DeployProto.DeleteRequest.newBuilder().setDeploymentId(deploymentId).setVersion(version)
                .setDigest(ByteString.copyFrom(digest)).setNodeId(ByteString.copyFrom(nodeId.toBytes()))
                .setAtMs(at.toEpochMilli()).build().toByteArray();
    }

    /** Seals this request in an envelope signed by {@code owner}. */
    Envelope sign(PrivateKey owner) {
        return Envelope.seal(owner, DOMAIN, PAYLOAD_TYPE, encode());
    }

    /** A delete whose envelope signature verified; {@code envelope.publicKey()} is the signer. */
    record Signed(DeleteRequest request, Envelope envelope) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Signed s && s.envelope.equals(envelope);
        }

        @Override
        public int hashCode() {
            return envelope.hashCode();
        }
    }

    /**
     * Opens and verifies a delete envelope (the signer is not yet compared with the owner).
     *
     * @throws DeployProtocolException if it is malformed or badly signed
     */
    static Signed open(byte[] envelopeBytes) {
        try {
            Envelope env = Envelope.open(envelopeBytes, DOMAIN, MAX_ENVELOPE_LENGTH);
            if (!Arrays.equals(env.payloadType(), PAYLOAD_TYPE)) {
                throw new DeployProtocolException(DeployProtocolException.Kind.MALFORMED,
                        "delete envelope carries another payload type");
            }
            DeployProto.DeleteRequest p = DeployProto.DeleteRequest.parseFrom(env.payload());
            if (!p.getUnknownFields().asMap().isEmpty()) {
                throw new DeployProtocolException(DeployProtocolException.Kind.MALFORMED,
                        "delete request carries unknown fields");
            }
            if (p.getDigest().size() != 32 || p.getVersion() < 0) {
                throw new DeployProtocolException(DeployProtocolException.Kind.MALFORMED,
                        "delete request: digest must be 32 bytes and version non-negative");
            }
            DeleteRequest r = new DeleteRequest(p.getDeploymentId(), p.getVersion(), p.getDigest().toByteArray(),
                    PeerId.fromBytes(p.getNodeId().toByteArray()), Instant.ofEpochMilli(p.getAtMs()));
            return new Signed(r, env);
        } catch (DeployProtocolException e) {
            throw e;
        } catch (DecodingException | InvalidProtocolBufferException | java.time.DateTimeException e) {
            throw new DeployProtocolException(DeployProtocolException.Kind.MALFORMED,
                    "bad delete request: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeleteRequest r && Arrays.equals(encode(), r.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "DeleteRequest[" + deploymentId + " v" + version + " " + HexFormat.of().formatHex(digest, 0, 6) + "]";
    }
}
