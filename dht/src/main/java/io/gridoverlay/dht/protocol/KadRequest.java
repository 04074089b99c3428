package io.gridoverlay.dht.protocol;

import io.gridoverlay.core.identity.PeerId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A Kad request: one of the six libp2p Kad message types, as sent by a client. Immutable; key arrays are
 * copied in and out. The response to a request carries the same {@link #type()}.
 *
 * <p>{@link AddProvider} is fire-and-forget on the wire (go-libp2p-kad-dht writes no response), see
 * {@link #expectsResponse()}.
 */
public sealed interface KadRequest permits KadRequest.FindNode, KadRequest.GetValue, KadRequest.PutValue,
        KadRequest.GetProviders, KadRequest.AddProvider, KadRequest.Ping {

    /** The message type. */
    MessageType type();

    /** The key of the message (a copy; empty for PING). */
    byte[] key();

    /** Whether the remote answers with a message; false only for ADD_PROVIDER. */
    default boolean expectsResponse() {
        return true;
    }

    /** FIND_NODE: the peers closest to {@code key} (normally a peer id's bytes). */
    record FindNode(byte[] key) implements KadRequest {
        public FindNode {
            key = key.clone();
        }

        /** FIND_NODE for the peer id {@code target}. */
        public static FindNode of(PeerId target) {
            return new FindNode(target.toBytes());
        }

        @Override
        public MessageType type() {
            return MessageType.FIND_NODE;
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FindNode r && Arrays.equals(key, r.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "FindNode[" + KadTexts.key(key) + "]";
        }
    }

    /** GET_VALUE: the record under {@code key}, with closer peers. */
    record GetValue(byte[] key) implements KadRequest {
        public GetValue {
            key = key.clone();
        }

        @Override
        public MessageType type() {
            return MessageType.GET_VALUE;
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GetValue r && Arrays.equals(key, r.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "GetValue[" + KadTexts.key(key) + "]";
        }
    }

    /** PUT_VALUE: store {@code record}; the message key is the record's key. The response echoes the request. */
    record PutValue(KadRecord record) implements KadRequest {
        public PutValue {
            Objects.requireNonNull(record, "record");
        }

        @Override
        public MessageType type() {
            return MessageType.PUT_VALUE;
        }

        @Override
        public byte[] key() {
            return record.key();
        }
    }

    /** GET_PROVIDERS: the providers of {@code key}, with closer peers. */
    record GetProviders(byte[] key) implements KadRequest {
        public GetProviders {
            key = key.clone();
        }

        @Override
        public MessageType type() {
            return MessageType.GET_PROVIDERS;
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GetProviders r && Arrays.equals(key, r.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "GetProviders[" + KadTexts.key(key) + "]";
        }
    }

    /**
     * ADD_PROVIDER: {@code providers} provide {@code key}. Receivers keep only the entry of the sender itself
     * (with at least one address), so a client lists itself.
     */
    record AddProvider(byte[] key, List<PeerInfo> providers) implements KadRequest {
        public AddProvider {
            key = key.clone();
            providers = List.copyOf(providers);
        }

        @Override
        public MessageType type() {
            return MessageType.ADD_PROVIDER;
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public boolean expectsResponse() {
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AddProvider r && Arrays.equals(key, r.key) && providers.equals(r.providers);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + providers.hashCode();
        }

        @Override
        public String toString() {
            return "AddProvider[" + KadTexts.key(key) + ", " + providers + "]";
        }
    }

    /** PING (deprecated in libp2p, still answered): the response echoes the request. */
    record Ping() implements KadRequest {
        @Override
        public MessageType type() {
            return MessageType.PING;
        }

        @Override
        public byte[] key() {
            return new byte[0];
        }
    }
}
