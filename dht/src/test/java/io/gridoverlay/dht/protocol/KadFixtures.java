package io.gridoverlay.dht.protocol;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import java.util.ArrayList;
import java.util.List;

/** Deterministic peers and messages for the Kad tests. */
public final class KadFixtures {
    private KadFixtures() {
    }

    /** The peer id of the Ed25519 key with seed {@code n} (repeated in all 32 bytes, plus n's bytes). */
    public static PeerId peer(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        seed[1] = (byte) (n >>> 8);
        seed[2] = (byte) (n >>> 16);
        seed[31] = 7;
        return Ed25519.fromSeed(seed).peerId();
    }

    public static Multiaddr addr(int n) {
        return Multiaddr.parse("/ip4/10." + ((n >>> 8) & 0xff) + "." + (n & 0xff) + ".1/tcp/" + (4000 + n % 1000));
    }

    /** Peer {@code n} with {@code addrs} addresses. */
    public static PeerInfo info(int n, int addrs) {
        List<Multiaddr> list = new ArrayList<>();
        for (int i = 0; i < addrs; i++) {
            list.add(addr(n * 8 + i));
        }
        return new PeerInfo(peer(n), list);
    }

    /** {@code count} peers with two addresses each. */
    public static List<PeerInfo> peers(int count) {
        List<PeerInfo> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(info(i + 1, 2));
        }
        return out;
    }
}
