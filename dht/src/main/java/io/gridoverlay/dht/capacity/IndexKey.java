package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.identity.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One DHT key of the capacity index: an attribute, a discretised value and a shard.
 *
 * <pre>
 *   /gidx/&lt;attribute&gt;/&lt;value&gt;/&lt;shard&gt;      e.g. /gidx/cores/4/0, /gidx/country/BE/2, /gidx/gpu/5/0
 * </pre>
 *
 * A key's entries are stored on the nodes closest to it. A popular value spills over into more shards, so
 * that no set of k nodes carries it alone. The shards of one value form a binary tree numbered like a heap:
 * shard 0 is the root, and the children of shard {@code n} are {@code 2n + 1} and {@code 2n + 2}, so depth
 * {@code d} holds shards {@code 2^d - 1} to {@code 2^(d+1) - 2}. Each node has one fixed <em>path</em> down
 * the tree, chosen by the SHA-256 of its peer id ({@link #pathShard}); it is written in the first shard of its
 * path whose holders have room, and may be written nowhere else ({@link #isOnPathOf}). A value of
 * {@code m} nodes thus fills about {@code log2(m / shardCapacity)} levels: a first publication tries that
 * many shards, not {@code m / shardCapacity} as a chain of shards would.
 *
 * @param attribute the attribute
 * @param value     the discretised value ({@code [A-Za-z0-9-]}, at most 32 characters)
 * @param shard     the shard's heap number, from 0 (the root) to {@link #MAX_SHARD}
 */
public record IndexKey(IndexAttribute attribute, String value, int shard) {
    /** The DHT namespace of index keys. */
    public static final String NAMESPACE = "gidx";
    /** Deepest level of a value's shard tree (the root is level 0). */
    public static final int MAX_DEPTH = 20;
    /**
     * Highest shard number, the last shard of level {@link #MAX_DEPTH}: a value holds at most
     * {@code (MAX_SHARD + 1) * shardCapacity} nodes (134 million with the default 64).
     */
    public static final int MAX_SHARD = (1 << (MAX_DEPTH + 1)) - 2;
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

    /** The level of shard {@code shard} in its tree (0 for the root). */
    public static int depthOf(int shard) {
        return 31 - Integer.numberOfLeadingZeros(shard + 1);
    }

    /** This key's level in its tree. */
    public int depth() {
        return depthOf(shard);
    }

    /**
     * The path of {@code node} down every value's shard tree: the first {@link #MAX_DEPTH} bits of the SHA-256
     * of its peer id, most significant first (bit {@code d} chooses the child taken below level {@code d}).
     */
    public static int path(PeerId node) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(node.toBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        int bits = ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        return bits >>> (32 - MAX_DEPTH);
    }

    /** The shard at level {@code depth} of the path {@code path} ({@link #path(PeerId)}). */
    public static int pathShard(int path, int depth) {
        if (depth < 0 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be in [0, " + MAX_DEPTH + "], got " + depth);
        }
        return (1 << depth) - 1 + (path >>> (MAX_DEPTH - depth));
    }

    /** Whether this key's shard lies on the path of {@code node} (the only shards it may be written in). */
    public boolean isOnPathOf(PeerId node) {
        return shard == pathShard(path(node), depth());
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
