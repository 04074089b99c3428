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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code grid-peer} command line: run a peer, talk to peers, run a local demo grid. */
@Command(name = "grid-peer", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "A gridoverlay peer: libp2p transport, Kademlia DHT and signed grid records.",
        footer = {"", "Start with: grid-peer local-grid   (a whole grid on 127.0.0.1: capacity, deployments, checks)",
            "Every command: grid-peer <command> --help"},
        subcommands = {GridPeer.Run.class, GridPeer.PingCmd.class, GridPeer.IdentifyCmd.class, GridPeer.PerfCmd.class,
                DhtCommands.FindPeer.class, DhtCommands.Closest.class, DhtCommands.Put.class, DhtCommands.Get.class,
                CapacityCommands.FindCapacity.class, DeployCommands.Deploy.class, DeployCommands.Show.class,
                DeployCommands.Delete.class, KeyCommands.Keygen.class, KeyCommands.Id.class, KeyCommands.Completion.class,
                LocalGrid.class, SimulateCmd.class, SimulateCapacityCmd.class})
public final class GridPeer {
    static final PrintStream OUT = System.out;

    public static void main(String[] args) {
        int code = Cli.commandLine().execute(args);
        System.exit(code);
    }

    /**
     * The key in {@code keyFile}: a fresh one when no file is given; a new one written there only with
     * {@code create} (a mistyped path must not silently become a new identity).
     *
     * @throws java.nio.file.NoSuchFileException if the file is missing and {@code create} is false
     */
    static PrivateKey loadKey(Path keyFile, boolean create) throws java.io.IOException {
        if (keyFile == null) {
            return Ed25519.generate().privateKey();
        }
        if (!create && !java.nio.file.Files.exists(keyFile)) {
            throw new java.nio.file.NoSuchFileException(keyFile + " (create it with 'grid-peer keygen --out "
                    + keyFile + "', or pass --create-key)");
        }
        return KeyFiles.loadOrCreate(keyFile);
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("closing " + c + ": " + e);
        }
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

    @Command(name = "run", description = "Run a peer until stopped (Ctrl-C closes it gracefully).",
            footer = {"", "Examples:",
                "  grid-peer run --listen /ip4/0.0.0.0/tcp/4001 --protocol /grid/kad/1.0.0 --key-file node.key --create-key \\",
                "      --capacity capacity.toml --data-dir node-data --metrics-port 9464 --bootstrap /ip4/.../p2p/12D3KooW...",
                "  grid-peer run --listen /ip4/127.0.0.1/tcp/4002 --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--listen", description = "Listen multiaddr (repeatable).",
                defaultValue = "/ip4/0.0.0.0/tcp/4001")
        List<String> listen = new ArrayList<>();

        @Option(names = "--key-file", paramLabel = "FILE",
                description = "The node's key file (its identity); without it, a fresh identity each run.")
        Path keyFile;

        @Option(names = "--create-key", description = "Create --key-file if it does not exist.")
        boolean createKey;

        @Option(names = "--bootstrap", paramLabel = "MULTIADDR", converter = Cli.BootstrapConverter.class,
                description = "Peers to connect to at start (multiaddr with /p2p; repeatable).")
        List<String> bootstrap = new ArrayList<>();

        @Option(names = "--protocol", defaultValue = io.gridoverlay.dht.DhtConfig.IPFS_PROTOCOL,
                description = "Kad protocol id.")
        String protocol;

        @Option(names = "--mode", defaultValue = "AUTO",
                description = "DHT mode: SERVER, CLIENT or AUTO (server when listening; default).")
        io.gridoverlay.dht.DhtMode mode;

        @Option(names = "--insecure-plaintext",
                description = "Use /plaintext/2.0.0 instead of Noise: NO encryption or authentication (benchmarks only).")
        boolean insecurePlaintext;

        @Option(names = "--perf",
                description = "Serve /perf/1.0.0 (off by default: a perf client may ask for any amount of data).")
        boolean perf;

        @Option(names = "--capacity", paramLabel = "FILE", description = "Advertise the capacity in this TOML or YAML file "
                + "(see examples/capacity.example.toml); without it a peer on /grid/kad/1.0.0 advertises the capacity "
                + "detected on this machine.")
        Path capacity;

        @Option(names = "--no-capacity", description = "Advertise no capacity.")
        boolean noCapacity;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the node's deployment ledger and the records "
                + "it stores for others here (SQLite files); with a capacity, the node then accepts deployments "
                + "(/grid/deploy/1.0.0). Grid protocol only.")
        Path dataDir;

        @Option(names = "--cosign", description = "Co-sign deployments that list this node as a signer (after "
                + "verifying them). Grid protocol only.")
        boolean cosign;

        @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve the node's metrics in the Prometheus "
                + "text format at http://127.0.0.1:PORT/metrics (see --metrics-host). Grid protocol only.")
        Integer metricsPort;

        @Option(names = "--metrics-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
                description = "Address the metrics endpoint binds (default: ${DEFAULT-VALUE}).")
        String metricsHost;

        @Override
        public Integer call() throws Exception {
            boolean server = mode.isServer(listen.stream().map(Multiaddr::parse).toList());
            io.gridoverlay.dht.capacity.CapacitySource source;
            try {
                source = CapacityCommands.sourceFor(capacity, noCapacity, protocol);
            } catch (io.gridoverlay.dht.capacity.CapacityFileException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            if (io.gridoverlay.dht.DhtConfig.GRID_PROTOCOL.equals(protocol)) {
                return GridRun.run(this, source);
            }
            if (dataDir != null || cosign || metricsPort != null) {
                System.err.println("--data-dir, --cosign and --metrics-port need the grid protocol ("
                        + io.gridoverlay.dht.DhtConfig.GRID_PROTOCOL + "), not " + protocol);
                return 2;
            }
            DhtPeer peer = DhtPeer.start(loadKey(keyFile, createKey), listen, protocol, server, insecurePlaintext, perf);
            for (Multiaddr a : peer.host.listenAddresses()) {
                OUT.println("listening on " + a + "/p2p/" + peer.peerId().toBase58());
            }
            if (!bootstrap.isEmpty()) {
                int joined = peer.bootstrap(bootstrap).get(60, TimeUnit.SECONDS);
                OUT.println("joined the DHT through " + joined + " of " + bootstrap.size() + " bootstrap peers; "
                        + peer.dht.routingTableSize() + " peers in the routing table");
            }
            AutoCloseable advert = source == null ? () -> { } : CapacityCommands.advertise(peer, source, OUT);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                closeQuietly(advert);
                peer.close();
                stop.countDown();
            }, "grid-peer-shutdown"));
            stop.await();
            return 0;
        }
    }

    /** Dials {@code address} from a fresh client host, with a clear error when nobody answers in time. */
    static Connection dial(Host host, Multiaddr address) throws Exception {
        try {
            return host.dial(address).get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new java.util.concurrent.TimeoutException(address + " did not complete a connection within 15 s");
        }
    }

    @Command(name = "ping", description = "Ping a peer over /ipfs/ping/1.0.0.",
            footer = {"", "Example:", "  grid-peer ping /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... -n 3 --json"})
    static final class PingCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MULTIADDR", converter = Cli.PeerAddressConverter.class,
                description = "Peer multiaddr, ending in /p2p/<peer id>.")
        Multiaddr address;

        @Option(names = {"-n", "--count"}, defaultValue = "4", description = "Number of pings (1-10000).")
        int count;

        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (count < 1 || count > 10_000) {
                throw new ParameterException(spec.commandLine(), "--count must be between 1 and 10000, got " + count);
            }
            java.io.PrintWriter out = spec.commandLine().getOut();
            try (Host host = clientHost()) {
                Connection c = dial(host, address);
                List<Double> rtts = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    Duration rtt = Ping.ping(c).get(15, TimeUnit.SECONDS);
                    rtts.add(rtt.toNanos() / 1e6);
                    if (!json) {
                        out.printf(Locale.ROOT, "pong from %s: time=%.3f ms%n", c.remotePeer(), rtt.toNanos() / 1e6);
                        out.flush();
                    }
                }
                if (json) {
                    DeployCommands.printJson(out, java.util.Map.of("peer", c.remotePeer().toBase58(), "rttMillis", rtts));
                }
            }
            return Cli.OK;
        }
    }

    @Command(name = "identify", description = "Show what a peer says about itself (/ipfs/id/1.0.0).",
            footer = {"", "Example:", "  grid-peer identify /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... --json"})
    static final class IdentifyCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MULTIADDR", converter = Cli.PeerAddressConverter.class,
                description = "Peer multiaddr, ending in /p2p/<peer id>.")
        Multiaddr address;

        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            java.io.PrintWriter out = spec.commandLine().getOut();
            try (Host host = clientHost()) {
                Connection c = dial(host, address);
                IdentifyInfo info = c.identified().get(15, TimeUnit.SECONDS);
                String record = info.signedPeerRecord()
                        .map(r -> "verified, seq " + Long.toUnsignedString(r.seq()) + ", " + r.addressCount()
                                + " address(es)").orElse("none");
                if (json) {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("peer", info.peer().toBase58());
                    m.put("agentVersion", info.agentVersion());
                    m.put("protocolVersion", info.protocolVersion());
                    m.put("observedAddress", info.observedAddress().map(Multiaddr::toString).orElse(null));
                    m.put("listenAddresses", info.listenAddresses().stream().map(Multiaddr::toString).toList());
                    m.put("protocols", info.protocols().stream().sorted().toList());
                    m.put("signedPeerRecord", record);
                    DeployCommands.printJson(out, m);
                    return Cli.OK;
                }
                out.println("peer id:          " + info.peer());
                out.println("agent version:    " + info.agentVersion());
                out.println("protocol version: " + info.protocolVersion());
                out.println("observed address: " + info.observedAddress().map(Multiaddr::toString).orElse("-"));
                out.println("listen addresses:");
                info.listenAddresses().forEach(a -> out.println("  " + a));
                out.println("protocols:");
                info.protocols().stream().sorted().forEach(p -> out.println("  " + p));
                out.println("signed peer record: " + record);
            }
            return Cli.OK;
        }
    }

    @Command(name = "perf", description = {"Measure throughput with /perf/1.0.0 (the peer must run with --perf).",
        "One transfer from a fresh JVM: expect less than the warm in-JVM figures of the README's benchmarks; "
            + "--repeat shows the steady state."},
            footer = {"", "Example:", "  grid-peer perf /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... --upload 1GiB --download 1GiB --repeat 3"})
    static final class PerfCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MULTIADDR", converter = Cli.PeerAddressConverter.class,
                description = "Peer multiaddr, ending in /p2p/<peer id>.")
        Multiaddr address;

        @Option(names = "--upload", defaultValue = "64MiB", converter = CapacityCommands.SizeConverter.class,
                description = "Bytes to upload (e.g. 64MiB).")
        long upload;

        @Option(names = "--download", defaultValue = "64MiB", converter = CapacityCommands.SizeConverter.class,
                description = "Bytes to download.")
        long download;

        @Option(names = "--repeat", defaultValue = "1", description = "Transfers to run one after another (1-100).")
        int repeat;

        @Option(names = "--insecure-plaintext",
                description = "Use /plaintext/2.0.0 instead of Noise (the server must too): shows what Noise costs.")
        boolean insecurePlaintext;

        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (repeat < 1 || repeat > 100) {
                throw new ParameterException(spec.commandLine(), "--repeat must be between 1 and 100, got " + repeat);
            }
            java.io.PrintWriter out = spec.commandLine().getOut();
            List<java.util.Map<String, Object>> runs = new ArrayList<>();
            try (Host host = clientHost(insecurePlaintext)) {
                Connection c = dial(host, address);
                for (int i = 0; i < repeat; i++) {
                    Perf.Result r = Progress.await(repeat == 1 ? "perf" : "perf " + (i + 1) + "/" + repeat,
                            Perf.run(c, upload, download), TimeUnit.MINUTES.toSeconds(10), json);
                    if (json) {
                        runs.add(java.util.Map.of("uploaded", r.uploaded(), "downloaded", r.downloaded(),
                                "seconds", r.totalTime().toNanos() / 1e9, "gbitPerSecond", r.bitsPerSecond() / 1e9));
                    } else {
                        out.printf(Locale.ROOT, "uploaded %d bytes, downloaded %d bytes in %.3f s: %.2f Gbit/s%n",
                                r.uploaded(), r.downloaded(), r.totalTime().toNanos() / 1e9, r.bitsPerSecond() / 1e9);
                        out.flush();
                    }
                }
            }
            if (json) {
                DeployCommands.printJson(out, java.util.Map.of("peer", address.toString(), "runs", runs));
            }
            return Cli.OK;
        }
    }
}
