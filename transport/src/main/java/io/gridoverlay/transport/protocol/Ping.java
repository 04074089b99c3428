package io.gridoverlay.transport.protocol;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.Stream;
import io.gridoverlay.transport.StreamHandler;
import io.gridoverlay.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * libp2p Ping ({@code /ipfs/ping/1.0.0}): the initiator sends 32 random bytes, the responder echoes them;
 * the round-trip time is measured on the initiator. The responder echoes any number of 32-byte payloads on
 * one stream, as the spec allows.
 */
public final class Ping {
    public static final String PROTOCOL = "/ipfs/ping/1.0.0";
    public static final int SIZE = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ping() {}

    /**
     * Most received bytes a responder holds while its stream is not writable (the peer does not read its
     * answers): 128 pings. Beyond that the stream is reset.
     */
    static final int MAX_HELD = 128 * SIZE;

    /** Serves ping on {@code host} (done by every host at construction). */
    public static void register(Host host) {
        host.setStreamHandler(PROTOCOL, stream -> {
            stream.setAutoConsume(false);
            return new Responder();
        });
    }

    /**
     * Echoes each 32-byte payload while its stream is writable; received bytes count as consumed only once
     * echoed, so a peer that does not read the answers is stopped by its window, and reset beyond
     * {@link #MAX_HELD} held bytes (regression: echoes queued without bound, 4 such streams pinned the heap).
     * Confined to the stream's event loop.
     */
    private static final class Responder implements StreamHandler {
        /** Received and not yet echoed; null once released. */
        private ByteBuf held = Unpooled.buffer(SIZE);
        private boolean remoteClosed;

        @Override
        public void onData(Stream s, ByteBuf data) {
            if (held == null) {
                return;
            }
            if (held.readableBytes() + data.readableBytes() > MAX_HELD) {
                release();
                s.reset();
                return;
            }
            held.writeBytes(data);
            echo(s);
        }

        @Override
        public void onWritabilityChanged(Stream s) {
            echo(s);
        }

        private void echo(Stream s) {
            while (held != null && held.readableBytes() >= SIZE && s.isWritable()) {
                // a copy of each payload: the buffer is refilled while echoes may still be queued
                // (a slice of it sent pipelined pings A, B, C back as C, C, C)
                s.write(held.readBytes(SIZE));
                s.consumed(SIZE);
            }
            if (held == null) {
                return;
            }
            held.discardSomeReadBytes();
            if (remoteClosed && held.readableBytes() < SIZE) {
                release();
                s.closeWrite();
            }
        }

        @Override
        public void onRemoteClose(Stream s) {
            remoteClosed = true;
            echo(s);
        }

        @Override
        public void onReset(Stream s) {
            release();
        }

        private void release() {
            if (held != null) {
                held.release();
                held = null;
            }
        }
    }

    /** Pings over {@code connection} once and completes with the round-trip time. */
    public static CompletableFuture<Duration> ping(Connection connection) {
        byte[] payload = new byte[SIZE];
        RANDOM.nextBytes(payload);
        CompletableFuture<Duration> rtt = new CompletableFuture<>();
        long[] start = new long[1];
        StreamHandler reader = new StreamHandler() {
            private final byte[] got = new byte[SIZE];
            private int have;

            @Override
            public void onData(Stream s, ByteBuf data) {
                int n = Math.min(SIZE - have, data.readableBytes());
                data.readBytes(got, have, n);
                have += n;
                if (have == SIZE) {
                    long elapsed = System.nanoTime() - start[0];
                    if (Arrays.equals(got, payload)) {
                        rtt.complete(Duration.ofNanos(elapsed));
                    } else {
                        rtt.completeExceptionally(new TransportException("ping answer from " + s.remotePeer()
                                + " does not match the payload"));
                    }
                    s.closeWrite();
                }
            }

            @Override
            public void onRemoteClose(Stream s) {
                rtt.completeExceptionally(new TransportException("ping stream closed before the answer"));
            }

            @Override
            public void onReset(Stream s) {
                rtt.completeExceptionally(new TransportException("ping stream reset by " + s.remotePeer()));
            }
        };
        connection.newStream(PROTOCOL, reader).whenComplete((s, e) -> {
            if (e != null) {
                rtt.completeExceptionally(e);
                return;
            }
            start[0] = System.nanoTime();
            s.write(payload.clone());
        });
        return rtt;
    }

    /** Dials {@code peer} if needed and pings it once. */
    public static CompletableFuture<Duration> ping(Host host, PeerId peer) {
        return host.dial(peer).thenCompose(Ping::ping);
    }
}
