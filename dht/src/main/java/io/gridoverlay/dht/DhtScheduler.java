package io.gridoverlay.dht;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where the DHT's state machines run and what time it is. All DHT state is confined to this scheduler's
 * thread; the real implementation is one thread, the simulator's runs tasks in virtual time.
 */
public interface DhtScheduler extends AutoCloseable {
    /** Runs {@code task} on the DHT thread (later, never inline). */
    void execute(Runnable task);

    /** Runs {@code task} on the DHT thread after {@code delayNanos}; the returned handle cancels it. */
    Runnable schedule(Runnable task, long delayNanos);

    /** Monotonic time in nanoseconds. */
    long nanoTime();

    /** Wall-clock time, for record expiry. */
    Instant now();

    @Override
    default void close() {
    }

    /** A scheduler on one daemon thread with the system clocks. */
    static DhtScheduler singleThread(String name) {
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        return new DhtScheduler() {
            @Override
            public void execute(Runnable task) {
                exec.execute(task);
            }

            @Override
            public Runnable schedule(Runnable task, long delayNanos) {
                ScheduledFuture<?> f = exec.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public void close() {
                exec.shutdownNow();
            }
        };
    }
}
