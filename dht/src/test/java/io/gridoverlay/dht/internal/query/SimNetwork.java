package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;


import io.gridoverlay.dht.routing.IpGroup;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTable;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Consumer;

/**
 * An in-memory Kademlia network for driving lookups synchronously in virtual time: N nodes with random
 * keys, each with a real {@link RoutingTable} filled by offering every other node in random order (a
 * well-connected network), and a per-node behaviour (honest, dead, silent, late, self-only, random far
 * peers, garbage peers).
 */
final class SimNetwork {
    /** A simulated peer handle; fake (unreachable) peers have negative ids. */
    record Node(int id, Key key) implements HasKey {
        @Override
        public String toString() {
            return "Node" + id;
        }
    }

    enum Behaviour {
        HONEST, DEAD, SILENT, LATE, SELF_ONLY, RANDOM_FAR, GARBAGE
    }

    static final long MS = 1_000_000L;
    static final long PEER_TIMEOUT = 1_000 * MS;

    final List<Node> nodes;
    final Map<Key, Node> byKey = new HashMap<>();
    final List<RoutingTable<Node>> tables;
    final Behaviour[] behaviour;
    final int k;
    private final Random random;
    private int nextFakeId = -1;

    SimNetwork(int n, int k, long seed) {
        this.random = new Random(seed);
        this.k = k;
        List<Node> list = new ArrayList<>(n);
        while (list.size() < n) {
            Node node = new Node(list.size(), Key.random(random));
            if (byKey.putIfAbsent(node.key(), node) == null) {
                list.add(node);
            }
        }
        this.nodes = Collections.unmodifiableList(list);
        this.behaviour = new Behaviour[n];
        Arrays.fill(behaviour, Behaviour.HONEST);
        RoutingTableConfig cfg = RoutingTableConfig.builder().k(k).replacementCacheSize(0)
                .noDiversityLimits().build();
        List<RoutingTable<Node>> t = new ArrayList<>(n);
        List<Node> order = new ArrayList<>(list);
        for (Node node : list) {
            RoutingTable<Node> table = new RoutingTable<>(node.key(), cfg);
            Collections.shuffle(order, random);
            for (Node other : order) {
                table.tryAdd(other.key(), other, true, IpGroup.EXEMPT);
            }
            t.add(table);
        }
        this.tables = t;
    }

    /** Gives each node a random behaviour: HONEST with probability 1 - sum(fractions). */
    void assignBehaviours(Map<Behaviour, Double> fractions) {
        for (int i = 0; i < behaviour.length; i++) {
            double r = random.nextDouble();
            behaviour[i] = Behaviour.HONEST;
            for (Map.Entry<Behaviour, Double> f : fractions.entrySet()) {
                r -= f.getValue();
                if (r < 0) {
                    behaviour[i] = f.getKey();
                    break;
                }
            }
        }
    }

    Random random() {
        return random;
    }

    /** The true k closest nodes to {@code target} among all nodes, by brute force. */
    List<Node> trueClosest(Key target, int count) {
        List<Node> all = new ArrayList<>(nodes);
        all.sort((a, b) -> target.compareDistance(a.key(), b.key()));
        return all.subList(0, Math.min(count, all.size()));
    }

    /** Seeds of a lookup started by {@code from}: its table's closest k to the target. */
    List<Node> seeds(Node from, Key target) {
        return tables.get(from.id()).closestPeers(target, k);
    }

    /** A random real node. */
    Node randomNode() {
        return nodes.get(random.nextInt(nodes.size()));
    }

    /** The closer peers a node returns for {@code target}, or null if it does not answer at all. */
    List<Node> answer(Node node, Key target) {
        if (node.id() < 0) {
            return null;
        }
        switch (behaviour[node.id()]) {
            case HONEST:
            case LATE:
                return tables.get(node.id()).closestPeers(target, k);
            case SELF_ONLY:
                return List.of(node);
            case RANDOM_FAR: {
                List<Node> out = new ArrayList<>(k);
                for (int i = 0; i < k; i++) {
                    out.add(randomNode());
                }
                return out;
            }
            case GARBAGE: {
                List<Node> out = new ArrayList<>(k);
                for (int i = 0; i < k; i++) {
                    out.add(new Node(nextFakeId--, Key.random(random)));
                }
                return out;
            }
            default:
                return null;
        }
    }

    /** What the driver needs from a lookup or query. */
    interface Driven {
        LookupState<Node> next(long now);

        OptionalLong nextTimer();

        /** Delivers an answer; {@code closer} as returned by {@link #answer}. */
        void success(Node peer, List<Node> closer);

        void failure(Node peer);

        int inFlight();
    }

    static Driven of(PeerLookup<Node> lookup) {
        return new Driven() {
            @Override
            public LookupState<Node> next(long now) {
                return lookup.next(now);
            }

            @Override
            public OptionalLong nextTimer() {
                return lookup.nextTimerNanos();
            }

            @Override
            public void success(Node peer, List<Node> closer) {
                lookup.onSuccess(peer, closer);
            }

            @Override
            public void failure(Node peer) {
                lookup.onFailure(peer);
            }

            @Override
            public int inFlight() {
                return lookup.inFlight();
            }
        };
    }

    /** A virtual clock. */
    static final class Clock {
        long now = 1_000_000_000L;

        long get() {
            return now;
        }
    }

    record Outcome(int steps, FinishReason reason, int maxInFlightSeen, List<Node> requested) {
    }

    private record Event(long time, long seq, Node peer, List<Node> closer) {
    }

    /**
     * Drives {@code driven} to its end in virtual time: answers arrive after 5..50 ms, DEAD peers fail
     * after 5..50 ms, SILENT peers never answer, LATE ones answer after 1.5 peer timeouts.
     *
     * @param maxSteps  fails the test past this many loop iterations (termination bound)
     * @param onRequest called with every requested peer (before the answer is scheduled)
     */
    Outcome drive(Driven driven, Key target, Clock clock, int maxSteps, Consumer<Node> onRequest) {
        PriorityQueue<Event> queue = new PriorityQueue<>(
                (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
        long seq = 0;
        int steps = 0;
        int maxInFlight = 0;
        List<Node> requested = new ArrayList<>();
        while (true) {
            if (++steps > maxSteps) {
                throw new AssertionError("lookup did not finish within " + maxSteps + " steps");
            }
            LookupState<Node> state = driven.next(clock.now);
            maxInFlight = Math.max(maxInFlight, driven.inFlight());
            if (state instanceof LookupState.Finished<Node> f) {
                return new Outcome(steps, f.reason(), maxInFlight, requested);
            }
            if (state instanceof LookupState.Waiting<Node> w) {
                Node peer = w.peer();
                requested.add(peer);
                onRequest.accept(peer);
                long latency = (5 + random.nextInt(46)) * MS;
                List<Node> closer = answer(peer, target);
                Behaviour b = peer.id() < 0 ? Behaviour.DEAD : behaviour[peer.id()];
                if (b == Behaviour.LATE) {
                    latency = PEER_TIMEOUT * 3 / 2;
                }
                if (b != Behaviour.SILENT) {
                    queue.add(new Event(clock.now + latency, seq++, peer, closer));
                }
                continue;
            }
            // AtCapacity or Idle: advance virtual time to the next event or timer.
            OptionalLong timer = driven.nextTimer();
            Event ev = queue.peek();
            long t;
            if (ev == null && timer.isEmpty()) {
                throw new AssertionError("lookup waits but nothing can happen: " + state);
            } else if (ev == null) {
                t = timer.getAsLong();
            } else if (timer.isEmpty()) {
                t = ev.time;
            } else {
                t = Math.min(ev.time, timer.getAsLong());
            }
            clock.now = Math.max(clock.now, t);
            while (!queue.isEmpty() && queue.peek().time <= clock.now) {
                Event e = queue.poll();
                if (e.closer == null) {
                    driven.failure(e.peer);
                } else {
                    driven.success(e.peer, e.closer);
                }
            }
        }
    }
}
