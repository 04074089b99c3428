package io.gridoverlay.transport.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;
import org.junit.jupiter.api.Test;

/** The selection rule of early muxer negotiation: the first of the initiator's muxers the responder lists. */
class EarlyMuxerNegotiationTest {
    private static final String YAMUX = "/yamux/1.0.0";
    private static final String MPLEX = "/mplex/6.7.0";

    @Test
    void theInitiatorsPreferenceWinsAsInTheSpecExample() {
        // spec: client prefers yamux, server prefers mplex -> yamux
        List<String> initiator = List.of(YAMUX, MPLEX);
        List<String> responder = List.of(MPLEX, YAMUX);
        assertThat(EarlyMuxerNegotiation.select(initiator, responder)).contains(YAMUX);
        // both sides reach the same answer from their own view
        assertThat(EarlyMuxerNegotiation.select(initiator, responder, true)).contains(YAMUX);
        assertThat(EarlyMuxerNegotiation.select(responder, initiator, false)).contains(YAMUX);
    }

    @Test
    void anEmptyListOnEitherSideFallsBackToMultistream() {
        assertThat(EarlyMuxerNegotiation.select(List.of(), List.of(YAMUX))).isEmpty();
        assertThat(EarlyMuxerNegotiation.select(List.of(YAMUX), List.of())).isEmpty();
        assertThat(EarlyMuxerNegotiation.select(List.of(), List.of())).isEmpty();
    }

    @Test
    void disjointListsFailTheHandshake() {
        assertThatThrownBy(() -> EarlyMuxerNegotiation.select(List.of(MPLEX), List.of(YAMUX)))
                .isInstanceOf(HandshakeException.class)
                .hasMessageContaining(MPLEX).hasMessageContaining(YAMUX);
    }

    @Property(tries = 300)
    void choiceIsTheFirstInitiatorMuxerTheResponderSupportsAndBothViewsAgree(
            @ForAll @Size(max = 4) @UniqueElements List<@StringLength(min = 1, max = 2) String> initiator,
            @ForAll @Size(max = 4) @UniqueElements List<@StringLength(min = 1, max = 2) String> responder) {
        Optional<String> expected = initiator.stream().filter(responder::contains).findFirst();
        boolean fallBack = initiator.isEmpty() || responder.isEmpty();
        if (!fallBack && expected.isEmpty()) {
            assertThatThrownBy(() -> EarlyMuxerNegotiation.select(initiator, responder))
                    .isInstanceOf(HandshakeException.class);
            return;
        }
        Optional<String> chosen = EarlyMuxerNegotiation.select(initiator, responder, true);
        assertThat(chosen).isEqualTo(fallBack ? Optional.empty() : expected);
        assertThat(EarlyMuxerNegotiation.select(responder, initiator, false)).isEqualTo(chosen);
    }
}
