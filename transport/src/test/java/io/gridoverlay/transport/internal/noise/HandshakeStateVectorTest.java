package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Noise_XX_25519_ChaChaPoly_SHA256 vector of the cacophony test suite (as shipped in
 * mcginty/snow tests/vectors/cacophony.txt), run against both crypto back ends.
 */
class HandshakeStateVectorTest {
    private static final HexFormat HEX = HexFormat.of();

    static final String PROLOGUE = "4a6f686e2047616c74";
    static final String INIT_STATIC = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
    static final String INIT_EPHEMERAL = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
    static final String RESP_STATIC = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
    static final String RESP_EPHEMERAL = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
    static final String HANDSHAKE_HASH = "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e";
    static final String[][] MESSAGES = {
        {"4c756477696720766f6e204d69736573",
            "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"},
        {"4d757272617920526f746862617264",
            "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e0"
                + "8d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f88"
                + "14c7194e83f23dbd8d162c9326ad"},
        {"462e20412e20486179656b",
            "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f"
                + "58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030"},
        {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
        {"4a65616e2d426170746973746520536179", "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
        {"457567656e2042f6686d20766f6e2042617765726b",
            "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"},
    };

    static Stream<NoiseCrypto> backends() {
        return Stream.of(NoiseCrypto.JDK, NoiseCrypto.BOUNCY_CASTLE);
    }

    static HandshakeState initiator(NoiseCrypto crypto) {
        return new HandshakeState(crypto, true, HEX.parseHex(PROLOGUE), HEX.parseHex(INIT_STATIC),
                HEX.parseHex(INIT_EPHEMERAL));
    }

    static HandshakeState responder(NoiseCrypto crypto) {
        return new HandshakeState(crypto, false, HEX.parseHex(PROLOGUE), HEX.parseHex(RESP_STATIC),
                HEX.parseHex(RESP_EPHEMERAL));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void handshakeAndTransportMessagesMatchTheVector(NoiseCrypto crypto) {
        HandshakeState init = initiator(crypto);
        HandshakeState resp = responder(crypto);
        for (int i = 0; i < 3; i++) {
            HandshakeState writer = i % 2 == 0 ? init : resp;
            HandshakeState reader = i % 2 == 0 ? resp : init;
            byte[] payload = HEX.parseHex(MESSAGES[i][0]);
            byte[] message = writer.writeMessage(payload);
            assertThat(HEX.formatHex(message)).as("message %d", i).isEqualTo(MESSAGES[i][1]);
            assertThat(reader.readMessage(message)).isEqualTo(payload);
        }
        assertThat(init.isComplete()).isTrue();
        assertThat(resp.isComplete()).isTrue();
        assertThat(HEX.formatHex(init.handshakeHash())).isEqualTo(HANDSHAKE_HASH);
        assertThat(HEX.formatHex(resp.handshakeHash())).isEqualTo(HANDSHAKE_HASH);
        assertThat(init.remoteStaticPublicKey()).isEqualTo(resp.localStaticPublicKey());
        assertThat(resp.remoteStaticPublicKey()).isEqualTo(init.localStaticPublicKey());

        CipherState[] ic = init.split();
        CipherState[] rc = resp.split();
        for (int i = 3; i < MESSAGES.length; i++) {
            // Messages keep alternating after the handshake: odd indices are the responder's.
            CipherState send = i % 2 == 0 ? ic[0] : rc[0];
            CipherState recv = i % 2 == 0 ? rc[1] : ic[1];
            byte[] payload = HEX.parseHex(MESSAGES[i][0]);
            byte[] ct = new byte[payload.length + CipherState.TAG_LENGTH];
            assertThat(send.encrypt(payload, 0, payload.length, ct, 0)).isEqualTo(ct.length);
            assertThat(HEX.formatHex(ct)).as("transport message %d", i).isEqualTo(MESSAGES[i][1]);
            byte[] pt = new byte[payload.length];
            assertThat(recv.decrypt(ct, 0, ct.length, pt, 0)).isEqualTo(payload.length);
            assertThat(pt).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void tamperedSecondMessageFailsWithHandshakeException(NoiseCrypto crypto) {
        HandshakeState init = initiator(crypto);
        HandshakeState resp = responder(crypto);
        resp.readMessage(init.writeMessage(new byte[0]));
        byte[] m2 = resp.writeMessage(new byte[] {1, 2, 3});
        m2[m2.length - 1] ^= 1;
        assertThatThrownBy(() -> init.readMessage(m2))
                .isInstanceOf(HandshakeException.class)
                .hasMessageContaining("payload failed authentication");
        assertThatThrownBy(() -> init.writeMessage(new byte[0])).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void truncatedMessagesAreRejected(NoiseCrypto crypto) {
        HandshakeState resp = responder(crypto);
        assertThatThrownBy(() -> resp.readMessage(new byte[31]))
                .isInstanceOf(HandshakeException.class)
                .hasMessageContaining("too short for the ephemeral key");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void lowOrderEphemeralKeyIsRejected(NoiseCrypto crypto) {
        HandshakeState init = initiator(crypto);
        HandshakeState resp = responder(crypto);
        resp.readMessage(new byte[32]); // remote ephemeral u = 0, a low-order point
        assertThatThrownBy(() -> resp.writeMessage(new byte[0])).isInstanceOf(HandshakeException.class);
        assertThat(init.isMyTurn()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void bothBackendsInteroperate(NoiseCrypto crypto) {
        NoiseCrypto other = crypto == NoiseCrypto.JDK ? NoiseCrypto.BOUNCY_CASTLE : NoiseCrypto.JDK;
        HandshakeState init = initiator(crypto);
        HandshakeState resp = responder(other);
        resp.readMessage(init.writeMessage(new byte[0]));
        init.readMessage(resp.writeMessage(new byte[0]));
        resp.readMessage(init.writeMessage(new byte[0]));
        assertThat(init.handshakeHash()).isEqualTo(resp.handshakeHash());
    }
}
