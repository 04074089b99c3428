package io.gridoverlay.dht.protocol;

/**
 * Answers Kad requests received from other peers (server mode). Called by a {@link KadNetwork} on its
 * threads, possibly concurrently: implementations must be thread-safe and must not block.
 */
@FunctionalInterface
public interface KadRequestHandler {

    /**
     * The answer to {@code request} from {@code from} (its authenticated peer id and the address it is
     * connected from). For ADD_PROVIDER the answer is computed but not sent.
     *
     * @throws KadRequestRejectedException to refuse the request; the network then aborts the exchange
     *     (go-libp2p-kad-dht resets the stream)
     */
    KadResponse handle(PeerInfo from, KadRequest request);
}
