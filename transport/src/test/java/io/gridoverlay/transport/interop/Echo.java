package io.gridoverlay.transport.interop;

import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Stream;
import io.gridoverlay.transport.StreamHandler;
import io.gridoverlay.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /echo/1.0.0} on the Java side: a back-pressured server handler and a client that streams a byte
 * array through a peer's echo and checks what comes back by SHA-256.
 */
public final class Echo {
    public static final String PROTOCOL = "/echo/1.0.0";
    /** Size of each client write. */
    static final int CHUNK = 64 * 1024;
    /** Most client bytes written to the stream but not yet handed to the connection. */
    static final int MAX_IN_FLIGHT = 1024 * 1024;

    private Echo() {}

    /**
     * Server side with back-pressure: received bytes are echoed while the stream is writable and held
     * otherwise (the write queue is small, issue 14 #2), and reported consumed only once their echo was
     * written, so a peer that does not read its echo is stopped by its own receive window.
     */
    public static StreamHandler serve(Stream stream) {
        stream.setAutoConsume(false);
        return new StreamHandler() {
            private final java.util.ArrayDeque<ByteBuf> held = new java.util.ArrayDeque<>();
            private boolean remoteClosed;

            @Override
            public void onData(Stream s, ByteBuf data) {
                held.add(data.retain());
                pump(s);
            }

            @Override
            public void onWritabilityChanged(Stream s) {
                pump(s);
            }

            private void pump(Stream s) {
                while (!held.isEmpty() && s.isWritable()) {
                    ByteBuf b = held.poll();
                    int n = b.readableBytes();
                    s.write(b).whenComplete((v, e) -> s.consumed(n));
                }
                if (remoteClosed && held.isEmpty()) {
                    remoteClosed = false;
                    s.closeWrite();
                }
            }

            @Override
            public void onRemoteClose(Stream s) {
                remoteClosed = true;
                pump(s);
            }

            @Override
            public void onReset(Stream s) {
                held.forEach(ByteBuf::release);
                held.clear();
            }
        };
    }

    /**
     * Opens an echo stream on {@code connection}, writes {@code data} in 64 KiB writes with at most 1 MiB
     * in flight, closes the write side, and completes when the peer closed its side after returning
     * exactly {@code data} (compared by length and SHA-256).
     */
    static CompletableFuture<Void> roundTrip(Connection connection, byte[] data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        MessageDigest digest = sha256();
        long[] received = {0};
        Sender[] sender = new Sender[1];
        StreamHandler reader = new StreamHandler() {
            @Override
            public void onWritabilityChanged(Stream s) {
                Sender snd = sender[0];
                if (snd != null) {
                    snd.pump();
                }
            }

            @Override
            public void onData(Stream s, ByteBuf d) {
                received[0] += d.readableBytes();
                if (received[0] > data.length) {
                    done.completeExceptionally(new AssertionError("echo returned " + received[0]
                            + " bytes, more than the " + data.length + " sent"));
                    s.reset();
                    return;
                }
                ByteBuffer nio = d.nioBuffer();
                digest.update(nio);
                d.skipBytes(d.readableBytes());
            }

            @Override
            public void onRemoteClose(Stream s) {
                if (received[0] != data.length) {
                    done.completeExceptionally(new AssertionError("echo returned " + received[0] + " of "
                            + data.length + " bytes before closing"));
                    return;
                }
                byte[] got = digest.digest();
                byte[] want = sha256().digest(data);
                if (Arrays.equals(got, want)) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(new AssertionError("echoed bytes differ: SHA-256 "
                            + HexFormat.of().formatHex(got) + " != " + HexFormat.of().formatHex(want)));
                }
            }

            @Override
            public void onReset(Stream s) {
                done.completeExceptionally(new TransportException("echo stream reset after " + received[0]
                        + " of " + data.length + " bytes"));
            }
        };
        connection.newStream(PROTOCOL, reader).whenComplete((s, e) -> {
            if (e != null) {
                done.completeExceptionally(e);
                return;
            }
            sender[0] = new Sender(s, data, done);
            sender[0].pump();
        });
        return done;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the array with a bounded number of bytes in flight, then FIN; runs on write completions. */
    private static final class Sender {
        final Stream stream;
        final byte[] data;
        final CompletableFuture<Void> done;
        int offset;
        int inFlight;
        boolean finished;

        Sender(Stream stream, byte[] data, CompletableFuture<Void> done) {
            this.stream = stream;
            this.data = data;
            this.done = done;
        }

        synchronized void pump() {
            // paced on isWritable() too: the stream and session write queues are small (issue 14 #2)
            while (offset < data.length && inFlight < MAX_IN_FLIGHT && !done.isDone() && stream.isWritable()) {
                int n = Math.min(CHUNK, data.length - offset);
                ByteBuf chunk = Unpooled.wrappedBuffer(data, offset, n);
                offset += n;
                inFlight += n;
                stream.write(chunk).whenComplete((v, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                        stream.reset();
                        return;
                    }
                    synchronized (this) {
                        inFlight -= n;
                    }
                    pump();
                });
            }
            if (offset == data.length && inFlight == 0 && !finished) {
                finished = true;
                stream.closeWrite().whenComplete((v, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    }
                });
            }
        }
    }
}
