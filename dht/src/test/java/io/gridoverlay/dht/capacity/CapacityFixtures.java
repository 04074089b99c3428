package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Location;
import io.gridoverlay.core.record.CapacityRecord.Price;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.core.record.Envelope;
import java.time.Instant;

/** Keys and capacity records for the capacity tests. */
final class CapacityFixtures {
    static final long GIB = 1L << 30;
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private CapacityFixtures() {
    }

    /** A deterministic identity key. */
    static PrivateKey key(int i) {
        byte[] seed = new byte[Ed25519.SEED_LENGTH];
        seed[0] = (byte) i;
        seed[1] = (byte) (i >>> 8);
        seed[31] = 42;
        return Ed25519.fromSeed(seed);
    }

    /**
     * A record of {@code k}'s node: 64 cores of which {@code freeCores} free, 16 GiB free memory (band 5),
     * 512 GiB free SSD (band 10), in BE near Brussels, farm 7, certified, issued at {@code now} and valid
     * for ten minutes.
     */
    static CapacityRecord.Builder record(PrivateKey k, long seq, int freeCores, Instant now) {
        return CapacityRecord.builder(k.peerId())
                .seq(seq)
                .farmId(7)
                .issuedAt(now)
                .expiresAt(now.plusSeconds(600))
                .total(new Resources(64, 256 * GIB, 2048 * GIB, 0))
                .free(new Resources(freeCores, 16 * GIB, 512 * GIB, 0))
                .location(Location.of("BE", "Brussels", 50.85, 4.35))
                .price(new Price("TFT", 10_000, 1, 1, 1, 1))
                .certification(Certification.CERTIFIED);
    }

    static byte[] signed(PrivateKey k, CapacityRecord.Builder b) {
        return b.build().sign(k).toBytes();
    }

    /** {@code r}'s payload in an envelope signed by {@code signer}, which is not the node it names. */
    static byte[] signedByOther(PrivateKey signer, CapacityRecord r) {
        return Envelope.seal(signer, CapacityRecord.DOMAIN, CapacityRecord.PAYLOAD_TYPE, r.encode()).toBytes();
    }

    /** The bytes with the last one (inside the signature) flipped. */
    static byte[] badSignature(byte[] envelope) {
        byte[] b = envelope.clone();
        b[b.length - 1] ^= 0x01;
        return b;
    }

    static IndexKey cores(int freeCores) {
        return IndexKey.of(IndexAttribute.CORES, Integer.toString(IndexKeys.band(freeCores)));
    }
}
