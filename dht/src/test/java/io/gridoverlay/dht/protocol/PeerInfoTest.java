package io.gridoverlay.dht.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.KademliaDht;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerInfoTest {
    private static PeerId id(int seed) {
        byte[] s = new byte[Ed25519.SEED_LENGTH];
        s[0] = (byte) seed;
        return Ed25519.fromSeed(s).publicKey().peerId();
    }

    @Test
    void theKeyIsTheSha256OfTheIdComputedOnce() {
        PeerInfo p = PeerInfo.of(id(1));
        assertThat(p.key()).isEqualTo(KademliaDht.keyOf(id(1)));
        assertThat(p.key()).isSameAs(p.key());
    }

    @Test
    void valueSemanticsByIdAndAddressesWithADefensiveCopy() {
        List<Multiaddr> addrs = new ArrayList<>(List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/4001")));
        PeerInfo a = new PeerInfo(id(2), addrs);
        PeerInfo b = new PeerInfo(id(2), List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/4001")));
        a.key(); // a cached key does not change equality
        addrs.clear();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.addresses()).hasSize(1);
        assertThat(a).isNotEqualTo(PeerInfo.of(id(2))).isNotEqualTo(PeerInfo.of(id(3)));
        assertThat(a.toString()).contains(id(2).toString());
        assertThatThrownBy(() -> a.addresses().add(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> PeerInfo.of(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("peerId");
    }
}
