package io.gridoverlay.examples;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.IdentifyInfo;
import io.gridoverlay.transport.protocol.Perf;
import io.gridoverlay.transport.protocol.Ping;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts N peers on loopback in this process and runs a scripted demo across them: every peer connects to
 * the first, identifies it, pings it, and the first pair measures throughput with /perf/1.0.0.
 */
@Command(name = "local-grid", description = "Start N peers on 127.0.0.1 and run a scripted demo.")
final class LocalGrid implements Callable<Integer> {
    @Option(names = {"-n", "--peers"}, defaultValue = "4", description = "Number of peers (2-64).")
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
        List<Host> hosts = new ArrayList<>();
        try {
            for (int i = 0; i < peers; i++) {
                Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1)
                        .agentVersion("gridoverlay-local-grid/0.1.0").build();
                h.start().get(10, TimeUnit.SECONDS);
                hosts.add(h);
                out.println("peer " + i + " listening on " + h.listenAddresses().get(0) + "/p2p/" + h.peerId());
            }
            Host first = hosts.get(0);
            Multiaddr firstAddr = first.listenAddresses().get(0).encapsulate("/p2p/" + first.peerId().toBase58());
            for (int i = 1; i < hosts.size(); i++) {
                Connection c = hosts.get(i).dial(firstAddr).get(10, TimeUnit.SECONDS);
                IdentifyInfo info = c.identified().get(10, TimeUnit.SECONDS);
                Duration rtt = Ping.ping(c).get(10, TimeUnit.SECONDS);
                out.printf(Locale.ROOT, "peer %d -> peer 0: Noise+Yamux up, identify: %d protocols, signed record %s,"
                        + " ping %.3f ms%n", i, info.protocols().size(),
                        info.signedPeerRecord().isPresent() ? "verified" : "missing", rtt.toNanos() / 1e6);
            }
            long bytes = GridPeer.parseSize(perf);
            Connection c = hosts.get(1).dial(firstAddr).get(10, TimeUnit.SECONDS);
            Perf.Result r = Perf.run(c, bytes, bytes).get(5, TimeUnit.MINUTES);
            out.printf(Locale.ROOT, "perf peer 1 <-> peer 0: %d MiB up + %d MiB down in %.3f s = %.2f Gbit/s%n",
                    bytes >> 20, bytes >> 20, r.totalTime().toNanos() / 1e9, r.bitsPerSecond() / 1e9);
            out.println("peer 0 has " + first.connections().size() + " connections; demo done");
            return 0;
        } finally {
            for (Host h : hosts) {
                h.close();
            }
        }
    }
}
