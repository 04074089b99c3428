package io.gridoverlay.dht.capacity;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One DHT key of the capacity index: an attribute, a discretised value and a shard.
 *
 * <pre>
 *   /gidx/&lt;attribute&gt;/&lt;value&gt;/&lt;shard&gt;      e.g. /gidx/cores/4/0, /gidx/country/BE/2, /gidx/gpu/5/0
 * </pre>
 *
 * A key's entries are stored on the nodes closest to it; shard {@code n + 1} of a value is used once the
 * holders of shard {@code n} are full, so that no set of k nodes carries a popular value alone.
 *
 * @param attribute the attribute
 * @param value     the discretised value ({@code [A-Za-z0-9-]}, at most 32 characters)
 * @param shard     the shard, from 0
 */
public record IndexKey(IndexAttribute attribute, String value, int shard) {
    /** The DHT namespace of index keys. */
    public static final String NAMESPACE = "gidx";
    /** Highest shard number (a value holds at most {@code (MAX_SHARD + 1) * shardCapacity} nodes). */
    public static final int MAX_SHARD = 255;
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9-]{1,32}");

    public IndexKey {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(value, "value");
        if (!VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid index value '" + value + "'");
        }
        if (shard < 0 || shard > MAX_SHARD) {
            throw new IllegalArgumentException("shard must be in [0, " + MAX_SHARD + "], got " + shard);
        }
    }

    /** Shard 0 of {@code attribute = value}. */
    public static IndexKey of(IndexAttribute attribute, String value) {
        return new IndexKey(attribute, value, 0);
    }

    /** The same attribute and value in shard {@code n}. */
    public IndexKey shard(int n) {
        return new IndexKey(attribute, value, n);
    }

    /** The key without its shard (shard 0), which is what a record's membership is judged on. */
    public IndexKey logical() {
        return shard == 0 ? this : new IndexKey(attribute, value, 0);
    }

    /** The DHT key bytes. */
    public byte[] bytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses DHT key bytes.
     *
     * @throws IllegalArgumentException naming what is wrong, if {@code key} is not an index key
     */
    public static IndexKey parse(byte[] key) {
        if (key.length > 64) {
            throw new IllegalArgumentException("index key longer than 64 bytes");
        }
        String text = new String(key, StandardCharsets.UTF_8);
        String[] parts = text.split("/", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equals(NAMESPACE)) {
            throw new IllegalArgumentException("not an index key: '" + text + "'");
        }
        int shard;
        try {
            shard = Integer.parseInt(parts[4]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("index key shard is not a number: '" + text + "'");
        }
        if (!parts[4].equals(Integer.toString(shard))) {
            throw new IllegalArgumentException("index key shard is not canonical: '" + text + "'");
        }
        return new IndexKey(IndexAttribute.ofLabel(parts[2]), parts[3], shard);
    }

    @Override
    public String toString() {
        return "/" + NAMESPACE + "/" + attribute.label() + "/" + value + "/" + shard;
    }
}
