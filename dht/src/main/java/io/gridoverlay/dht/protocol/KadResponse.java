package io.gridoverlay.dht.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kad response: the type and key of its request, and whatever the type carries — closer peers (FIND_NODE,
 * GET_VALUE, GET_PROVIDERS), a record (GET_VALUE, and the echo of PUT_VALUE), providers (GET_PROVIDERS).
 * Immutable. A decoded response holds only the peers that passed validation (see {@link KadCodec}).
 *
 * @param type        the request's type
 * @param key         the request's key (copied in and out)
 * @param record      the record, if any
 * @param closerPeers peers closer to the key, as sent (usually closest first)
 * @param providers   providers of the key
 */
public record KadResponse(MessageType type, byte[] key, Optional<KadRecord> record, List<PeerInfo> closerPeers,
                          List<PeerInfo> providers) {
    public KadResponse {
        Objects.requireNonNull(type, "type");
        key = key.clone();
        Objects.requireNonNull(record, "record");
        closerPeers = List.copyOf(closerPeers);
        providers = List.copyOf(providers);
    }

    /** The answer to FIND_NODE. */
    public static KadResponse findNode(byte[] key, List<PeerInfo> closerPeers) {
        return new KadResponse(MessageType.FIND_NODE, key, Optional.empty(), closerPeers, List.of());
    }

    /** The answer to GET_VALUE. */
    public static KadResponse getValue(byte[] key, Optional<KadRecord> record, List<PeerInfo> closerPeers) {
        return new KadResponse(MessageType.GET_VALUE, key, record, closerPeers, List.of());
    }

    /** The answer to GET_PROVIDERS. */
    public static KadResponse getProviders(byte[] key, List<PeerInfo> providers, List<PeerInfo> closerPeers) {
        return new KadResponse(MessageType.GET_PROVIDERS, key, Optional.empty(), closerPeers, providers);
    }

    /** The answer to PUT_VALUE: the request echoed. */
    public static KadResponse putValue(KadRecord stored) {
        return new KadResponse(MessageType.PUT_VALUE, stored.keyArray(), Optional.of(stored), List.of(), List.of());
    }

    /** The answer to PING. */
    public static KadResponse ping() {
        return new KadResponse(MessageType.PING, new byte[0], Optional.empty(), List.of(), List.of());
    }

    /** An empty answer of {@code type} (what a server computes for ADD_PROVIDER, which is not sent). */
    public static KadResponse empty(MessageType type, byte[] key) {
        return new KadResponse(type, key, Optional.empty(), List.of(), List.of());
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    byte[] keyArray() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadResponse r && type == r.type && Arrays.equals(key, r.key) && record.equals(r.record)
                && closerPeers.equals(r.closerPeers) && providers.equals(r.providers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(key), record, closerPeers, providers);
    }

    @Override
    public String toString() {
        return "KadResponse[" + type + " " + KadTexts.key(key) + record.map(r -> ", " + r).orElse("")
                + ", closerPeers=" + closerPeers.size() + ", providers=" + providers.size() + "]";
    }
}
