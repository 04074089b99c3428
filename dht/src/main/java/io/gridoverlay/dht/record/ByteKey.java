package io.gridoverlay.dht.record;

import java.util.Arrays;

/** A byte-array map key with value equality; the array is owned (never exposed, never changed). */
final class ByteKey {
    private final byte[] bytes;
    private final int hash;

    private ByteKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Wraps a copy of {@code bytes}. */
    static ByteKey copyOf(byte[] bytes) {
        return new ByteKey(bytes.clone());
    }

    int length() {
        return bytes.length;
    }

    byte[] toBytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && hash == k.hash && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
