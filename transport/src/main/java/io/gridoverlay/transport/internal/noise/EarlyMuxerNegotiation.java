package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;

import java.util.List;
import java.util.Optional;

/**
 * The muxer choice of libp2p's early muxer negotiation (libp2p/specs {@code connections/inlined-muxer-negotiation.md}):
 * the responder lists its muxers in Noise message 2, the initiator in message 3 (field
 * {@code NoiseExtensions.stream_muxers}), and the muxer is the first of the <em>initiator's</em> list that
 * the responder also lists. If either side lists none, nothing is agreed and the muxer is negotiated with
 * multistream-select after the handshake, as before; if both list muxers but share none, the handshake
 * fails (the spec's MUST, as js-libp2p does).
 *
 * <p>Stateless and thread-safe; O(n·m) in the list lengths (both at most
 * {@link NoisePayload#MAX_EXTENSION_ENTRIES}).
 */
public final class EarlyMuxerNegotiation {
    private EarlyMuxerNegotiation() {}

    /**
     * The agreed muxer, or empty to fall back to multistream-select.
     *
     * @param initiatorMuxers the dialer's list, in its order of preference
     * @param responderMuxers the listener's list
     * @throws HandshakeException if both lists are non-empty and disjoint
     */
    public static Optional<String> select(List<String> initiatorMuxers, List<String> responderMuxers) {
        if (initiatorMuxers.isEmpty() || responderMuxers.isEmpty()) {
            return Optional.empty();
        }
        for (String m : initiatorMuxers) {
            if (responderMuxers.contains(m)) {
                return Optional.of(m);
            }
        }
        throw new HandshakeException("early muxer negotiation: no common stream muxer between the initiator's "
                + initiatorMuxers + " and the responder's " + responderMuxers);
    }

    /** {@link #select} from one side's view: {@code local} is ours, {@code initiator} whether we dialled. */
    public static Optional<String> select(List<String> local, List<String> remote, boolean initiator) {
        return initiator ? select(local, remote) : select(remote, local);
    }
}
