package io.gridoverlay.examples;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecordValidator;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.LookupResult;
import io.gridoverlay.dht.net.TransportKadNetwork;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.IdentifyInfo;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts N grid peers on loopback in this process and runs a scripted demo: every peer joins the DHT
 * through peer 0 (Noise + Yamux + Identify), publishes a signed capacity record, and the demo checks a
 * lookup against the true closest peers, fetches and verifies another node's capacity record, and
 * measures ping and throughput.
 */
@Command(name = "local-grid", description = "Start N peers on 127.0.0.1 and run a scripted grid demo.")
final class LocalGrid implements Callable<Integer> {
    /** How long the throughput check may take before the multiplexer state of both sides is printed. */
    private static final long PERF_TIMEOUT_SECONDS = Long.getLong("gridoverlay.perfTimeoutSeconds", 300);

    @Option(names = {"-n", "--peers"}, defaultValue = "8", description = "Number of peers (2-64).")
    int peers;

    @Option(names = "--perf", defaultValue = "64MiB", description = "Bytes each way for the throughput check.")
    String perf;

    @Override
    public Integer call() throws Exception {
        PrintStream out = GridPeer.OUT;
        if (peers < 2 || peers > 64) {
            out.println("--peers must be between 2 and 64");
            return 2;
        }
        List<DhtPeer> grid = new ArrayList<>();
        List<PrivateKey> keys = new ArrayList<>();
        try {
            for (int i = 0; i < peers; i++) {
                PrivateKey key = Ed25519.generate().privateKey();
                keys.add(key);
                DhtPeer p = DhtPeer.start(key, List.of("/ip4/127.0.0.1/tcp/0"), TransportKadNetwork.DEFAULT_PROTOCOL,
                        true);
                grid.add(p);
                out.println("peer " + i + " listening on " + p.host.listenAddresses().get(0) + "/p2p/" + p.peerId());
            }
            DhtPeer first = grid.get(0);
            String firstAddr = first.host.listenAddresses().get(0) + "/p2p/" + first.peerId().toBase58();
            for (int i = 1; i < grid.size(); i++) {
                grid.get(i).bootstrap(List.of(firstAddr)).get(30, TimeUnit.SECONDS);
            }
            for (DhtPeer p : grid) { // a second pass lets early peers learn about later ones
                p.dht.bootstrap(List.of()).get(30, TimeUnit.SECONDS);
            }
            out.printf(Locale.ROOT, "DHT joined: routing tables hold %s peers%n",
                    grid.stream().map(p -> Integer.toString(p.dht.routingTableSize())).toList());

            Connection c = grid.get(1).host.dial(grid.get(0).peerId()).get(10, TimeUnit.SECONDS);
            IdentifyInfo info = c.identified().get(10, TimeUnit.SECONDS);
            Duration rtt = Ping.ping(c).get(10, TimeUnit.SECONDS);
            out.printf(Locale.ROOT, "peer 1 -> peer 0: identify lists %d protocols, signed peer record %s, ping %.3f ms%n",
                    info.protocols().size(), info.signedPeerRecord().isPresent() ? "verified" : "missing",
                    rtt.toNanos() / 1e6);

            // every node advertises its capacity, signed with its own key
            Instant now = Instant.now();
            for (int i = 0; i < grid.size(); i++) {
                SignedRecord<CapacityRecord> rec = CapacityRecord.builder(grid.get(i).peerId())
                        .farmId(1 + i % 3).seq(1).issuedAt(now)
                        .total(new CapacityRecord.Resources(8 << (i % 3), (16L << 30) << (i % 3), 1L << 40, 0))
                        .free(new CapacityRecord.Resources(4 << (i % 3), (8L << 30) << (i % 3), 1L << 39, 0))
                        .location(CapacityRecord.Location.of(i % 2 == 0 ? "BE" : "NL", i % 2 == 0 ? "Ghent" : "Utrecht",
                                51.0, 4.0))
                        .listenAddrs(grid.get(i).host.listenAddresses())
                        .build().sign(keys.get(i));
                grid.get(i).dht.putValue(CapacityRecordValidator.keyFor(grid.get(i).peerId()), rec.toBytes())
                        .get(30, TimeUnit.SECONDS);
            }
            int target = grid.size() - 1;
            Optional<byte[]> fetched = grid.get(0).dht.getValue(CapacityRecordValidator.keyFor(grid.get(target).peerId()))
                    .get(30, TimeUnit.SECONDS);
            Verification<SignedRecord<CapacityRecord>> v = fetched.map(b -> CapacityRecord.open(b, Instant.now()))
                    .orElse(Verification.invalid("not found"));
            out.println("peer 0 fetched the capacity record of peer " + target + " from the DHT: "
                    + (v.isValid() ? "signature verified, " + v.orElseThrow().record().total().cores() + " cores in "
                    + v.orElseThrow().record().location().country() : "FAILED: " + v));

            byte[] key = "/grid/demo".getBytes(StandardCharsets.UTF_8);
            LookupResult r = grid.get(target).dht.findClosestPeers(key).get(30, TimeUnit.SECONDS);
            PeerId self = grid.get(target).peerId();
            List<PeerId> truth = grid.stream().map(DhtPeer::peerId).filter(p -> !p.equals(self))
                    .sorted(Comparator.comparing(KademliaDht::keyOf, Key.sha256(key)::compareDistance))
                    .limit(20).toList();
            boolean exact = r.peers().stream().map(PeerInfo::peerId).toList().equals(truth);
            out.printf(Locale.ROOT, "lookup of /grid/demo from peer %d: %d peers, %s the true closest, %d requests,"
                    + " %d rounds%n", target, r.peers().size(), exact ? "exactly" : "NOT", r.stats().requests(),
                    r.stats().rounds());

            long bytes = GridPeer.parseSize(perf);
            Perf.Result pr;
            try {
                pr = Perf.run(c, bytes, bytes).get(PERF_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                out.println("perf did not finish within " + PERF_TIMEOUT_SECONDS + " s; multiplexer state:");
                out.println("peer 1 side: " + c.muxerSnapshot().get(10, TimeUnit.SECONDS));
                for (Connection back : grid.get(0).host.connections(grid.get(1).peerId())) {
                    out.println("peer 0 side: " + back.muxerSnapshot().get(10, TimeUnit.SECONDS));
                }
                throw e;
            }
            out.printf(Locale.ROOT, "perf peer 1 <-> peer 0: %d MiB up + %d MiB down in %.3f s = %.2f Gbit/s%n",
                    bytes >> 20, bytes >> 20, pr.totalTime().toNanos() / 1e9, pr.bitsPerSecond() / 1e9);
            out.println("demo done");
            return exact && v.isValid() ? 0 : 1;
        } finally {
            for (DhtPeer p : grid) {
                p.close();
            }
        }
    }
}
