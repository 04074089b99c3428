package io.gridoverlay.examples;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.LookupResult;
import io.gridoverlay.dht.protocol.PeerInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** DHT client commands: each starts a client peer, bootstraps through the given peers and runs one query. */
final class DhtCommands {
    private DhtCommands() {}

    /** Options every DHT client command shares. */
    abstract static class Client implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--bootstrap", required = true, paramLabel = "MULTIADDR", converter = Cli.BootstrapConverter.class,
                description = "Peer to join through (multiaddr with /p2p; repeatable).")
        List<String> bootstrap = new ArrayList<>();

        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Option(names = "--protocol", defaultValue = io.gridoverlay.dht.DhtConfig.IPFS_PROTOCOL,
                description = "Kad protocol id (e.g. /grid/kad/1.0.0 for a private grid DHT).")
        String protocol;

        java.io.PrintWriter out;

        @Override
        public Integer call() throws Exception {
            out = spec.commandLine().getOut();
            try (DhtPeer peer = DhtPeer.start(io.gridoverlay.core.identity.Ed25519.generate().privateKey(), List.of(),
                    protocol, false)) {
                List<String> why = new ArrayList<>();
                int joined = Progress.await("bootstrap", peer.bootstrap(bootstrap, why), 60, json);
                if (joined == 0) {
                    spec.commandLine().getErr().println(spec.qualifiedName() + ": could not reach any bootstrap peer: "
                            + String.join("; ", why));
                    return Cli.UNREACHABLE;
                }
                return run(peer);
            }
        }

        void printPeers(List<PeerInfo> peers, java.util.Map<String, Object> extra) {
            if (json) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("peers", peers.stream().map(p -> java.util.Map.of("peer", p.peerId().toBase58(),
                        "addresses", p.addresses().stream().map(Object::toString).toList())).toList());
                m.putAll(extra);
                DeployCommands.printJson(out, m);
            } else {
                peers.forEach(p -> out.println(p.peerId() + " " + p.addresses()));
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

    @Command(name = "find-peer", description = "Find a peer's addresses through the DHT.",
            footer = {"", "Example:", "  grid-peer find-peer 12D3KooW... --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... --json"})
    static final class FindPeer extends Client {
        @Parameters(index = "0", paramLabel = "PEER_ID", description = "Peer id.")
        PeerId peerId;

        @Override
        int run(DhtPeer peer) throws Exception {
            Optional<PeerInfo> p = Progress.await("find-peer", peer.dht.findPeer(peerId), 60, json);
            if (p.isEmpty()) {
                spec.commandLine().getErr().println("find-peer: " + peerId + " not found: no peer of the DHT knows it");
                return Cli.NOT_FOUND;
            }
            printPeers(List.of(p.get()), java.util.Map.of());
            return Cli.OK;
        }
    }

    @Command(name = "closest", description = "The 20 peers closest to a key (FIND_NODE lookup).",
            footer = {"", "Example:", "  grid-peer closest /grid/some-key --protocol /grid/kad/1.0.0 --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."})
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
            LookupResult r = Progress.await("lookup", peer.dht.findClosestPeers(k), 60, json);
            java.util.Map<String, Object> cost = java.util.Map.of("requests", r.stats().requests(),
                    "rounds", r.stats().rounds(), "millis", r.stats().elapsedNanos() / 1_000_000);
            printPeers(r.peers(), java.util.Map.of("cost", cost));
            if (!json) {
                out.println("# " + r.peers().size() + " peers, " + r.stats().requests() + " requests, "
                        + r.stats().rounds() + " rounds, " + r.stats().elapsedNanos() / 1_000_000 + " ms");
            }
            return Cli.OK;
        }
    }

    @Command(name = "put", description = "Store a value in the DHT (it must pass the key namespace's validator).",
            footer = {"", "Example:", "  grid-peer put /pk/12D3KooW... --value-hex 08011220... --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."})
    static final class Put extends Client {
        @Parameters(index = "0", description = "Key, e.g. /pk/<peer id>.")
        String key;

        @Option(names = "--value-hex", required = true, description = "Value as hex.")
        String valueHex;

        @Override
        int run(DhtPeer peer) throws Exception {
            byte[] value;
            try {
                value = HexFormat.of().parseHex(valueHex);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--value-hex is not hex: "
                        + e.getMessage());
            }
            int stored = Progress.await("put", peer.dht.putValue(parseKey(key), value), 60, json);
            if (json) {
                DeployCommands.printJson(out, java.util.Map.of("storedAt", stored));
            } else {
                out.println("stored at " + stored + " peers");
            }
            return stored > 0 ? Cli.OK : Cli.FAILED;
        }
    }

    @Command(name = "get", description = "Get the best valid value of a key from the DHT.",
            footer = {"", "Example:", "  grid-peer get /pk/12D3KooW... --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... --json"})
    static final class Get extends Client {
        @Parameters(index = "0", description = "Key, e.g. /pk/<peer id>.")
        String key;

        @Override
        int run(DhtPeer peer) throws Exception {
            Optional<byte[]> v = Progress.await("get", peer.dht.getValue(parseKey(key)), 60, json);
            if (v.isEmpty()) {
                spec.commandLine().getErr().println("get: " + key + " not found (no valid value in the DHT)");
                return Cli.NOT_FOUND;
            }
            if (json) {
                DeployCommands.printJson(out, java.util.Map.of("key", key, "valueHex", HexFormat.of().formatHex(v.get())));
            } else {
                out.println(HexFormat.of().formatHex(v.get()));
            }
            return Cli.OK;
        }
    }
}
