package io.gridoverlay.transport;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.PeerRecord;
import java.util.List;
import java.util.Optional;

/**
 * What a peer said about itself over {@code /ipfs/id/1.0.0}. The signed peer record, when present, was
 * verified (signature and peer id) before it got here.
 */
public record IdentifyInfo(PeerId peer, String protocolVersion, String agentVersion, List<Multiaddr> listenAddresses,
                           Optional<Multiaddr> observedAddress, List<String> protocols,
                           Optional<PeerRecord> signedPeerRecord) {
    public IdentifyInfo {
        listenAddresses = List.copyOf(listenAddresses);
        protocols = List.copyOf(protocols);
    }
}
