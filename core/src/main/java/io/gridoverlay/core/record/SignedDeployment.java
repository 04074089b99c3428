package io.gridoverlay.core.record;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.proto.GridProtos;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One version of a deployment with the signatures collected so far: the exact body bytes, the decoded
 * {@link Deployment}, its canonical digest and the signatures over that digest.
 *
 * <p>Immutable: {@link #sign(PrivateKey)} returns a new instance with one more signature. Decoding checks
 * structure only; {@link #verify(Instant)} applies every rule (signatures, requirement, expiry) and
 * {@link #verifySuccessorOf(SignedDeployment, Instant)} also the chain rules against the version it
 * replaces. Signatures are verified over the digest of the received body bytes.
 *
 * <pre>
 * DeploymentRecord { bytes body = 1; repeated { bytes signer = 1; bytes signature = 2 } signatures = 2 }
 * digest = SHA-256("gridoverlay-deployment-v1:" || body)
 * </pre>
 */
public final class SignedDeployment {
    /** Envelope domain of deployment records. */
    public static final String DOMAIN = "gridoverlay-deployment-record";
    /** Envelope payload type: multicodec private-use code 0x300102 as a varint. */
    public static final byte[] PAYLOAD_TYPE = {(byte) 0x82, (byte) 0x82, (byte) 0xC0, 0x01};
    /** Largest encoded record accepted. */
    public static final int MAX_ENCODED_LENGTH = Deployment.MAX_BODY_LENGTH + 64 * 1024;
    /** Largest envelope accepted by {@link #openEnvelope}: a largest record plus key, type and signature. */
    public static final int MAX_ENVELOPE_LENGTH = MAX_ENCODED_LENGTH + 8 * 1024;

    /** One collected signature. */
    public record Signature(PublicKey signer, byte[] signature) {
        public Signature {
            Objects.requireNonNull(signer, "signer");
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Signature s && s.signer.equals(signer) && Arrays.equals(s.signature, signature);
        }

        @Override
        public int hashCode() {
            return signer.hashCode() * 31 + Arrays.hashCode(signature);
        }
    }

    private final byte[] body;
    private final Deployment deployment;
    private final byte[] digest;
    private final List<Signature> signatures;

    private SignedDeployment(byte[] body, Deployment deployment, List<Signature> signatures) {
        this.body = body;
        this.deployment = deployment;
        this.digest = Deployment.digestOf(body);
        this.signatures = List.copyOf(signatures);
    }

    /** An unsigned record of {@code deployment}, ready to collect signatures. */
    public static SignedDeployment of(Deployment deployment) {
        deployment.validateSchema();
        byte[] body = deployment.encodeBody();
        if (body.length > Deployment.MAX_BODY_LENGTH) {
            // decode() would refuse it: do not let a record be signed that nobody can read back
            throw new InvalidRecordException("deployment " + deployment.deploymentId() + ": body of " + body.length
                    + " bytes exceeds the limit of " + Deployment.MAX_BODY_LENGTH);
        }
        return new SignedDeployment(body, deployment, List.of());
    }

    /**
     * Adds {@code key}'s signature over the digest.
     *
     * @throws IllegalArgumentException if {@code key} is not a requested signer or already signed
     */
    public SignedDeployment sign(PrivateKey key) {
        PublicKey pub = key.publicKey();
        if (deployment.requirement().requestFor(pub).isEmpty()) {
            throw new IllegalArgumentException(pub.peerId() + " is not a requested signer of deployment "
                    + deployment.deploymentId());
        }
        if (signatures.stream().anyMatch(s -> s.signer().equals(pub))) {
            throw new IllegalArgumentException(pub.peerId() + " already signed deployment "
                    + deployment.deploymentId() + " v" + deployment.version());
        }
        List<Signature> more = new ArrayList<>(signatures);
        more.add(new Signature(pub, key.sign(digest)));
        return new SignedDeployment(body, deployment, more);
    }

    /** Merges the signatures of another copy of the same version (same digest) into this one. */
    public SignedDeployment mergeSignatures(SignedDeployment other) {
        if (!Arrays.equals(digest, other.digest)) {
            throw new IllegalArgumentException("cannot merge signatures of different deployment versions");
        }
        List<Signature> merged = new ArrayList<>(signatures);
        for (Signature s : other.signatures) {
            if (merged.stream().noneMatch(m -> m.signer().equals(s.signer()))) {
                merged.add(s);
            }
        }
        return new SignedDeployment(body, deployment, merged);
    }

    public Deployment deployment() {
        return deployment;
    }

    /** A copy of the canonical digest (32 bytes). */
    public byte[] digest() {
        return digest.clone();
    }

    /** The digest as lower-case hex. */
    public String digestHex() {
        return HexFormat.of().formatHex(digest);
    }

    /** A copy of the body bytes exactly as signed. */
    public byte[] body() {
        return body.clone();
    }

    public List<Signature> signatures() {
        return signatures;
    }

    /** The {@code DeploymentRecord} protobuf bytes. */
    public byte[] toBytes() {
        GridProtos.DeploymentRecord.Builder b = GridProtos.DeploymentRecord.newBuilder()
                .setBody(ByteString.copyFrom(body));
        for (Signature s : signatures) {
            b.addSignatures(GridProtos.DeploymentSignature.newBuilder()
                    .setSigner(ByteString.copyFrom(s.signer().encode()))
                    .setSignature(ByteString.copyFrom(s.signature)));
        }
        return b.build().toByteArray();
    }

    /**
     * Decodes record bytes: structure, body schema and signer keys. Signatures are not checked here; call
     * {@link #verify(Instant)}.
     *
     * @throws InvalidRecordException if the bytes are not a well-formed deployment record
     */
    public static SignedDeployment decode(byte[] bytes) {
        GridProtos.DeploymentRecord p = StrictProto.parse(GridProtos.DeploymentRecord.parser(), bytes,
                MAX_ENCODED_LENGTH, "deployment record");
        if (p.getSignaturesCount() > SignatureRequirement.MAX_SIGNERS) {
            throw new InvalidRecordException("deployment record carries more than " + SignatureRequirement.MAX_SIGNERS
                    + " signatures");
        }
        byte[] body = p.getBody().toByteArray();
        Deployment d = Deployment.decodeBody(body);
        List<Signature> sigs = new ArrayList<>();
        try {
            for (GridProtos.DeploymentSignature s : p.getSignaturesList()) {
                if (s.getSignature().size() > 1024) {
                    throw new InvalidRecordException("deployment record: signature longer than 1024 bytes");
                }
                sigs.add(new Signature(PublicKey.decode(s.getSigner().toByteArray()), s.getSignature().toByteArray()));
            }
        } catch (InvalidRecordException e) {
            throw e;
        } catch (DecodingException e) {
            throw new InvalidRecordException("deployment record: bad signer key: " + e.getMessage(), e);
        }
        return new SignedDeployment(body, d, sigs);
    }

    /**
     * Applies every rule that needs no other version: each signature is by a distinct requested signer and
     * valid over the digest, every required signer signed, the signed weight reaches the requirement, the
     * owner signed, and the version has not expired at {@code now}.
     */
    public Verification<SignedDeployment> verify(Instant now) {
        String id = deployment.deploymentId() + " v" + deployment.version();
        SignatureRequirement req = deployment.requirement();
        Set<PublicKey> signed = new HashSet<>();
        long weight = 0;
        for (Signature s : signatures) {
            Optional<SignatureRequirement.Request> r = req.requestFor(s.signer());
            if (r.isEmpty()) {
                return Verification.invalid("deployment " + id + ": signature by unlisted key " + s.signer().peerId());
            }
            if (!signed.add(s.signer())) {
                return Verification.invalid("deployment " + id + ": " + s.signer().peerId() + " signed twice");
            }
            if (!s.signer().verify(digest, s.signature)) {
                return Verification.invalid("deployment " + id + ": invalid signature by " + s.signer().peerId());
            }
            weight += r.get().weight();
        }
        for (SignatureRequirement.Request r : req.requests()) {
            if (r.required() && !signed.contains(r.signer())) {
                return Verification.invalid("deployment " + id + ": required signer " + r.signer().peerId()
                        + " has not signed");
            }
        }
        if (!signed.contains(deployment.owner())) {
            return Verification.invalid("deployment " + id + ": the owner " + deployment.owner().peerId()
                    + " has not signed");
        }
        if (weight < req.weightRequired()) {
            return Verification.invalid("deployment " + id + ": signed weight " + weight + " is below the required "
                    + req.weightRequired());
        }
        if (!now.isBefore(deployment.expiresAt())) {
            return Verification.invalid("deployment " + id + ": expired at " + deployment.expiresAt());
        }
        return Verification.valid(this);
    }

    /**
     * {@link #verify(Instant)} plus the chain rules against {@code previous}, the version this one
     * replaces: same id, owner and node; version + 1; previous digest equals {@code previous}'s digest; a
     * workload keeps its type; an unchanged workload keeps its version; and the signatures of this version
     * also satisfy {@code previous}'s requirement (its required signers signed and its weight is reached):
     * the rule set in force authorises every change, a change of the rule set included. A signer listed
     * only in {@code previous} therefore has to stay listed (optional, say) in this version to sign it.
     */
    public Verification<SignedDeployment> verifySuccessorOf(SignedDeployment previous, Instant now) {
        Verification<SignedDeployment> own = verify(now);
        if (!own.isValid()) {
            return own;
        }
        Deployment prev = previous.deployment;
        Deployment cur = deployment;
        String id = cur.deploymentId() + " v" + cur.version();
        if (!prev.deploymentId().equals(cur.deploymentId())) {
            return Verification.invalid("deployment " + id + " does not continue deployment " + prev.deploymentId());
        }
        if (cur.version() != prev.version() + 1) {
            return Verification.invalid("deployment " + id + ": version must be " + (prev.version() + 1)
                    + " to follow v" + prev.version());
        }
        if (!Arrays.equals(cur.previousDigest(), previous.digest)) {
            return Verification.invalid("deployment " + id + ": previous digest does not match v" + prev.version());
        }
        if (!prev.owner().equals(cur.owner())) {
            return Verification.invalid("deployment " + id + ": owner changed");
        }
        if (!prev.nodeId().equals(cur.nodeId())) {
            return Verification.invalid("deployment " + id + ": target node changed");
        }
        Optional<String> unmet = unmetRequirement(prev.requirement());
        if (unmet.isPresent()) {
            return Verification.invalid("deployment " + id + " does not satisfy the signature requirement of v"
                    + prev.version() + ": " + unmet.get());
        }
        for (Workload w : cur.workloads()) {
            Optional<Workload> before = prev.workload(w.name());
            if (before.isPresent()) {
                if (!before.get().type().equals(w.type())) {
                    return Verification.invalid("deployment " + id + ": workload '" + w.name() + "' changed type from "
                            + before.get().type() + " to " + w.type());
                }
                if (before.get().sameContentAs(w) && before.get().version() != w.version()) {
                    return Verification.invalid("deployment " + id + ": unchanged workload '" + w.name()
                            + "' changed version");
                }
                if (!before.get().sameContentAs(w) && w.version() != cur.version()) {
                    return Verification.invalid("deployment " + id + ": changed workload '" + w.name()
                            + "' must carry version " + cur.version());
                }
            } else if (w.version() != cur.version()) {
                return Verification.invalid("deployment " + id + ": new workload '" + w.name() + "' must carry version "
                        + cur.version());
            }
        }
        return own;
    }

    /**
     * Why the signatures of this version fall short of {@code req} (e.g. the previous version's requirement,
     * which {@link #verifySuccessorOf} applies), or empty when they satisfy it. Signatures by keys {@code req}
     * does not list count nothing. Meaningful after {@link #verify(Instant)} checked every signature.
     */
    public Optional<String> unmetRequirement(SignatureRequirement req) {
        Set<PublicKey> signers = new HashSet<>();
        for (Signature s : signatures) {
            signers.add(s.signer());
        }
        long weight = 0;
        for (SignatureRequirement.Request r : req.requests()) {
            if (signers.contains(r.signer())) {
                weight += r.weight();
            } else if (r.required()) {
                return Optional.of("required signer " + r.signer().peerId() + " has not signed");
            }
        }
        if (weight < req.weightRequired()) {
            return Optional.of("signed weight " + weight + " is below the required " + req.weightRequired());
        }
        return Optional.empty();
    }

    /** Wraps the record in a libp2p envelope signed by {@code publisher} (for storage and transfer). */
    public Envelope toEnvelope(PrivateKey publisher) {
        return Envelope.seal(publisher, DOMAIN, PAYLOAD_TYPE, toBytes());
    }

    /**
     * Opens an envelope carrying a deployment record and decodes it; the envelope signer must be the owner,
     * a requested signer or the target node. Signatures of the record are not checked: call
     * {@link #verify(Instant)}.
     *
     * @throws InvalidRecordException if the envelope or the record is malformed or badly signed
     */
    public static SignedDeployment openEnvelope(byte[] envelopeBytes) {
        Envelope env;
        try {
            env = Envelope.open(envelopeBytes, DOMAIN, MAX_ENVELOPE_LENGTH);
        } catch (DecodingException e) {
            throw new InvalidRecordException("deployment envelope: " + e.getMessage(), e);
        }
        if (!Arrays.equals(env.payloadType(), PAYLOAD_TYPE)) {
            throw new InvalidRecordException("envelope payload type is not a deployment record");
        }
        SignedDeployment d = decode(env.payload());
        PublicKey publisher = env.publicKey();
        Deployment dep = d.deployment;
        if (!publisher.equals(dep.owner()) && dep.requirement().requestFor(publisher).isEmpty()
                && !publisher.peerId().equals(dep.nodeId())) {
            throw new InvalidRecordException("deployment " + dep.deploymentId() + " published by unrelated key "
                    + publisher.peerId());
        }
        return d;
    }

    /** A human-readable JSON rendering (workload data as hex). */
    public String toJson() {
        Deployment d = deployment;
        Json j = new Json().beginObject()
                .field("deploymentId", d.deploymentId()).field("version", d.version())
                .hex("digest", digest).hex("previousDigest", d.previousDigest())
                .field("owner", d.owner().peerId().toBase58()).field("node", d.nodeId().toBase58())
                .field("contractRef", d.contractRef()).field("metadata", d.metadata())
                .field("description", d.description()).field("createdAt", d.createdAt().toString())
                .field("expiresAt", d.expiresAt().toString());
        j.beginArray("workloads");
        for (Workload w : d.workloads()) {
            j.rawElement(new Json().beginObject().field("name", w.name()).field("type", w.type())
                    .field("version", w.version()).hex("data", w.data()).field("description", w.description())
                    .field("metadata", w.metadata()).endObject().toString());
        }
        j.endArray().name("requirement").beginObject().field("weightRequired", d.requirement().weightRequired());
        j.beginArray("requests");
        for (SignatureRequirement.Request r : d.requirement().requests()) {
            j.rawElement(new Json().beginObject().field("signer", r.signer().peerId().toBase58())
                    .field("weight", r.weight()).field("required", r.required()).endObject().toString());
        }
        j.endArray().endObject();
        j.beginArray("signatures");
        for (Signature s : signatures) {
            j.rawElement(new Json().beginObject().field("signer", s.signer().peerId().toBase58())
                    .hex("signature", s.signature).endObject().toString());
        }
        return j.endArray().endObject().toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedDeployment s && Arrays.equals(body, s.body) && signatures.equals(s.signatures);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(body) * 31 + signatures.hashCode();
    }

    @Override
    public String toString() {
        return deployment + " digest " + digestHex().substring(0, 12) + ", " + signatures.size() + " signature(s)";
    }
}
