package io.gridoverlay.core.record;

import io.gridoverlay.core.identity.PeerId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Namespace {@code grid-cap}: key {@code /grid-cap/<node peer id, base58>}, value a signed
 * {@link CapacityRecord} envelope from that node. Highest sequence number wins; at equal sequence the
 * later expiry, then the first. Stateless and thread-safe.
 */
public final class CapacityRecordValidator implements RecordValidator {
    public static final String NAMESPACE = "grid-cap";

    /** The key under which {@code node} publishes its capacity record. */
    public static byte[] keyFor(PeerId node) {
        return ("/" + NAMESPACE + "/" + node.toBase58()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String namespace() {
        return NAMESPACE;
    }

    @Override
    public Verification<SignedRecord<CapacityRecord>> validate(byte[] key, byte[] value, Instant now) {
        Verification<SignedRecord<CapacityRecord>> v = CapacityRecord.open(value, now);
        if (v instanceof Verification.Valid<SignedRecord<CapacityRecord>> ok
                && !java.util.Arrays.equals(key, keyFor(ok.value().record().nodeId()))) {
            return Verification.invalid("capacity record of " + ok.value().record().nodeId()
                    + " stored under foreign key " + RecordValidator.keyText(key));
        }
        return v;
    }

    @Override
    public int select(byte[] key, List<byte[]> values, Instant now) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to select from");
        }
        int best = -1;
        CapacityRecord bestRecord = null;
        for (int i = 0; i < values.size(); i++) {
            Verification<SignedRecord<CapacityRecord>> v = validate(key, values.get(i), now);
            if (!(v instanceof Verification.Valid<SignedRecord<CapacityRecord>> ok)) {
                continue;
            }
            CapacityRecord r = ok.value().record();
            if (bestRecord == null || r.seq() > bestRecord.seq()
                    || (r.seq() == bestRecord.seq() && r.expiresAt().isAfter(bestRecord.expiresAt()))) {
                best = i;
                bestRecord = r;
            }
        }
        return best < 0 ? 0 : best;
    }
}
