package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxStreamLimitException;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes queued for sending on the streams of several sessions (a host's), against one limit: a write that
 * would take the total beyond it fails with {@link YamuxStreamLimitException}. A hard cap behind the
 * per-stream and per-session budgets, which are the back-pressure signals ({@link YamuxStream#isWritable()}).
 *
 * <p>Thread-safe (sessions run on different event loops); every operation is O(1) and lock-free.
 */
public final class YamuxWriteBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** A budget of {@code limit} bytes. */
    public YamuxWriteBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("write budget must be > 0, got " + limit);
        }
        this.limit = limit;
    }

    /** A budget that never refuses (for a session on its own). */
    public static YamuxWriteBudget unlimited() {
        return new YamuxWriteBudget(Long.MAX_VALUE);
    }

    /** Takes {@code bytes} if they fit; {@code false} (and nothing taken) if not. */
    boolean tryReserve(long bytes) {
        while (true) {
            long u = used.get();
            if (u + bytes > limit && bytes > 0) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
    }

    /** Takes {@code bytes} even beyond the limit (a few negotiation bytes the caller bounds itself). */
    void forceReserve(long bytes) {
        used.addAndGet(bytes);
    }

    /** Returns {@code bytes} taken by {@link #tryReserve} or {@link #forceReserve}. */
    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** The limit in bytes. */
    public long limit() {
        return limit;
    }

    /** Bytes in use (a snapshot). */
    public long used() {
        return used.get();
    }
}
