package io.gridoverlay.dht.protocol;

import io.gridoverlay.core.identity.PeerId;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The port between the DHT logic and the network: send one Kad request to a peer and get its answer, and
 * receive requests through one {@link KadRequestHandler}. Implemented over libp2p streams by
 * {@code io.gridoverlay.dht.internal.net.TransportKadNetwork} and by the simulator over an event queue.
 *
 * <p>Implementations are thread-safe; {@link #send} never blocks.
 */
public interface KadNetwork {

    /**
     * Sends {@code request} to {@code peer} (dialled at {@code peer.addresses()} or at addresses already
     * known) and completes with its response within {@code timeout}. For a request that
     * {@linkplain KadRequest#expectsResponse() expects no response} (ADD_PROVIDER) it completes with
     * {@link KadResponse#empty} once the request was written.
     *
     * <p>Fails with a {@link KadNetworkException} only.
     */
    CompletableFuture<KadResponse> send(PeerInfo peer, KadRequest request, Duration timeout);

    /**
     * Serves inbound requests with {@code handler} (server mode); {@code null} stops serving. A network in
     * client mode does not accept inbound requests and ignores the handler.
     */
    void setRequestHandler(KadRequestHandler handler);

    /** The local peer. */
    PeerId self();
}
