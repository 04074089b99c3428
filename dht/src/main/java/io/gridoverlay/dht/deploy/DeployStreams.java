package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.deploy.DeploymentException.Kind;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.ProtocolHandler;
import io.gridoverlay.transport.Stream;
import io.gridoverlay.transport.StreamHandler;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream mechanics of {@code /grid/deploy/1.0.0}, both sides: one request frame, the requester closes
 * its write side, one answer frame, the responder closes. The only class of the package that touches Netty
 * types. Handler callbacks run on the stream's event loop and only decode, count and hand over: the
 * {@link RequestHandler} must return at once with a future.
 */
final class DeployStreams {
    private static final Logger LOG = LoggerFactory.getLogger(DeployStreams.class);

    private DeployStreams() {}

    /** Answers one decoded request; called on an event loop, must not block. */
    @FunctionalInterface
    interface RequestHandler {
        CompletableFuture<DeployMessage> handle(PeerId from, DeployMessage request);
    }

    /**
     * Requests in progress, per peer and in total. Thread-safe (a concurrent map of counters: the acquiring
     * event loops differ per connection).
     */
    static final class Limiter {
        private final int perPeer;
        private final int total;
        private final Map<PeerId, Integer> byPeer = new ConcurrentHashMap<>();
        private final AtomicInteger all = new AtomicInteger();

        Limiter(int perPeer, int total) {
            this.perPeer = perPeer;
            this.total = total;
        }

        /** Takes one slot for {@code peer}; false if a limit is reached. */
        boolean tryAcquire(PeerId peer) {
            if (all.incrementAndGet() > total) {
                all.decrementAndGet();
                return false;
            }
            boolean[] ok = {false};
            byPeer.compute(peer, (p, n) -> {
                int c = n == null ? 0 : n;
                if (c >= perPeer) {
                    return n;
                }
                ok[0] = true;
                return c + 1;
            });
            if (!ok[0]) {
                all.decrementAndGet();
            }
            return ok[0];
        }

        void release(PeerId peer) {
            byPeer.computeIfPresent(peer, (p, n) -> n <= 1 ? null : n - 1);
            all.decrementAndGet();
        }

        int inProgress() {
            return all.get();
        }
    }

    /** The protocol handler serving requests on a host. */
    static ProtocolHandler server(DeployCodec codec, DeploymentConfig config, Limiter limiter,
                                  ScheduledExecutorService timer, RequestHandler handler) {
        return stream -> new Inbound(stream, codec, config, limiter, timer, handler);
    }

    /** One inbound stream; confined to its event loop. */
    private static final class Inbound implements StreamHandler {
        private final Stream stream;
        private final DeployCodec codec;
        private final DeployCodec.FrameReader reader;
        private final Limiter limiter;
        private final RequestHandler handler;
        private final ScheduledFuture<?> idle;
        private boolean gotRequest;
        private boolean dead;

        Inbound(Stream stream, DeployCodec codec, DeploymentConfig config, Limiter limiter,
                ScheduledExecutorService timer, RequestHandler handler) {
            this.stream = stream;
            this.codec = codec;
            this.reader = codec.newReader();
            this.limiter = limiter;
            this.handler = handler;
            ScheduledFuture<?> t;
            try {
                t = timer.schedule(() -> stream.executor().execute(() -> {
                    if (!gotRequest) {
                        abort("no request within " + config.inboundIdleTimeout().toMillis() + " ms");
                    }
                }), config.inboundIdleTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) { // closing
                t = null;
                stream.reset();
                dead = true;
            }
            this.idle = t;
        }

        @Override
        public void onData(Stream s, ByteBuf data) {
            if (dead) {
                return;
            }
            if (gotRequest) {
                abort("data after the request");
                return;
            }
            try {
                for (ByteBuffer b : data.nioBuffers()) {
                    reader.read(b, this::onMessage);
                    if (dead || gotRequest) {
                        break;
                    }
                }
                if (gotRequest && reader.isMidFrame()) {
                    abort("data after the request");
                }
            } catch (DeployProtocolException e) {
                answerAndClose(new DeployMessage.Failure(RejectionCode.MALFORMED, e.getMessage()));
            }
        }

        private void onMessage(DeployMessage m) {
            if (gotRequest) {
                abort("more than one request on a stream");
                return;
            }
            gotRequest = true;
            if (idle != null) {
                idle.cancel(false);
            }
            if (!(m instanceof DeployMessage.Submit || m instanceof DeployMessage.Delete
                    || m instanceof DeployMessage.CosignRequest)) {
                answerAndClose(new DeployMessage.Failure(RejectionCode.MALFORMED,
                        m.getClass().getSimpleName() + " is not a request"));
                return;
            }
            PeerId from = stream.remotePeer();
            if (!limiter.tryAcquire(from)) {
                answerAndClose(new DeployMessage.Failure(RejectionCode.BUSY,
                        "too many deployment requests in progress; retry later"));
                return;
            }
            CompletableFuture<DeployMessage> answer;
            try {
                answer = handler.handle(from, m);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((a, e) -> {
                limiter.release(from);
                DeployMessage out = a;
                if (e != null) {
                    LOG.warn("deployment request from {} failed", from, e);
                    out = new DeployMessage.Failure(RejectionCode.INTERNAL, "the node failed to handle the request: "
                            + unwrap(e).getMessage());
                }
                DeployMessage reply = out;
                stream.executor().execute(() -> answerAndClose(reply));
            });
        }

        private void answerAndClose(DeployMessage m) {
            if (dead) {
                return;
            }
            dead = true;
            if (idle != null) {
                idle.cancel(false);
            }
            byte[] frame;
            try {
                frame = codec.frame(m);
            } catch (DeployProtocolException e) {
                LOG.warn("deployment answer cannot be encoded: {}", e.getMessage());
                stream.reset();
                return;
            }
            stream.write(frame).thenCompose(v -> stream.closeWrite()).whenComplete((v, e) -> {
                if (e != null) {
                    stream.reset();
                }
            });
        }

        private void abort(String why) {
            LOG.debug("resetting deployment stream from {}: {}", stream.remotePeer(), why);
            dead = true;
            if (idle != null) {
                idle.cancel(false);
            }
            stream.reset();
        }

        @Override
        public void onRemoteClose(Stream s) {
            if (!dead && !gotRequest) {
                abort("closed without a complete request");
            }
        }

        @Override
        public void onReset(Stream s) {
            dead = true;
            if (idle != null) {
                idle.cancel(false);
            }
        }
    }

    /**
     * Sends {@code request} to {@code peer} on a new stream and completes with the answer, or fails with a
     * {@link DeploymentException}: UNREACHABLE (no connection or stream), TIMEOUT, PROTOCOL.
     */
    static CompletableFuture<DeployMessage> request(Host host, PeerId peer, DeployMessage request, DeployCodec codec,
                                                    Duration timeout, ScheduledExecutorService timer) {
        byte[] frame;
        try {
            frame = codec.frame(request);
        } catch (DeployProtocolException e) {
            return CompletableFuture.failedFuture(new DeploymentException(Kind.LOCAL,
                    "request cannot be sent: " + e.getMessage(), e));
        }
        if (peer.equals(host.peerId())) {
            return CompletableFuture.failedFuture(new DeploymentException(Kind.LOCAL, "cannot send a deployment "
                    + "request to this host itself"));
        }
        Outbound out = new Outbound(peer, codec);
        ScheduledFuture<?> timeoutTask;
        try {
            timeoutTask = timer.schedule(() -> out.fail(new DeploymentException(Kind.TIMEOUT, peer
                    + " did not answer within " + timeout.toMillis() + " ms")), timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new DeploymentException(Kind.LOCAL, "deployment client is closed"));
        }
        out.result.whenComplete((m, e) -> timeoutTask.cancel(false));
        host.newStream(peer, out, DeploymentConfig.PROTOCOL).whenComplete((s, e) -> {
            if (e != null) {
                Throwable c = unwrap(e);
                out.fail(new DeploymentException(Kind.UNREACHABLE, "cannot reach " + peer + " on "
                        + DeploymentConfig.PROTOCOL + ": " + c.getMessage(), c));
                return;
            }
            out.start(s, frame);
        });
        return out.result;
    }

    /** One outbound request. Callbacks on the stream's event loop; {@link #fail} from any thread. */
    private static final class Outbound implements StreamHandler {
        final PeerId peer;
        final DeployCodec.FrameReader reader;
        final CompletableFuture<DeployMessage> result = new CompletableFuture<>();
        volatile Stream stream;

        Outbound(PeerId peer, DeployCodec codec) {
            this.peer = peer;
            this.reader = codec.newReader();
        }

        void start(Stream s, byte[] frame) {
            stream = s;
            if (result.isDone()) {
                s.reset();
                return;
            }
            s.write(frame).thenCompose(v -> s.closeWrite()).whenComplete((v, e) -> {
                if (e != null) {
                    fail(new DeploymentException(Kind.UNREACHABLE, "cannot send the request to " + peer + ": "
                            + unwrap(e).getMessage(), unwrap(e)));
                }
            });
        }

        void fail(DeploymentException e) {
            if (result.completeExceptionally(e)) {
                Stream s = stream;
                if (s != null) {
                    s.reset();
                }
            }
        }

        @Override
        public void onData(Stream s, ByteBuf data) {
            if (result.isDone()) {
                return;
            }
            try {
                for (ByteBuffer b : data.nioBuffers()) {
                    reader.read(b, result::complete);
                    if (result.isDone()) {
                        return;
                    }
                }
            } catch (DeployProtocolException e) {
                fail(new DeploymentException(Kind.PROTOCOL, "garbage answer from " + peer + ": " + e.getMessage(), e));
            }
        }

        @Override
        public void onRemoteClose(Stream s) {
            if (!result.isDone()) {
                fail(new DeploymentException(Kind.PROTOCOL, peer + " closed the stream without answering"));
            }
        }

        @Override
        public void onReset(Stream s) {
            if (result.isDone()) {
                return;
            }
            CompletableFuture<String> confirmed = s.protocolConfirmed();
            if (confirmed.isCompletedExceptionally()) {
                Throwable c = unwrap(confirmed.handle((p, e) -> e).join());
                fail(new DeploymentException(Kind.UNREACHABLE, peer + " does not serve " + DeploymentConfig.PROTOCOL
                        + ": " + c.getMessage(), c));
                return;
            }
            fail(new DeploymentException(Kind.PROTOCOL, peer + " reset the stream without answering"));
        }
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
