package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.HandshakeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.transport.internal.noise.TestIdentities.Ed25519Identity;
import io.gridoverlay.transport.internal.noise.TestIdentities.Ed25519Verifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseHandshakeTest {
    private final Ed25519Identity alice = new Ed25519Identity();
    private final Ed25519Identity bob = new Ed25519Identity();

    private static void run(NoiseHandshake init, NoiseHandshake resp) {
        resp.readMessage(init.writeMessage());
        init.readMessage(resp.writeMessage());
        resp.readMessage(init.writeMessage());
    }

    @Test
    void handshakeAuthenticatesBothSidesAndExchangesMuxers() {
        NoiseConfig a = TestIdentities.config(alice, "/yamux/1.0.0");
        NoiseConfig b = TestIdentities.config(bob, "/yamux/1.0.0", "/mplex/6.7.0");
        NoiseHandshake init = NoiseHandshake.initiator(a, bob.encodedPublicKey());
        NoiseHandshake resp = NoiseHandshake.responder(b);
        assertThat(init.isMyTurn()).isTrue();
        assertThat(resp.isMyTurn()).isFalse();
        run(init, resp);

        NoiseHandshakeResult ir = init.session().result();
        NoiseHandshakeResult rr = resp.session().result();
        assertThat(ir.remoteIdentityKey()).isEqualTo(bob.encodedPublicKey());
        assertThat(rr.remoteIdentityKey()).isEqualTo(alice.encodedPublicKey());
        assertThat(ir.remoteStaticKey()).isEqualTo(b.staticKey().publicKey());
        assertThat(rr.remoteStaticKey()).isEqualTo(a.staticKey().publicKey());
        assertThat(ir.remoteStreamMuxers()).containsExactly("/yamux/1.0.0", "/mplex/6.7.0");
        assertThat(rr.remoteStreamMuxers()).containsExactly("/yamux/1.0.0");
        assertThat(ir.handshakeHash()).isEqualTo(rr.handshakeHash());
        assertThat(ir.initiator()).isTrue();
        assertThat(rr.initiator()).isFalse();

        byte[] msg = "hello".getBytes();
        byte[] ct = new byte[msg.length + 16];
        init.session().encryptor().encrypt(msg, 0, msg.length, ct, 0);
        byte[] pt = new byte[msg.length];
        resp.session().decryptor().decrypt(ct, 0, ct.length, pt, 0);
        assertThat(pt).isEqualTo(msg);
    }

    @Test
    void wrongExpectedIdentityFailsTheDialer() {
        NoiseHandshake init = NoiseHandshake.initiator(TestIdentities.config(alice),
                new Ed25519Identity().encodedPublicKey());
        NoiseHandshake resp = NoiseHandshake.responder(TestIdentities.config(bob));
        resp.readMessage(init.writeMessage());
        byte[] m2 = resp.writeMessage();
        assertThatThrownBy(() -> init.readMessage(m2))
                .isInstanceOf(HandshakeException.class)
                .hasMessageContaining("does not match the expected identity");
        assertThat(init.isComplete()).isFalse();
    }

    @Test
    void signatureOverAnotherStaticKeyIsRejected() {
        NoiseIdentity lying = new NoiseIdentity() {
            @Override
            public byte[] encodedPublicKey() {
                return bob.encodedPublicKey();
            }

            @Override
            public byte[] sign(byte[] data) {
                byte[] other = data.clone();
                other[other.length - 1] ^= 1; // signs a different static key
                return bob.sign(other);
            }
        };
        NoiseConfig liar = NoiseConfig.builder().identity(lying).verifier(new Ed25519Verifier()).build();
        NoiseHandshake init = NoiseHandshake.initiator(TestIdentities.config(alice));
        NoiseHandshake resp = NoiseHandshake.responder(liar);
        resp.readMessage(init.writeMessage());
        byte[] m2 = resp.writeMessage();
        assertThatThrownBy(() -> init.readMessage(m2))
                .isInstanceOf(HandshakeException.class)
                .hasMessageContaining("signature does not verify");
    }

    @Test
    void identityOfAnotherPeerIsRejected() {
        // Bob presents Alice's public key but can only sign with his own private key.
        NoiseIdentity impostor = new NoiseIdentity() {
            @Override
            public byte[] encodedPublicKey() {
                return alice.encodedPublicKey();
            }

            @Override
            public byte[] sign(byte[] data) {
                return bob.sign(data);
            }
        };
        NoiseHandshake init = NoiseHandshake.initiator(
                NoiseConfig.builder().identity(impostor).verifier(new Ed25519Verifier()).build());
        NoiseHandshake resp = NoiseHandshake.responder(TestIdentities.config(bob));
        resp.readMessage(init.writeMessage());
        init.readMessage(resp.writeMessage());
        byte[] m3 = init.writeMessage();
        assertThatThrownBy(() -> resp.readMessage(m3)).isInstanceOf(HandshakeException.class);
        assertThatThrownBy(resp::session).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void payloadRoundTripsAndRejectsMissingFields() {
        NoisePayload p = new NoisePayload(new byte[] {1, 2}, new byte[] {3}, List.of("/yamux/1.0.0"),
                List.of(new byte[] {9}));
        NoisePayload back = NoisePayload.decode(p.encode());
        assertThat(back.identityKey()).containsExactly(1, 2);
        assertThat(back.identitySignature()).containsExactly(3);
        assertThat(back.streamMuxers()).containsExactly("/yamux/1.0.0");
        assertThat(back.webtransportCerthashes()).singleElement().isEqualTo(new byte[] {9});
        assertThatThrownBy(() -> NoisePayload.decode(new byte[0]))
                .isInstanceOf(HandshakeException.class).hasMessageContaining("no identity_key");
        assertThatThrownBy(() -> NoisePayload.decode(new byte[] {0x0a, 0x05, 1}))
                .isInstanceOf(HandshakeException.class).hasMessageContaining("not a valid");
    }

    @Test
    void writingOutOfTurnIsAnError() {
        NoiseHandshake resp = NoiseHandshake.responder(TestIdentities.config(bob));
        assertThatThrownBy(resp::writeMessage).isInstanceOf(IllegalStateException.class);
    }
}
