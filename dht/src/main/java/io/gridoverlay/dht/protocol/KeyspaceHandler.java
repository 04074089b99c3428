package io.gridoverlay.dht.protocol;

import java.util.Optional;

/**
 * A namespace of keys ({@code /<namespace>/...}) whose PUT_VALUE and GET_VALUE requests a server answers
 * with its own store instead of the record store: for values that are not "one best record per key", such
 * as the capacity index, where one key holds many entries, each written by the node it names. The wire
 * messages stay the libp2p Kad ones; only what a key of this namespace means changes, so a keyspace is
 * served on a private protocol id (e.g. {@code /grid/kad/1.0.0}), never on the public IPFS DHT.
 *
 * <p>Implementations are thread-safe (requests arrive concurrently), bound what any sender can make them
 * hold, and never block.
 */
public interface KeyspaceHandler {

    /** The namespace served, without slashes (keys start with {@code /namespace/}). */
    String namespace();

    /**
     * Handles a PUT_VALUE from {@code from} (its authenticated peer id); returns the record to send back
     * (the libp2p echo, or one whose value tells the writer the outcome).
     *
     * @throws KadRequestRejectedException to refuse it (the exchange is aborted)
     */
    KadRecord put(PeerInfo from, KadRecord record);

    /** The value to answer a GET_VALUE of {@code key} with, if any. */
    Optional<KadRecord> get(PeerInfo from, byte[] key);

    /** Whether {@code key} is in the namespace {@code namespace}. */
    static boolean inNamespace(byte[] key, String namespace) {
        int n = namespace.length();
        if (key.length < n + 2 || key[0] != '/' || key[n + 1] != '/') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (key[i + 1] != namespace.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
