package io.gridoverlay.examples;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.KeyFiles;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.IdentifyInfo;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code grid-peer} command line: run a peer, talk to peers, run a local demo grid. */
@Command(name = "grid-peer", mixinStandardHelpOptions = true, version = "gridoverlay 0.1.0",
        description = "A gridoverlay peer: libp2p transport, Kademlia DHT and signed grid records.",
        subcommands = {GridPeer.Run.class, GridPeer.PingCmd.class, GridPeer.IdentifyCmd.class, GridPeer.PerfCmd.class,
                DhtCommands.FindPeer.class, DhtCommands.Closest.class, DhtCommands.Put.class, DhtCommands.Get.class,
                LocalGrid.class, SimulateCmd.class})
public final class GridPeer {
    static final PrintStream OUT = System.out;

    public static void main(String[] args) {
        int code = new CommandLine(new GridPeer()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }

    static PrivateKey loadKey(Path keyFile) throws java.io.IOException {
        return keyFile == null ? Ed25519.generate().privateKey() : KeyFiles.loadOrCreate(keyFile);
    }

    /** Parses sizes such as {@code 64MiB}, {@code 10MB}, {@code 4096}. */
    static long parseSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        String[][] units = {{"gib", "1073741824"}, {"mib", "1048576"}, {"kib", "1024"}, {"gb", "1000000000"},
            {"mb", "1000000"}, {"kb", "1000"}, {"b", "1"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length()).trim();
                break;
            }
        }
        return Long.parseLong(t) * mult;
    }

    static Host clientHost() {
        return clientHost(false);
    }

    static Host clientHost(boolean insecurePlaintext) {
        Host.Builder b = Host.builder().eventLoopThreads(1);
        Host h = (insecurePlaintext ? b.insecurePlaintext() : b).build();
        h.start().join();
        return h;
    }

    @Command(name = "run", description = "Run a peer until stopped (Ctrl-C closes it gracefully).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--listen", description = "Listen multiaddr (repeatable).",
                defaultValue = "/ip4/0.0.0.0/tcp/4001")
        List<String> listen = new ArrayList<>();

        @Option(names = "--key-file", description = "Private key file (created if missing).")
        Path keyFile;

        @Option(names = "--bootstrap", description = "Peers to connect to at start (multiaddr with /p2p).")
        List<String> bootstrap = new ArrayList<>();

        @Option(names = "--protocol", defaultValue = io.gridoverlay.dht.net.TransportKadNetwork.DEFAULT_PROTOCOL,
                description = "Kad protocol id.")
        String protocol;

        @Option(names = "--mode", defaultValue = "AUTO",
                description = "DHT mode: SERVER, CLIENT or AUTO (server when listening; default).")
        io.gridoverlay.dht.DhtMode mode;

        @Option(names = "--insecure-plaintext",
                description = "Use /plaintext/2.0.0 instead of Noise: NO encryption or authentication (benchmarks only).")
        boolean insecurePlaintext;

        @Override
        public Integer call() throws Exception {
            boolean server = mode.isServer(listen.stream().map(Multiaddr::parse).toList());
            DhtPeer peer = DhtPeer.start(loadKey(keyFile), listen, protocol, server, insecurePlaintext);
            for (Multiaddr a : peer.host.listenAddresses()) {
                OUT.println("listening on " + a + "/p2p/" + peer.peerId().toBase58());
            }
            if (!bootstrap.isEmpty()) {
                int joined = peer.bootstrap(bootstrap).get(60, TimeUnit.SECONDS);
                OUT.println("joined the DHT through " + joined + " of " + bootstrap.size() + " bootstrap peers; "
                        + peer.dht.routingTableSize() + " peers in the routing table");
            }
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                peer.close();
                stop.countDown();
            }, "grid-peer-shutdown"));
            stop.await();
            return 0;
        }
    }

    @Command(name = "ping", description = "Ping a peer over /ipfs/ping/1.0.0.")
    static final class PingCmd implements Callable<Integer> {
        @Parameters(index = "0", description = "Peer multiaddr, ending in /p2p/<peer id>.")
        String address;

        @Option(names = {"-n", "--count"}, defaultValue = "4", description = "Number of pings.")
        int count;

        @Override
        public Integer call() throws Exception {
            try (Host host = clientHost()) {
                Connection c = host.dial(Multiaddr.parse(address)).get(15, TimeUnit.SECONDS);
                for (int i = 0; i < count; i++) {
                    Duration rtt = Ping.ping(c).get(15, TimeUnit.SECONDS);
                    OUT.printf(Locale.ROOT, "pong from %s: time=%.3f ms%n", c.remotePeer(), rtt.toNanos() / 1e6);
                }
            }
            return 0;
        }
    }

    @Command(name = "identify", description = "Show what a peer says about itself (/ipfs/id/1.0.0).")
    static final class IdentifyCmd implements Callable<Integer> {
        @Parameters(index = "0", description = "Peer multiaddr.")
        String address;

        @Override
        public Integer call() throws Exception {
            try (Host host = clientHost()) {
                Connection c = host.dial(Multiaddr.parse(address)).get(15, TimeUnit.SECONDS);
                IdentifyInfo info = c.identified().get(15, TimeUnit.SECONDS);
                OUT.println("peer id:          " + info.peer());
                OUT.println("agent version:    " + info.agentVersion());
                OUT.println("protocol version: " + info.protocolVersion());
                OUT.println("observed address: " + info.observedAddress().map(Multiaddr::toString).orElse("-"));
                OUT.println("listen addresses:");
                info.listenAddresses().forEach(a -> OUT.println("  " + a));
                OUT.println("protocols:");
                info.protocols().stream().sorted().forEach(p -> OUT.println("  " + p));
                OUT.println("signed peer record: " + info.signedPeerRecord()
                        .map(r -> "verified, seq " + Long.toUnsignedString(r.seq()) + ", " + r.addressCount()
                                + " address(es)").orElse("none"));
            }
            return 0;
        }
    }

    @Command(name = "perf", description = "Measure throughput with /perf/1.0.0.")
    static final class PerfCmd implements Callable<Integer> {
        @Parameters(index = "0", description = "Peer multiaddr.")
        String address;

        @Option(names = "--upload", defaultValue = "64MiB", description = "Bytes to upload (e.g. 64MiB).")
        String upload;

        @Option(names = "--download", defaultValue = "64MiB", description = "Bytes to download.")
        String download;

        @Option(names = "--insecure-plaintext",
                description = "Use /plaintext/2.0.0 instead of Noise (the server must too): shows what Noise costs.")
        boolean insecurePlaintext;

        @Override
        public Integer call() throws Exception {
            try (Host host = clientHost(insecurePlaintext)) {
                Connection c = host.dial(Multiaddr.parse(address)).get(15, TimeUnit.SECONDS);
                Perf.Result r = Perf.run(c, parseSize(upload), parseSize(download)).get(10, TimeUnit.MINUTES);
                OUT.printf(Locale.ROOT, "uploaded %d bytes, downloaded %d bytes in %.3f s: %.2f Gbit/s%n",
                        r.uploaded(), r.downloaded(), r.totalTime().toNanos() / 1e9, r.bitsPerSecond() / 1e9);
            }
            return 0;
        }
    }
}
