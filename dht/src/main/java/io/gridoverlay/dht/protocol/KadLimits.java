package io.gridoverlay.dht.protocol;

/**
 * Limits the Kad codec enforces before allocating or accepting anything. Immutable; build with
 * {@link #builder()}.
 *
 * @param maxMessageSize       largest frame payload (go-libp2p-kad-dht: 4 MiB)
 * @param maxKeyLength         largest key of PUT_VALUE, GET_VALUE, FIND_NODE and of a record
 * @param maxProviderKeyLength largest key of ADD_PROVIDER and GET_PROVIDERS (go: 80 bytes)
 * @param maxValueLength       largest record value (default fits the largest core deployment envelope)
 * @param maxPeersPerList      peers kept from closerPeers and from providerPeers each; more are dropped
 * @param maxAddressesPerPeer  addresses kept per peer; more are dropped
 */
public record KadLimits(int maxMessageSize, int maxKeyLength, int maxProviderKeyLength, int maxValueLength,
                        int maxPeersPerList, int maxAddressesPerPeer) {
    /** go-libp2p's {@code network.MessageSizeMax}. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 << 20;
    public static final int DEFAULT_MAX_KEY_LENGTH = 1024;
    public static final int DEFAULT_MAX_PROVIDER_KEY_LENGTH = 80;
    public static final int DEFAULT_MAX_VALUE_LENGTH = 512 * 1024;
    public static final int DEFAULT_MAX_PEERS_PER_LIST = 100;
    public static final int DEFAULT_MAX_ADDRESSES_PER_PEER = 32;
    /** Longest {@code timeReceived} text accepted (an RFC 3339 time with nanoseconds is 35 characters). */
    public static final int MAX_TIME_RECEIVED_LENGTH = 64;

    public KadLimits {
        positive(maxMessageSize, "maxMessageSize");
        positive(maxKeyLength, "maxKeyLength");
        positive(maxProviderKeyLength, "maxProviderKeyLength");
        positive(maxValueLength, "maxValueLength");
        positive(maxPeersPerList, "maxPeersPerList");
        positive(maxAddressesPerPeer, "maxAddressesPerPeer");
    }

    private static void positive(int v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    /** The defaults listed above. */
    public static KadLimits defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link KadLimits}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private int maxKeyLength = DEFAULT_MAX_KEY_LENGTH;
        private int maxProviderKeyLength = DEFAULT_MAX_PROVIDER_KEY_LENGTH;
        private int maxValueLength = DEFAULT_MAX_VALUE_LENGTH;
        private int maxPeersPerList = DEFAULT_MAX_PEERS_PER_LIST;
        private int maxAddressesPerPeer = DEFAULT_MAX_ADDRESSES_PER_PEER;

        private Builder() {
        }

        public Builder maxMessageSize(int v) {
            this.maxMessageSize = v;
            return this;
        }

        public Builder maxKeyLength(int v) {
            this.maxKeyLength = v;
            return this;
        }

        public Builder maxProviderKeyLength(int v) {
            this.maxProviderKeyLength = v;
            return this;
        }

        public Builder maxValueLength(int v) {
            this.maxValueLength = v;
            return this;
        }

        public Builder maxPeersPerList(int v) {
            this.maxPeersPerList = v;
            return this;
        }

        public Builder maxAddressesPerPeer(int v) {
            this.maxAddressesPerPeer = v;
            return this;
        }

        public KadLimits build() {
            return new KadLimits(maxMessageSize, maxKeyLength, maxProviderKeyLength, maxValueLength,
                    maxPeersPerList, maxAddressesPerPeer);
        }
    }
}
