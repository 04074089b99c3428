package io.gridoverlay.transport.internal.yamux;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes buffered on receive by several sessions (a host's) against one limit: the body of every Data frame
 * is reserved here when its header arrives, before the decoder buffers it, and released when the
 * application has consumed it (or its stream or session is gone). A session whose next frame does not fit
 * stops reading until another session releases bytes; past half the limit, sessions stop
 * growing receive windows and shrink grown ones back to the initial window as data is consumed.
 *
 * <p>Never a deadlock for peers whose applications consume: a frame is admitted whole or not at all, a
 * session waits only for bytes that others hold, and a frame larger than the whole limit is admitted when
 * nothing else is held. What the built-in handlers copy out of consumed data is bounded by each handler.
 *
 * <p>Thread-safe (sessions run on different event loops); reservations are O(1) and lock-free, a release
 * that frees room runs the waiting sessions' wake-ups (each hops to its own event loop).
 */
public final class YamuxReceiveBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    /** Releases so far: a session waits only for a release after the one its refusal saw. */
    private final AtomicLong releases = new AtomicLong();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    /** A budget of {@code limit} bytes. */
    public YamuxReceiveBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("receive budget must be > 0, got " + limit);
        }
        this.limit = limit;
    }

    /** A budget that never refuses (for a session on its own). */
    public static YamuxReceiveBudget unlimited() {
        return new YamuxReceiveBudget(Long.MAX_VALUE);
    }

    /**
     * Takes {@code bytes} if they fit, or if nothing is held at all (so that a frame larger than the limit
     * cannot wait forever); {@code false} and nothing taken otherwise.
     */
    boolean tryReserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        while (true) {
            long u = used.get();
            if (u + bytes > limit && u > 0) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
    }

    /** Returns {@code bytes} taken by {@link #tryReserve} and wakes every waiting session once. */
    void release(long bytes) {
        if (bytes <= 0) {
            return;
        }
        used.addAndGet(-bytes);
        releases.incrementAndGet();
        wakeWaiting();
    }

    /** Releases so far; read it before a {@link #tryReserve} whose refusal may lead to {@link #await}. */
    long releases() {
        return releases.get();
    }

    /**
     * Runs {@code wakeUp} at the next release, or at once if bytes were released since {@code releasesSeen}
     * (read before the refused reservation). A woken session that still finds no room waits again, for the
     * release after that: a waiting session never spins. The wake-up must be cheap and must not call back
     * into this budget synchronously: sessions pass a hop to their event loop.
     */
    void await(Runnable wakeUp, long releasesSeen) {
        waiting.add(wakeUp);
        if (releases.get() != releasesSeen) {
            wakeWaiting(); // released between the refused reservation and the registration
        }
    }

    private void wakeWaiting() {
        Runnable r;
        while ((r = waiting.poll()) != null) {
            r.run();
        }
    }

    /** Whether more than half the limit is in use: sessions neither grow windows nor keep grown ones. */
    boolean isConstrained() {
        return used.get() > limit / 2;
    }

    /** The limit in bytes. */
    public long limit() {
        return limit;
    }

    /** Bytes reserved (a snapshot). */
    public long used() {
        return used.get();
    }

    /** Sessions waiting for room (a snapshot; for tests and metrics). */
    public int waitingSessions() {
        return waiting.size();
    }
}
