package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;

import static io.gridoverlay.testing.Generators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The selection rule of early muxer negotiation: the first of the initiator's muxers the responder lists. */
class EarlyMuxerNegotiationTest {
    /** Up to four distinct muxer ids of one or two chars. */
    private static Gen<List<String>> muxerLists() {
        return lists().of(strings(1, 2)).ofSizeBetween(0, 4).map(l -> l.stream().distinct().toList());
    }

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

    @Test
    void choiceIsTheFirstInitiatorMuxerTheResponderSupportsAndBothViewsAgree() {
        qt().withFixedSeed(0xEA01L).withExamples(300).forAll(muxerLists(), muxerLists())
                .checkAssert((initiator, responder) -> {
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
        });
    }
}
