package io.gridoverlay.dht.sim;

import io.gridoverlay.dht.protocol.KadRequest;
import io.gridoverlay.dht.protocol.KadResponse;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.routing.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Adversarial request behaviour shared by a set of colluding nodes. Except for {@link Kind#SYBIL} the
 * adversaries are DHT servers with honest (random) identities; they differ only in how they answer:
 *
 * <ul>
 *   <li>{@link Kind#ECLIPSE}: FIND_NODE, GET_VALUE and GET_PROVIDERS are answered with the k colluders
 *       closest to the key (never a record or a provider), steering lookups into the adversary set; stores
 *       (PUT_VALUE, ADD_PROVIDER) are acknowledged and discarded.</li>
 *   <li>{@link Kind#DROP}: every request is dropped (the caller times out).</li>
 *   <li>{@link Kind#GARBAGE}: peer-returning requests get either no peers or k random nodes of the whole
 *       network (irrelevant to the key), by a coin flip; stores are acknowledged and discarded.</li>
 *   <li>{@link Kind#SYBIL}: identities ground (by the simulator) to lie closer to one target key than
 *       every honest node; requests for exactly that key are answered as {@link Kind#ECLIPSE} does, every
 *       other request honestly (so the Sybils stay in routing tables and look healthy).</li>
 * </ul>
 *
 * <p>Not thread-safe (simulator thread). Eclipse answers cost O(a·k) for a colluders.
 */
public final class Adversary {

    /** Adversary behaviour. */
    public enum Kind {
        NONE, ECLIPSE, DROP, GARBAGE, SYBIL;

        /** Parses a kind name, case-insensitively. */
        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("adversary '" + s + "' is not one of none, eclipse, drop, garbage, sybil", e);
            }
        }
    }

    private final Kind kind;
    private final PeerInfo[] colluders;
    private final GroundTruth colluderKeys;
    private final PeerInfo[] everyone;
    private final int k;
    private final SplittableRandom random;
    private byte[] sybilTarget = new byte[0];

    /** Sets the key that {@link Kind#SYBIL} nodes eclipse (the raw request key, e.g. a record key). */
    public Adversary sybilTarget(byte[] key) {
        this.sybilTarget = key.clone();
        return this;
    }

    /**
     * @param colluders the adversary nodes (with their addresses)
     * @param keys      their Kademlia keys, same order
     * @param everyone  all nodes, for garbage answers
     */
    public Adversary(Kind kind, List<PeerInfo> colluders, List<Key> keys, List<PeerInfo> everyone, int k, long seed) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.colluders = colluders.toArray(PeerInfo[]::new);
        this.colluderKeys = new GroundTruth(keys.toArray(Key[]::new));
        this.everyone = everyone.toArray(PeerInfo[]::new);
        this.k = k;
        this.random = new SplittableRandom(seed);
    }

    public Kind kind() {
        return kind;
    }

    /** The behaviour of one adversary node. */
    public SimulatedNetwork.RequestBehaviour behaviour() {
        switch (kind) {
            case ECLIPSE:
                return (from, request, handler) -> lie(request, colludersClosestTo(request.key()));
            case DROP:
                return (from, request, handler) -> null;
            case SYBIL:
                return (from, request, handler) -> java.util.Arrays.equals(request.key(), sybilTarget)
                        ? lie(request, colludersClosestTo(request.key())) : handler.handle(from, request);
            case GARBAGE:
                return (from, request, handler) -> lie(request, random.nextBoolean() ? List.of() : randomPeers());
            default:
                return SimulatedNetwork.RequestBehaviour.HONEST;
        }
    }

    private KadResponse lie(KadRequest request, List<PeerInfo> peers) {
        byte[] key = request.key();
        if (request instanceof KadRequest.FindNode) {
            return KadResponse.findNode(key, peers);
        } else if (request instanceof KadRequest.GetValue) {
            return KadResponse.getValue(key, Optional.empty(), peers);
        } else if (request instanceof KadRequest.GetProviders) {
            return KadResponse.getProviders(key, List.of(), peers);
        } else if (request instanceof KadRequest.PutValue p) {
            return KadResponse.putValue(p.record());
        } else if (request instanceof KadRequest.Ping) {
            return KadResponse.ping();
        }
        return KadResponse.empty(request.type(), key);
    }

    private List<PeerInfo> colludersClosestTo(byte[] key) {
        int[] idx = colluderKeys.closest(Key.sha256(key), k, i -> true);
        List<PeerInfo> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(colluders[i]);
        }
        return out;
    }

    private List<PeerInfo> randomPeers() {
        List<PeerInfo> out = new ArrayList<>(k);
        for (int i = 0; i < k && everyone.length > 0; i++) {
            out.add(everyone[random.nextInt(everyone.length)]);
        }
        return out;
    }
}
