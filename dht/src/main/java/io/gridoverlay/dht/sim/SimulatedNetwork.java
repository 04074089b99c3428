package io.gridoverlay.dht.sim;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.DhtScheduler;
import io.gridoverlay.dht.protocol.KadCodec;
import io.gridoverlay.dht.protocol.KadNetwork;
import io.gridoverlay.dht.protocol.KadNetworkException;
import io.gridoverlay.dht.protocol.KadNetworkException.Kind;
import io.gridoverlay.dht.protocol.KadProtocolException;
import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadRequestHandler;
import io.gridoverlay.dht.protocol.KadRequestRejectedException;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.PeerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One discrete-event loop in virtual time that is the {@link DhtScheduler} and the {@link KadNetwork} of
 * every simulated node ({@link Endpoint}). Events are ordered by time, then by insertion sequence, so a
 * run is a deterministic function of the seed: no threads, no sleeping, no wall clock.
 *
 * <p><b>Message model.</b> {@link Endpoint#send} draws a one-way delay from the {@link LatencyModel}; the
 * request is lost with probability {@code loss}; at delivery the target's request handler (its
 * {@code KadServer}, or an adversarial {@link RequestBehaviour}) answers synchronously, and the response
 * travels back after the reverse delay, again lost with probability {@code loss}. A target that is
 * offline, unknown or in client mode (no handler: NAT-like unreachability) does not answer, so the caller
 * sees a {@link Kind#TIMEOUT} after its timeout, as a dial to a dead or unreachable host does; a refused
 * request (the handler throws {@link KadRequestRejectedException}) fails with {@link Kind#STREAM_FAILED}
 * after the round trip. ADD_PROVIDER completes when sent (it has no response on the wire). With
 * {@code useCodec} every request and response goes through {@link KadCodec} encode/decode, exercising the
 * real wire codec (slower). The receiver of a request from a server-mode node is told of it
 * ({@link Endpoint#onServerIdentified}), as Identify tells a libp2p host. All futures are completed from inside the loop, so all DHT code runs on the
 * thread that calls {@link #runUntil}.
 *
 * <p>Not thread-safe: one thread drives the loop. Costs O(log e) per event with e events pending.
 */
public final class SimulatedNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedNetwork.class);

    /** Virtual time zero as wall-clock time (for record expiry). */
    public static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");

    /** How a node answers a request: the honest default calls the handler; {@code null} drops it. */
    @FunctionalInterface
    public interface RequestBehaviour {
        /** The honest behaviour. */
        RequestBehaviour HONEST = (from, request, handler) -> handler.handle(from, request);

        /** The answer to {@code request}, or {@code null} to drop it silently. */
        KadResponse answer(PeerInfo from, KadRequest request, KadRequestHandler handler);
    }

    /**
     * Sees every message of the network as it happens (for diagnosis; never changes the outcome). Called on
     * the loop thread; implementations must not schedule events or draw from the network's randomness.
     */
    public interface MessageObserver {
        /** No observation. */
        MessageObserver NONE = new MessageObserver() { };

        /** {@code from} sent {@code request} to {@code to}; {@code lost} if the message is dropped or unroutable. */
        default void onRequestSent(int from, PeerInfo to, KadRequest request, boolean lost) {
        }

        /** A response to {@code request} from {@code responder} reached the waiting caller {@code requester}. */
        default void onResponseDelivered(int requester, PeerId responder, KadRequest request, KadResponse response) {
        }
    }

    private static final class Event implements Comparable<Event> {
        final long time;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Event(long time, long seq, Runnable task) {
            this.time = time;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final LatencyModel latency;
    private final double loss;
    private final KadCodec codec;
    private final SplittableRandom random;
    private final Map<PeerId, Endpoint> endpoints = new HashMap<>();
    private final Clock clock = new VirtualClock();
    private long now;
    private long seq;
    private long messages;
    private long messagesLost;
    private long taskErrors;
    private long[] handled = new long[16];
    private MessageObserver observer = MessageObserver.NONE;

    /**
     * A network with the given latency model, per-message loss probability and codec flag.
     *
     * @param seed drives loss and jitter draws
     */
    public SimulatedNetwork(LatencyModel latency, double loss, boolean useCodec, long seed) {
        this.latency = Objects.requireNonNull(latency, "latency");
        if (!(loss >= 0 && loss < 1)) {
            throw new IllegalArgumentException("loss must be in [0, 1), got " + loss);
        }
        this.loss = loss;
        this.codec = useCodec ? KadCodec.withDefaults() : null;
        this.random = new SplittableRandom(seed);
    }

    /** Installs the observer of every message ({@link MessageObserver#NONE} to stop observing). */
    public void setObserver(MessageObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** Virtual time in nanoseconds since {@link #EPOCH}. */
    public long nanoTime() {
        return now;
    }

    /** A {@link Clock} reading virtual time (for record and provider stores). */
    public Clock clock() {
        return clock;
    }

    /** Messages sent (requests and responses) since the last {@link #resetCounters}. */
    public long messages() {
        return messages;
    }

    /** Messages lost to the loss probability since the last {@link #resetCounters}. */
    public long messagesLost() {
        return messagesLost;
    }

    /** Tasks that threw (a bug in the code under simulation; logged at WARN). */
    public long taskErrors() {
        return taskErrors;
    }

    /** Requests delivered to node {@code index}'s handler since the last {@link #resetCounters}. */
    public long requestsHandled(int index) {
        return index < handled.length ? handled[index] : 0;
    }

    /** Zeroes the message and load counters. */
    public void resetCounters() {
        messages = 0;
        messagesLost = 0;
        Arrays.fill(handled, 0);
    }

    /** Events pending. */
    public int pendingEvents() {
        return queue.size();
    }

    /**
     * Attaches node {@code index} (its position in the latency model) as {@code self}, replacing and
     * closing an earlier endpoint of the same peer (a rejoin after a crash).
     */
    public Endpoint attach(int index, PeerInfo self) {
        Endpoint e = new Endpoint(index, self);
        Endpoint old = endpoints.put(self.peerId(), e);
        if (old != null) {
            old.closed = true;
        }
        if (index >= handled.length) {
            handled = Arrays.copyOf(handled, Math.max(index + 1, handled.length * 2));
        }
        return e;
    }

    /** Runs {@code task} at virtual time {@code time} (not before now); returns a cancel handle. */
    public Runnable at(long time, Runnable task) {
        Event e = new Event(Math.max(time, now), seq++, task);
        queue.add(e);
        return () -> e.cancelled = true;
    }

    /** Runs events until the queue is empty or the next event is after {@code time}; then sets now to it. */
    public void runUntil(long time) {
        while (!queue.isEmpty() && queue.peek().time <= time) {
            runOne();
        }
        now = Math.max(now, time);
    }

    /** Runs events until {@code done} holds (checked between events) or the queue is empty. */
    public void runUntil(BooleanSupplier done) {
        while (!done.getAsBoolean() && !queue.isEmpty()) {
            runOne();
        }
    }

    /** Runs every pending event (never returns if events keep scheduling more, e.g. churn). */
    public void runAll() {
        while (!queue.isEmpty()) {
            runOne();
        }
    }

    private void runOne() {
        Event e = queue.poll();
        now = e.time;
        if (e.cancelled) {
            return;
        }
        try {
            e.task.run();
        } catch (RuntimeException | AssertionError ex) {
            taskErrors++;
            if (taskErrors <= 10) {
                LOG.warn("simulated task failed at t={} ns", now, ex);
            }
        }
    }

    private boolean lost() {
        if (loss > 0 && random.nextDouble() < loss) {
            messagesLost++;
            return true;
        }
        return false;
    }

    /**
     * One node's attachment: its {@link KadNetwork} and {@link DhtScheduler}. Closing it (a crash) drops its
     * pending tasks and in-flight replies and makes it unreachable; a rejoin attaches a new endpoint.
     */
    public final class Endpoint implements KadNetwork, DhtScheduler {
        private final int index;
        private final PeerInfo self;
        private KadRequestHandler handler;
        private RequestBehaviour behaviour = RequestBehaviour.HONEST;
        private java.util.function.Consumer<PeerInfo> serverIdentified;
        private boolean closed;

        Endpoint(int index, PeerInfo self) {
            this.index = index;
            this.self = Objects.requireNonNull(self, "self");
        }

        public int index() {
            return index;
        }

        public PeerInfo info() {
            return self;
        }

        public boolean isClosed() {
            return closed;
        }

        /** How this node answers requests (adversaries replace the honest default). */
        public void setBehaviour(RequestBehaviour behaviour) {
            this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
        }

        /**
         * Called with the sender of each delivered request that is itself in server mode, as a libp2p host
         * learns from Identify that an inbound peer speaks the Kad protocol (see
         * {@code io.gridoverlay.dht.internal.net.HostDhtBinding}); {@code null} disables it.
         */
        public void onServerIdentified(java.util.function.Consumer<PeerInfo> listener) {
            this.serverIdentified = listener;
        }

        /** Crash: pending tasks and replies are dropped, the node stops answering. Idempotent. */
        @Override
        public void close() {
            closed = true;
            endpoints.remove(self.peerId(), this);
        }

        @Override
        public PeerId self() {
            return self.peerId();
        }

        @Override
        public void setRequestHandler(KadRequestHandler handler) {
            this.handler = handler;
        }

        @Override
        public void execute(Runnable task) {
            at(now, guarded(task));
        }

        @Override
        public Runnable schedule(Runnable task, long delayNanos) {
            return at(now + Math.max(0, delayNanos), guarded(task));
        }

        private Runnable guarded(Runnable task) {
            return () -> {
                if (!closed) {
                    task.run();
                }
            };
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public Instant now() {
            return EPOCH.plusNanos(now);
        }

        @Override
        public CompletableFuture<KadResponse> send(PeerInfo peer, KadRequest request, Duration timeout) {
            CompletableFuture<KadResponse> f = new CompletableFuture<>();
            if (closed) {
                f.completeExceptionally(new KadNetworkException(Kind.CLOSED, "simulated node is down"));
                return f;
            }
            long timeoutNanos = timeout.toNanos();
            Runnable cancelTimer = at(now + timeoutNanos, () -> {
                if (!closed) {
                    f.completeExceptionally(new KadNetworkException(Kind.TIMEOUT, "no answer from "
                            + peer.peerId() + " within " + timeout));
                }
            });
            messages++;
            Endpoint target = endpoints.get(peer.peerId());
            Object payload = codec != null ? codec.encodeRequest(request) : request;
            if (!request.expectsResponse()) {
                at(now, () -> {
                    cancelTimer.run();
                    if (!closed) {
                        f.complete(KadResponse.empty(request.type(), request.key()));
                    }
                });
            }
            if (target == null || lost()) {
                observer.onRequestSent(index, peer, request, true);
                return f;
            }
            observer.onRequestSent(index, peer, request, false);
            long delay = latency.oneWayNanos(index, target.index, random.nextDouble());
            at(now + delay, () -> target.receive(this, payload, request, f, cancelTimer));
            return f;
        }

        private void receive(Endpoint from, Object payload, KadRequest sent, CompletableFuture<KadResponse> f,
                             Runnable cancelTimer) {
            if (closed || handler == null) {
                return;
            }
            KadRequest request;
            try {
                request = codec != null ? codec.decodeRequest((byte[]) payload) : (KadRequest) payload;
            } catch (KadProtocolException e) {
                LOG.debug("simulated node {} cannot decode a request: {}", index, e.getMessage());
                return;
            }
            handled[index]++;
            if (serverIdentified != null && from.handler != null && !from.closed) {
                serverIdentified.accept(from.self);
            }
            KadResponse response;
            Kind failure = null;
            try {
                response = behaviour.answer(from.self, request, handler);
            } catch (KadRequestRejectedException e) {
                response = null;
                failure = Kind.STREAM_FAILED;
            }
            if (!request.expectsResponse() || (response == null && failure == null)) {
                return;
            }
            messages++;
            if (lost()) {
                return;
            }
            Object reply = failure != null ? failure : codec != null ? codec.encodeResponse(response) : response;
            long delay = latency.oneWayNanos(index, from.index, random.nextDouble());
            at(now + delay, () -> from.reply(reply, sent, f, cancelTimer, self.peerId()));
        }

        private void reply(Object reply, KadRequest sent, CompletableFuture<KadResponse> f, Runnable cancelTimer,
                           PeerId responder) {
            if (closed || f.isDone()) {
                return;
            }
            cancelTimer.run();
            if (reply instanceof Kind k) {
                f.completeExceptionally(new KadNetworkException(k, responder + " refused " + sent.type()));
                return;
            }
            KadResponse response;
            if (reply instanceof byte[] bytes) {
                try {
                    response = codec.decodeResponse(bytes, sent);
                } catch (KadProtocolException e) {
                    f.completeExceptionally(new KadNetworkException(Kind.PROTOCOL, "bad response from " + responder, e));
                    return;
                }
            } else {
                response = (KadResponse) reply;
            }
            observer.onResponseDelivered(index, responder, sent, response);
            f.complete(response);
        }

        @Override
        public String toString() {
            return "Endpoint[" + index + ", " + self.peerId() + (closed ? ", closed" : "") + "]";
        }
    }

    private final class VirtualClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the virtual clock is UTC only");
        }

        @Override
        public Instant instant() {
            return EPOCH.plusNanos(now);
        }
    }
}
