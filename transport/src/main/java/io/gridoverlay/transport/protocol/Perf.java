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

    /** Serves perf on {@code host} (done by every host at construction). */
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

    /** Uploads {@code upload} bytes, then downloads {@code download} bytes, on one new stream. */
    public static CompletableFuture<Result> run(Connection connection, long upload, long download) {
        if (upload < 0 || download < 0) {
            throw new IllegalArgumentException("byte counts must be non-negative");
        }
        CompletableFuture<Result> result = new CompletableFuture<>();
        long start = System.nanoTime();
        long[] uploadDone = {0};
        long[] received = {0};
        StreamHandler reader = new StreamHandler() {
            @Override
            public void onData(Stream s, ByteBuf data) {
                received[0] += data.readableBytes();
                data.skipBytes(data.readableBytes());
            }

            @Override
            public void onRemoteClose(Stream s) {
                long end = System.nanoTime();
                if (received[0] != download) {
                    result.completeExceptionally(new TransportException("perf: expected " + download
                            + " bytes, received " + received[0]));
                } else {
                    result.complete(new Result(upload, received[0], Duration.ofNanos(uploadDone[0] - start),
                            Duration.ofNanos(end - start)));
                }
            }

            @Override
            public void onReset(Stream s) {
                result.completeExceptionally(new TransportException("perf stream reset by " + s.remotePeer()));
            }
        };
        connection.newStream(PROTOCOL, reader).whenComplete((s, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
                return;
            }
            s.write(Unpooled.buffer(8).writeLong(download));
            Sender sender = new Sender(s, upload);
            sender.done.thenRun(() -> uploadDone[0] = System.nanoTime());
            sender.pump();
        });
        return result;
    }

    /** Writes {@code remaining} zero bytes with a bounded number of writes in flight, then FIN. */
    private static final class Sender {
        final Stream stream;
        long remaining;
        int inFlight;
        boolean finished;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Sender(Stream stream, long remaining) {
            this.stream = stream;
            this.remaining = remaining;
        }

        /** Called on the stream's event loop (stream set-up and write completions). */
        void pump() {
            while (remaining > 0 && (inFlight == 0 || stream.isWritable())) {
                int n = (int) Math.min(CHUNK, remaining);
                remaining -= n;
                inFlight++;
                stream.write(ZEROS.retainedSlice(0, n)).whenComplete((v, e) -> {
                    inFlight--;
                    if (e != null) {
                        done.completeExceptionally(e);
                        stream.reset();
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
