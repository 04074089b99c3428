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

    /** Serves ping on {@code host} (done by every host at construction). */
    public static void register(Host host) {
        host.setStreamHandler(PROTOCOL, stream -> new StreamHandler() {
            /** Collects one 32-byte payload; null once released (the peer may reset after closing). */
            private ByteBuf pending = Unpooled.buffer(SIZE);

            @Override
            public void onData(Stream s, ByteBuf data) {
                while (data.isReadable() && pending != null) {
                    int n = Math.min(SIZE - pending.readableBytes(), data.readableBytes());
                    pending.writeBytes(data, n);
                    if (pending.readableBytes() == SIZE) {
                        s.write(pending.retainedSlice());
                        pending.clear();
                    }
                }
            }

            @Override
            public void onRemoteClose(Stream s) {
                release();
                s.closeWrite();
            }

            @Override
            public void onReset(Stream s) {
                release();
            }

            private void release() {
                if (pending != null) {
                    pending.release();
                    pending = null;
                }
            }
        });
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
