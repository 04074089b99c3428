package io.gridoverlay.dht.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Kad record: a value under a key, and the time the storing node received it ({@code timeReceived},
 * RFC 3339 text, empty when not set — the sender of a PUT leaves it empty). Immutable: arrays are copied in
 * and out.
 */
public final class KadRecord {
    /** RFC 3339 in UTC with exactly nine fractional digits, as js-libp2p's {@code toRFC3339} writes it. */
    private static final DateTimeFormatter TIME_RECEIVED = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

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

    /**
     * {@code time} as {@code timeReceived} text: {@code 2025-03-01T12:00:00.000000000Z}. go parses it as
     * RFC 3339 (nano), js-libp2p both with {@code Date} and with its strict {@code parseRFC3339}, which needs
     * the nine fractional digits ({@link Instant#toString()} drops them when zero); Java with {@link Instant#parse}.
     */
    public static String formatTimeReceived(Instant time) {
        return TIME_RECEIVED.format(time);
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
