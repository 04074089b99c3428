package io.gridoverlay.dht.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Kad record: a value under a key, and the time the storing node received it ({@code timeReceived},
 * RFC 3339 text, empty when not set — the sender of a PUT leaves it empty). Immutable: arrays are copied in
 * and out.
 */
public final class KadRecord {
    private final byte[] key;
    private final byte[] value;
    private final String timeReceived;

    public KadRecord(byte[] key, byte[] value, String timeReceived) {
        this.key = key.clone();
        this.value = value.clone();
        this.timeReceived = Objects.requireNonNull(timeReceived, "timeReceived");
    }

    /** A record without {@code timeReceived}, as a publisher sends it. */
    public static KadRecord of(byte[] key, byte[] value) {
        return new KadRecord(key, value, "");
    }

    public byte[] key() {
        return key.clone();
    }

    public byte[] value() {
        return value.clone();
    }

    /** Length of the key, without copying. */
    public int keyLength() {
        return key.length;
    }

    /** Length of the value, without copying. */
    public int valueLength() {
        return value.length;
    }

    public String timeReceived() {
        return timeReceived;
    }

    /** This record with {@code timeReceived} replaced. */
    public KadRecord withTimeReceived(String time) {
        return new KadRecord(key, value, time);
    }

    /** Package access without copy, for the codec. */
    byte[] keyArray() {
        return key;
    }

    byte[] valueArray() {
        return value;
    }

    /** Whether the key equals {@code other} (no copy). */
    public boolean keyEquals(byte[] other) {
        return Arrays.equals(key, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadRecord r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && timeReceived.equals(r.timeReceived);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(key) * 31 + Arrays.hashCode(value)) * 31 + timeReceived.hashCode();
    }

    @Override
    public String toString() {
        String k = new String(key, StandardCharsets.UTF_8);
        return "KadRecord[key=" + (k.length() > 60 ? k.substring(0, 60) + "…" : k) + ", value=" + value.length
                + " bytes" + (timeReceived.isEmpty() ? "" : ", received " + timeReceived) + "]";
    }
}
