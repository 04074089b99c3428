package io.gridoverlay.transport.protocol;

import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.Stream;
import io.gridoverlay.transport.StreamHandler;
import io.gridoverlay.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The libp2p benchmark protocol ({@code /perf/1.0.0}, libp2p/specs perf/perf.md), so throughput is
 * measured the same way against every implementation.
 *
 * <pre>
 * client → server: u64 big-endian N (bytes wanted back) || upload bytes … FIN
 * server → client: N bytes … FIN
 * </pre>
 */
public final class Perf {
    public static final String PROTOCOL = "/perf/1.0.0";
    /** Write size; the peer's window bounds what is in flight. */
    static final int CHUNK = 64 * 1024;
    private static final ByteBuf ZEROS = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(CHUNK).writeZero(CHUNK).asReadOnly());

    /** What a run measured. */
    public record Result(long uploaded, long downloaded, Duration uploadTime, Duration totalTime) {
        /** Upload and download bytes over the total time, in bits per second. */
        public double bitsPerSecond() {
            double s = totalTime.toNanos() / 1e9;
            return s == 0 ? 0 : (uploaded + downloaded) * 8 / s;
        }
    }

    private Perf() {}

    /** Serves perf on {@code host} (done at construction by a host built with {@code enablePerf()}). */
    public static void register(Host host) {
        host.setStreamHandler(PROTOCOL, stream -> new StreamHandler() {
            private final ByteBuf header = Unpooled.buffer(8);
            private long requested = -1;

            @Override
            public void onData(Stream s, ByteBuf data) {
                if (requested < 0) {
                    int n = Math.min(8 - header.readableBytes(), data.readableBytes());
                    header.writeBytes(data, n);
                    if (header.readableBytes() == 8) {
                        requested = header.readLong();
                        header.release();
                        if (requested < 0) {
                            s.reset();
                        }
                    }
                }
                data.skipBytes(data.readableBytes());
            }

            @Override
            public void onRemoteClose(Stream s) {
                if (requested < 0) {
                    header.release();
                    s.reset();
                    return;
                }
                new Sender(s, requested).pump();
            }

            @Override
            public void onReset(Stream s) {
                if (requested < 0) {
                    header.release();
                }
            }
        });
    }

    /**
     * Uploads {@code upload} bytes, then downloads {@code download} bytes, on one new stream. The future
     * completes exceptionally when the stream cannot be opened, when a write fails, when the peer resets
     * the stream or closes it after a different number of bytes than requested, or when the connection
     * dies; the stream is then reset. It never waits for anything but the peer's data and the window.
     */
    public static CompletableFuture<Result> run(Connection connection, long upload, long download) {
        if (upload < 0 || download < 0) {
            throw new IllegalArgumentException("byte counts must be non-negative");
        }
        CompletableFuture<Result> result = new CompletableFuture<>();
        long start = System.nanoTime();
        Download reader = new Download(download);
        connection.newStream(PROTOCOL, reader).whenComplete((s, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
                return;
            }
            // This callback runs on whichever thread completed the stream: the caller's own when the stream
            // was ready before whenComplete was attached. The sender's state and its isWritable() pacing
            // belong to the stream's event loop (regression: pumped from the caller's thread, the sender
            // queued the whole transfer, overflowed maxStreamWriteQueue and hung the run).
            try {
                s.executor().execute(() -> upload(s, upload, start, reader, result));
            } catch (RejectedExecutionException closing) {
                result.completeExceptionally(new TransportException("perf: the connection is closing", closing));
            }
        });
        return result;
    }

    /** Runs on the stream's event loop. */
    private static void upload(Stream s, long upload, long start, Download reader, CompletableFuture<Result> result) {
        Sender sender = new Sender(s, upload);
        long[] uploadEnd = {-1};
        Runnable completeIfBothDone = () -> {
            if (uploadEnd[0] >= 0 && reader.end.isDone() && !reader.end.isCompletedExceptionally()) {
                long end = Math.max(uploadEnd[0], reader.end.join());
                result.complete(new Result(sender.total, reader.received, Duration.ofNanos(uploadEnd[0] - start),
                        Duration.ofNanos(end - start)));
            }
        };
        sender.done.whenComplete((v, err) -> {
            if (err != null) {
                fail(s, result, err instanceof TransportException ? err : new TransportException("perf: upload failed"
                        + " after writing " + (sender.total - sender.remaining) + " of " + sender.total + " bytes: "
                        + err.getMessage(), err));
            } else {
                uploadEnd[0] = System.nanoTime();
                completeIfBothDone.run();
            }
        });
        reader.end.whenComplete((t, err) -> {
            if (err != null) {
                fail(s, result, err);
            } else {
                completeIfBothDone.run();
            }
        });
        s.write(Unpooled.buffer(8).writeLong(reader.expected)).whenComplete((v, err) -> {
            if (err != null) {
                sender.done.completeExceptionally(err);
            }
        });
        sender.pump();
    }

    private static void fail(Stream s, CompletableFuture<Result> result, Throwable cause) {
        if (result.completeExceptionally(cause)) {
            s.reset();
        }
    }

    /** Counts the download; {@code end} completes with the time of the peer's FIN. Event loop only. */
    private static final class Download implements StreamHandler {
        final long expected;
        final CompletableFuture<Long> end = new CompletableFuture<>();
        long received;

        Download(long expected) {
            this.expected = expected;
        }

        @Override
        public void onData(Stream s, ByteBuf data) {
            received += data.readableBytes();
            data.skipBytes(data.readableBytes());
        }

        @Override
        public void onRemoteClose(Stream s) {
            if (received != expected) {
                end.completeExceptionally(new TransportException("perf: expected " + expected
                        + " bytes, received " + received + " before the peer closed the stream"));
            } else {
                end.complete(System.nanoTime());
            }
        }

        @Override
        public void onReset(Stream s) {
            end.completeExceptionally(new TransportException("perf stream reset by " + s.remotePeer()
                    + " after " + received + " of " + expected + " bytes"));
        }
    }

    /**
     * Writes {@code remaining} zero bytes while the stream is writable (at least one write in flight),
     * then FIN. Confined to the stream's event loop.
     */
    private static final class Sender {
        final Stream stream;
        final long total;
        long remaining;
        int inFlight;
        boolean finished;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Sender(Stream stream, long remaining) {
            this.stream = stream;
            this.total = remaining;
            this.remaining = remaining;
        }

        /** Called on the stream's event loop (stream set-up and write completions). */
        void pump() {
            if (done.isDone() && !finished) {
                return; // failed: the stream is being reset
            }
            while (remaining > 0 && (inFlight == 0 || stream.isWritable())) {
                int n = (int) Math.min(CHUNK, remaining);
                remaining -= n;
                inFlight++;
                stream.write(ZEROS.retainedSlice(0, n)).whenComplete((v, e) -> {
                    inFlight--;
                    if (e != null) {
                        if (done.completeExceptionally(e)) {
                            stream.reset();
                        }
                    } else {
                        pump();
                    }
                });
            }
            if (remaining == 0 && inFlight == 0 && !finished) {
                finished = true;
                stream.closeWrite();
                done.complete(null);
            }
        }
    }
}
