package io.gridoverlay.examples;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.LookupResult;
import io.gridoverlay.dht.net.TransportKadNetwork;
import io.gridoverlay.dht.protocol.PeerInfo;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** DHT client commands: each starts a client peer, bootstraps through the given peers and runs one query. */
final class DhtCommands {
    private DhtCommands() {}

    /** Options every DHT client command shares. */
    abstract static class Client implements Callable<Integer> {
        @Option(names = "--bootstrap", required = true, description = "Peer to join through (multiaddr with /p2p; repeatable).")
        List<String> bootstrap = new ArrayList<>();

        @Option(names = "--protocol", defaultValue = TransportKadNetwork.DEFAULT_PROTOCOL,
                description = "Kad protocol id (e.g. /grid/kad/1.0.0 for a private grid DHT).")
        String protocol;

        final PrintStream out = GridPeer.OUT;

        @Override
        public Integer call() throws Exception {
            try (DhtPeer peer = DhtPeer.start(io.gridoverlay.core.identity.Ed25519.generate().privateKey(), List.of(),
                    protocol, false)) {
                int joined = peer.bootstrap(bootstrap).get(60, TimeUnit.SECONDS);
                if (joined == 0) {
                    out.println("could not reach any bootstrap peer");
                    return 1;
                }
                return run(peer);
            }
        }

        abstract int run(DhtPeer peer) throws Exception;
    }

    /** Key text: {@code /pk/<peer id>} becomes the binary /pk/ key; anything else is used as UTF-8. */
    static byte[] parseKey(String text) {
        if (text.startsWith("/pk/")) {
            return io.gridoverlay.dht.record.PublicKeyValidator.keyFor(PeerId.parse(text.substring(4)));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void print(PrintStream out, PeerInfo p) {
        out.println(p.peerId() + " " + p.addresses());
    }

    @Command(name = "find-peer", description = "Find a peer's addresses through the DHT.")
    static final class FindPeer extends Client {
        @Parameters(index = "0", description = "Peer id.")
        String peerId;

        @Override
        int run(DhtPeer peer) throws Exception {
            Optional<PeerInfo> p = peer.dht.findPeer(PeerId.parse(peerId)).get(60, TimeUnit.SECONDS);
            if (p.isEmpty()) {
                out.println("not found");
                return 1;
            }
            print(out, p.get());
            return 0;
        }
    }

    @Command(name = "closest", description = "The 20 peers closest to a key (FIND_NODE lookup).")
    static final class Closest extends Client {
        @Parameters(index = "0", description = "Key (text, or a peer id).")
        String key;

        @Override
        int run(DhtPeer peer) throws Exception {
            byte[] k;
            try {
                k = PeerId.parse(key).toBytes();
            } catch (RuntimeException notAPeerId) {
                k = parseKey(key);
            }
            LookupResult r = peer.dht.findClosestPeers(k).get(60, TimeUnit.SECONDS);
            r.peers().forEach(p -> print(out, p));
            out.println("# " + r.peers().size() + " peers, " + r.stats().requests() + " requests, "
                    + r.stats().rounds() + " rounds, " + r.stats().elapsedNanos() / 1_000_000 + " ms");
            return 0;
        }
    }

    @Command(name = "put", description = "Store a value in the DHT (it must pass the key namespace's validator).")
    static final class Put extends Client {
        @Parameters(index = "0", description = "Key, e.g. /pk/<peer id>.")
        String key;

        @Option(names = "--value-hex", required = true, description = "Value as hex.")
        String valueHex;

        @Override
        int run(DhtPeer peer) throws Exception {
            int stored = peer.dht.putValue(parseKey(key), HexFormat.of().parseHex(valueHex)).get(60, TimeUnit.SECONDS);
            out.println("stored at " + stored + " peers");
            return stored > 0 ? 0 : 1;
        }
    }

    @Command(name = "get", description = "Get the best valid value of a key from the DHT.")
    static final class Get extends Client {
        @Parameters(index = "0", description = "Key, e.g. /pk/<peer id>.")
        String key;

        @Override
        int run(DhtPeer peer) throws Exception {
            Optional<byte[]> v = peer.dht.getValue(parseKey(key)).get(60, TimeUnit.SECONDS);
            if (v.isEmpty()) {
                out.println("not found");
                return 1;
            }
            out.println(HexFormat.of().formatHex(v.get()));
            return 0;
        }
    }
}
