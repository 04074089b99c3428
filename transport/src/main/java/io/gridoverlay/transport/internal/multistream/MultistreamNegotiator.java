package io.gridoverlay.transport.internal.multistream;

import io.gridoverlay.transport.multistream.ProtocolNegotiationException;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Sans-I/O state machine of multistream-select 1.0 for one side of one negotiation.
 *
 * <p>The driver sends the messages returned by {@link #start()}, then feeds every received message
 * text to {@link #onMessage(String)} and sends what it returns, until {@link #selectedProtocol()} is
 * present. Any violation throws {@link ProtocolNegotiationException}, after which the negotiator is
 * {@linkplain #isFailed() failed} and rejects further input.
 *
 * <pre>
 * initiator                              responder
 *   /multistream/1.0.0, proposal[0] -->
 *                                    &lt;-- /multistream/1.0.0
 *                                    &lt;-- proposal[0] (agreed)  or  na
 *   proposal[1] ...                  -->   (after na, until the list is exhausted)
 * </pre>
 *
 * <p>The initiator pipelines its first proposal after the header, as go- and rust-libp2p do. Each
 * method is O(1) apart from the copy of the protocol lists at construction. Not thread-safe: one
 * negotiator belongs to one channel's event loop.
 */
public final class MultistreamNegotiator {
    /** Default bound on the proposals a responder answers with {@code na} before giving up. */
    public static final int DEFAULT_MAX_REJECTED_PROPOSALS = 32;

    private enum State { NEW, AWAIT_HEADER, AWAIT_RESPONSE, AWAIT_PROPOSAL, DONE, FAILED }

    private final boolean initiator;
    private final List<String> proposals;
    private final Set<String> supported;
    private final int maxRejectedProposals;
    private State state = State.NEW;
    private int proposalIndex;
    private int rejected;
    private String selected;

    private MultistreamNegotiator(boolean initiator, List<String> proposals, Set<String> supported,
            int maxRejectedProposals) {
        this.initiator = initiator;
        this.proposals = proposals;
        this.supported = supported;
        this.maxRejectedProposals = maxRejectedProposals;
    }

    /**
     * An initiator that proposes {@code protocols} in order, moving to the next on {@code na}.
     *
     * @throws IllegalArgumentException if the list is empty or holds an invalid protocol id
     */
    public static MultistreamNegotiator initiator(List<String> protocols) {
        List<String> copy = List.copyOf(protocols);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("an initiator needs at least one protocol to propose");
        }
        copy.forEach(MultistreamNegotiator::checkProtocolId);
        return new MultistreamNegotiator(true, copy, Set.of(), 0);
    }

    /** A responder that accepts any protocol in {@code protocols}, with the default rejection bound. */
    public static MultistreamNegotiator responder(Collection<String> protocols) {
        return responder(protocols, DEFAULT_MAX_REJECTED_PROPOSALS);
    }

    /**
     * A responder that accepts any protocol in {@code protocols} and fails after answering
     * {@code maxRejectedProposals} proposals with {@code na}.
     */
    public static MultistreamNegotiator responder(Collection<String> protocols, int maxRejectedProposals) {
        Set<String> copy = Set.copyOf(protocols);
        copy.forEach(MultistreamNegotiator::checkProtocolId);
        if (maxRejectedProposals < 0) {
            throw new IllegalArgumentException("maxRejectedProposals must be >= 0, got " + maxRejectedProposals);
        }
        return new MultistreamNegotiator(false, List.of(), copy, maxRejectedProposals);
    }

    /** Whether this is the initiator (dialer) side. */
    public boolean isInitiator() {
        return initiator;
    }

    /**
     * Starts the negotiation and returns the messages to send now.
     *
     * @throws IllegalStateException if already started
     */
    public List<String> start() {
        if (state != State.NEW) {
            throw new IllegalStateException("negotiation already started (state " + state + ")");
        }
        state = State.AWAIT_HEADER;
        if (initiator) {
            return List.of(MultistreamFrames.PROTOCOL_ID, proposals.get(0));
        }
        return List.of(MultistreamFrames.PROTOCOL_ID);
    }

    /**
     * Consumes one received message (text without newline) and returns the messages to send in reply.
     *
     * @throws ProtocolNegotiationException if the message violates the protocol or ends the negotiation
     *     without agreement
     * @throws IllegalStateException if not started, already agreed or already failed
     */
    public List<String> onMessage(String message) {
        Objects.requireNonNull(message, "message");
        switch (state) {
            case NEW:
                throw new IllegalStateException("negotiation not started");
            case DONE:
                throw new IllegalStateException("negotiation already agreed on " + selected);
            case FAILED:
                throw new IllegalStateException("negotiation already failed");
            case AWAIT_HEADER:
                if (!MultistreamFrames.PROTOCOL_ID.equals(message)) {
                    throw fail("expected header " + MultistreamFrames.PROTOCOL_ID + " but received '"
                            + printable(message) + "'");
                }
                state = initiator ? State.AWAIT_RESPONSE : State.AWAIT_PROPOSAL;
                return List.of();
            case AWAIT_RESPONSE:
                return onResponse(message);
            case AWAIT_PROPOSAL:
                return onProposal(message);
            default:
                throw new AssertionError(state);
        }
    }

    private List<String> onResponse(String message) {
        String proposed = proposals.get(proposalIndex);
        if (message.equals(proposed)) {
            selected = proposed;
            state = State.DONE;
            return List.of();
        }
        if (!MultistreamFrames.NA.equals(message)) {
            throw fail("proposed " + proposed + " but the responder answered '" + printable(message) + "'");
        }
        proposalIndex++;
        if (proposalIndex >= proposals.size()) {
            throw fail("the responder supports none of the proposed protocols " + proposals);
        }
        return List.of(proposals.get(proposalIndex));
    }

    private List<String> onProposal(String message) {
        if (supported.contains(message)) {
            selected = message;
            state = State.DONE;
            return List.of(message);
        }
        rejected++;
        if (rejected > maxRejectedProposals) {
            throw fail("rejected more than " + maxRejectedProposals + " proposals; last was '"
                    + printable(message) + "'");
        }
        return List.of(MultistreamFrames.NA);
    }

    /** The agreed protocol once the negotiation succeeded. */
    public Optional<String> selectedProtocol() {
        return Optional.ofNullable(selected);
    }

    /** Whether the negotiation agreed on a protocol. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /** Whether the negotiation failed. */
    public boolean isFailed() {
        return state == State.FAILED;
    }

    /** The protocols an initiator proposes, in order (empty for a responder). */
    public List<String> proposals() {
        return proposals;
    }

    private ProtocolNegotiationException fail(String message) {
        state = State.FAILED;
        return new ProtocolNegotiationException((initiator ? "initiator: " : "responder: ") + message);
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            b.append(c < 0x20 || c == 0x7F ? '?' : c);
        }
        return b.toString();
    }

    private static void checkProtocolId(String id) {
        Objects.requireNonNull(id, "protocol id");
        if (id.isEmpty() || id.indexOf('\n') >= 0 || MultistreamFrames.NA.equals(id)
                || MultistreamFrames.PROTOCOL_ID.equals(id)) {
            throw new IllegalArgumentException("invalid protocol id '" + id + "'");
        }
    }

}
