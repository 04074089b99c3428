package io.gridoverlay.core.record;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.proto.GridProtos;
import java.util.Arrays;

/**
 * Evidence that an owner signed two different versions with the same id and version number: two records,
 * each carrying a valid owner signature over its own digest, with different digests. Anyone can verify it
 * from the two records alone. Immutable.
 */
public record EquivocationProof(byte[] first, byte[] second) {
    public static final int MAX_ENCODED_LENGTH = 2 * SignedDeployment.MAX_ENCODED_LENGTH + 16;

    public EquivocationProof {
        first = first.clone();
        second = second.clone();
    }

    @Override
    public byte[] first() {
        return first.clone();
    }

    @Override
    public byte[] second() {
        return second.clone();
    }

    /** Builds a proof from two records (not checked: call {@link #verify()}). */
    public static EquivocationProof of(SignedDeployment a, SignedDeployment b) {
        return new EquivocationProof(a.toBytes(), b.toBytes());
    }

    /**
     * Checks the proof: both records decode, name the same deployment id, owner and version, have
     * different digests, and each carries a valid signature by the owner. Expiry does not matter: an
     * expired equivocation is still an equivocation.
     */
    public Verification<EquivocationProof> verify() {
        SignedDeployment a;
        SignedDeployment b;
        try {
            a = SignedDeployment.decode(first);
            b = SignedDeployment.decode(second);
        } catch (InvalidRecordException e) {
            return Verification.invalid("equivocation proof: " + e.getMessage());
        }
        Deployment da = a.deployment();
        Deployment db = b.deployment();
        if (!da.deploymentId().equals(db.deploymentId()) || da.version() != db.version()
                || !da.owner().equals(db.owner())) {
            return Verification.invalid("equivocation proof: records name different deployments, versions or owners");
        }
        if (Arrays.equals(a.digest(), b.digest())) {
            return Verification.invalid("equivocation proof: both records have the same digest");
        }
        if (!ownerSigned(a) || !ownerSigned(b)) {
            return Verification.invalid("equivocation proof: a record lacks a valid owner signature");
        }
        return Verification.valid(this);
    }

    private static boolean ownerSigned(SignedDeployment d) {
        byte[] digest = d.digest();
        return d.signatures().stream().anyMatch(
                s -> s.signer().equals(d.deployment().owner()) && s.signer().verify(digest, s.signature()));
    }

    public byte[] encode() {
        return GridProtos.EquivocationProof.newBuilder().setFirst(ByteString.copyFrom(first))
                .setSecond(ByteString.copyFrom(second)).build().toByteArray();
    }

    /** @throws InvalidRecordException if the bytes are not a well-formed proof message */
    public static EquivocationProof decode(byte[] bytes) {
        GridProtos.EquivocationProof p = StrictProto.parse(GridProtos.EquivocationProof.parser(), bytes,
                MAX_ENCODED_LENGTH, "equivocation proof");
        return new EquivocationProof(p.getFirst().toByteArray(), p.getSecond().toByteArray());
    }


    @Override
    public boolean equals(Object o) {
        return o instanceof EquivocationProof e && Arrays.equals(first, e.first) && Arrays.equals(second, e.second);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(first) * 31 + Arrays.hashCode(second);
    }
}
