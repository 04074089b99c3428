package io.gridoverlay.core.record;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Multihash;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.proto.GridProtos;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The signed content of one version of a deployment: what the owner twin asks node {@link #nodeId()} to
 * run. Version 0 creates the deployment; each update is version n + 1 and names the digest of version n
 * in {@link #previousDigest()}, which makes the versions a hash chain.
 *
 * <p>The canonical digest is {@code SHA-256("gridoverlay-deployment-v1:" || body)}, where {@code body} is
 * the {@code DeploymentBody} protobuf exactly as carried in the record: every signer signs the digest,
 * and verifiers hash the bytes they received, never a re-encoding. Immutable.
 */
public record Deployment(
        String deploymentId,
        long version,
        byte[] previousDigest,
        PublicKey owner,
        PeerId nodeId,
        String contractRef,
        List<Workload> workloads,
        String metadata,
        String description,
        Instant createdAt,
        Instant expiresAt,
        SignatureRequirement requirement) {

    /** Prefix hashed before the body bytes. */
    public static final byte[] DIGEST_DOMAIN = "gridoverlay-deployment-v1:".getBytes(StandardCharsets.UTF_8);
    /** Largest encoded body accepted. */
    public static final int MAX_BODY_LENGTH = 256 * 1024;
    /** Most workloads in one deployment. */
    public static final int MAX_WORKLOADS = 64;
    /** Longest metadata or description, in characters. */
    public static final int MAX_TEXT_LENGTH = 4096;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public Deployment {
        Objects.requireNonNull(deploymentId, "deploymentId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(contractRef, "contractRef");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(description, "description");
        // The wire carries milliseconds: keep only those, so a version equals itself after a round trip.
        createdAt = Objects.requireNonNull(createdAt, "createdAt").truncatedTo(ChronoUnit.MILLIS);
        expiresAt = Objects.requireNonNull(expiresAt, "expiresAt").truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(requirement, "requirement");
        previousDigest = previousDigest.clone();
        workloads = List.copyOf(workloads);
    }

    /** A copy of the previous version's digest (empty for version 0). */
    @Override
    public byte[] previousDigest() {
        return previousDigest.clone();
    }

    /** The workload named {@code name}, if any. */
    public java.util.Optional<Workload> workload(String name) {
        return workloads.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** Starts version 0 of deployment {@code deploymentId}. */
    public static Builder builder(String deploymentId, PublicKey owner, PeerId nodeId) {
        return new Builder(deploymentId, owner, nodeId);
    }

    /**
     * Checks the rules that need neither signatures nor a clock: id syntax, version/previous-digest
     * consistency, limits, unique workload names, and a requirement that lists the owner.
     *
     * @throws InvalidRecordException naming the rule that failed
     */
    public void validateSchema() {
        if (!ID.matcher(deploymentId).matches()) {
            throw new InvalidRecordException("deployment id '" + abbreviate(deploymentId)
                    + "' must be 1-128 characters of [A-Za-z0-9._:-]");
        }
        if (version < 0) {
            throw new InvalidRecordException("deployment " + deploymentId + ": negative version");
        }
        if (version == 0 && previousDigest.length != 0) {
            throw new InvalidRecordException("deployment " + deploymentId + ": version 0 must not name a previous digest");
        }
        if (version > 0 && previousDigest.length != 32) {
            throw new InvalidRecordException("deployment " + deploymentId + " v" + version
                    + ": previous digest must be 32 bytes");
        }
        if (!expiresAt.isAfter(createdAt)) {
            throw new InvalidRecordException("deployment " + deploymentId + ": expiresAt is not after createdAt");
        }
        if (workloads.size() > MAX_WORKLOADS) {
            throw new InvalidRecordException("deployment " + deploymentId + ": more than " + MAX_WORKLOADS + " workloads");
        }
        if (metadata.length() > MAX_TEXT_LENGTH || description.length() > MAX_TEXT_LENGTH
                || contractRef.length() > 256) {
            throw new InvalidRecordException("deployment " + deploymentId + ": metadata, description or contract "
                    + "reference too long");
        }
        Set<String> names = new HashSet<>();
        for (Workload w : workloads) {
            if (w.name().isEmpty() || w.name().length() > Workload.MAX_NAME_LENGTH
                    || w.type().isEmpty() || w.type().length() > Workload.MAX_NAME_LENGTH) {
                throw new InvalidRecordException("deployment " + deploymentId + ": workload name and type must be "
                        + "1-" + Workload.MAX_NAME_LENGTH + " characters");
            }
            if (!names.add(w.name())) {
                throw new InvalidRecordException("deployment " + deploymentId + ": workload '" + w.name()
                        + "' appears twice");
            }
            if (w.version() < 0 || w.version() > version) {
                throw new InvalidRecordException("deployment " + deploymentId + ": workload '" + w.name()
                        + "' has version " + w.version() + " beyond the deployment version " + version);
            }
            if (w.dataLength() > Workload.MAX_DATA_LENGTH || w.description().length() > MAX_TEXT_LENGTH
                    || w.metadata().length() > MAX_TEXT_LENGTH) {
                throw new InvalidRecordException("deployment " + deploymentId + ": workload '" + w.name()
                        + "' data, description or metadata too large");
            }
        }
        requirement.validate();
        if (requirement.requestFor(owner).isEmpty()) {
            throw new InvalidRecordException("deployment " + deploymentId + ": the owner " + owner.peerId()
                    + " is not among the requested signers");
        }
    }

    /** The deterministic protobuf body bytes. */
    public byte[] encodeBody() {
        GridProtos.SignatureRequirement.Builder req = GridProtos.SignatureRequirement.newBuilder()
                .setWeightRequired(requirement.weightRequired());
        for (SignatureRequirement.Request r : requirement.requests()) {
            req.addRequests(GridProtos.SignatureRequest.newBuilder()
                    .setSigner(ByteString.copyFrom(r.signer().encode())).setWeight(r.weight())
                    .setRequired(r.required()));
        }
        GridProtos.DeploymentBody.Builder b = GridProtos.DeploymentBody.newBuilder()
                .setDeploymentId(deploymentId)
                .setVersion(version)
                .setPreviousDigest(ByteString.copyFrom(previousDigest))
                .setOwner(ByteString.copyFrom(owner.encode()))
                .setNodeId(ByteString.copyFrom(nodeId.toBytes()))
                .setContractRef(contractRef)
                .setMetadata(metadata)
                .setDescription(description)
                .setCreatedAtMs(createdAt.toEpochMilli())
                .setExpiresAtMs(expiresAt.toEpochMilli())
                .setRequirement(req);
        for (Workload w : workloads) {
            b.addWorkloads(GridProtos.Workload.newBuilder().setName(w.name()).setType(w.type())
                    .setVersion(w.version()).setData(ByteString.copyFrom(w.data()))
                    .setDescription(w.description()).setMetadata(w.metadata()));
        }
        return b.build().toByteArray();
    }

    /**
     * Decodes body bytes strictly and checks the schema.
     *
     * @throws InvalidRecordException if they are not a valid deployment body
     */
    public static Deployment decodeBody(byte[] body) {
        GridProtos.DeploymentBody p = StrictProto.parse(GridProtos.DeploymentBody.parser(), body, MAX_BODY_LENGTH,
                "deployment body");
        try {
            if (p.getWorkloadsCount() > MAX_WORKLOADS) {
                throw new InvalidRecordException("deployment: more than " + MAX_WORKLOADS + " workloads");
            }
            if (p.getRequirement().getRequestsCount() > SignatureRequirement.MAX_SIGNERS) {
                throw new InvalidRecordException("deployment: more than " + SignatureRequirement.MAX_SIGNERS
                        + " signers requested");
            }
            List<SignatureRequirement.Request> requests = new ArrayList<>();
            for (GridProtos.SignatureRequest r : p.getRequirement().getRequestsList()) {
                if (r.getWeight() < 1) {
                    throw new InvalidRecordException("deployment: signer weight must be at least 1");
                }
                requests.add(new SignatureRequirement.Request(PublicKey.decode(r.getSigner().toByteArray()),
                        r.getWeight(), r.getRequired()));
            }
            List<Workload> workloads = new ArrayList<>();
            for (GridProtos.Workload w : p.getWorkloadsList()) {
                if (w.getVersion() < 0) {
                    throw new InvalidRecordException("deployment: workload version out of range");
                }
                workloads.add(new Workload(w.getName(), w.getType(), w.getVersion(), w.getData().toByteArray(),
                        w.getDescription(), w.getMetadata()));
            }
            if (p.getVersion() < 0 || p.getRequirement().getWeightRequired() < 0) {
                throw new InvalidRecordException("deployment: version or weight out of range");
            }
            Deployment d = new Deployment(p.getDeploymentId(), p.getVersion(), p.getPreviousDigest().toByteArray(),
                    PublicKey.decode(p.getOwner().toByteArray()), PeerId.fromBytes(p.getNodeId().toByteArray()),
                    p.getContractRef(), workloads, p.getMetadata(), p.getDescription(),
                    Instant.ofEpochMilli(p.getCreatedAtMs()), Instant.ofEpochMilli(p.getExpiresAtMs()),
                    new SignatureRequirement(requests, p.getRequirement().getWeightRequired()));
            d.validateSchema();
            return d;
        } catch (InvalidRecordException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("deployment: " + e.getMessage(), e);
        }
    }

    /** The canonical digest of body bytes exactly as given. */
    public static byte[] digestOf(byte[] body) {
        byte[] in = Arrays.copyOf(DIGEST_DOMAIN, DIGEST_DOMAIN.length + body.length);
        System.arraycopy(body, 0, in, DIGEST_DOMAIN.length, body.length);
        return Multihash.sha256Digest(in);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Deployment d && Arrays.equals(encodeBody(), d.encodeBody());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encodeBody());
    }

    @Override
    public String toString() {
        return "Deployment[" + deploymentId + " v" + version + " owner " + owner.peerId() + " node " + nodeId + ", "
                + workloads.size() + " workloads]";
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** Builder for one version of a deployment. */
    public static final class Builder {
        private final String deploymentId;
        private final PublicKey owner;
        private final PeerId nodeId;
        private long version;
        private byte[] previousDigest = new byte[0];
        private String contractRef = "";
        private final List<Workload> workloads = new ArrayList<>();
        private String metadata = "";
        private String description = "";
        private Instant createdAt = Instant.now();
        private Instant expiresAt;
        private SignatureRequirement requirement;

        Builder(String deploymentId, PublicKey owner, PeerId nodeId) {
            this.deploymentId = Objects.requireNonNull(deploymentId, "deploymentId");
            this.owner = Objects.requireNonNull(owner, "owner");
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        }

        Builder version(long v, byte[] previous) {
            version = v;
            previousDigest = previous.clone();
            return this;
        }

        public Builder contractRef(String v) { contractRef = v; return this; }
        public Builder metadata(String v) { metadata = v; return this; }
        public Builder description(String v) { description = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder expiresAt(Instant v) { expiresAt = v; return this; }
        public Builder requirement(SignatureRequirement v) { requirement = v; return this; }

        /** Adds a workload, stamped with this version (unless it is unchanged, see {@link #putWorkload}). */
        public Builder addWorkload(String name, String type, byte[] data) {
            return putWorkload(name, type, data, "");
        }

        /** Adds a workload as given (its version is kept). */
        public Builder addWorkload(Workload w) {
            workloads.removeIf(x -> x.name().equals(w.name()));
            workloads.add(w);
            return this;
        }

        /**
         * Replaces or adds workload {@code name}; the version is set to this deployment version, except when
         * the workload is already present with exactly this content: then it keeps its version, as the
         * successor rules require of an unchanged workload.
         */
        public Builder putWorkload(String name, String type, byte[] data, String description) {
            Workload w = new Workload(name, type, (int) version, data, description, "");
            for (Workload x : workloads) {
                if (x.sameContentAs(w)) {
                    return this;
                }
            }
            return addWorkload(w);
        }

        /** Removes workload {@code name}. */
        public Builder removeWorkload(String name) {
            workloads.removeIf(x -> x.name().equals(name));
            return this;
        }

        List<Workload> workloads() {
            return workloads;
        }

        /**
         * Builds the version; by default it expires 30 days after creation and only the owner must sign.
         *
         * @throws InvalidRecordException if a schema rule fails
         */
        public Deployment build() {
            Deployment d = new Deployment(deploymentId, version, previousDigest, owner, nodeId, contractRef, workloads,
                    metadata, description, createdAt, expiresAt != null ? expiresAt : createdAt.plusSeconds(30L * 86400),
                    requirement != null ? requirement : SignatureRequirement.singleSigner(owner));
            d.validateSchema();
            return d;
        }
    }
}
