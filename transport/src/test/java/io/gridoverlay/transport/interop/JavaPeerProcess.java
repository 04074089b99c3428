package io.gridoverlay.transport.interop;

import io.gridoverlay.transport.Host;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Java host in a process of its own, for {@link PerfComparisonTest}: js → js runs between two Node.js
 * processes, so Java → Java runs between two JVMs too (in one JVM both hosts share one JIT, whose type
 * profiles then mix the sending and the receiving path, and one heap). {@link #main} starts a host on one
 * event-loop thread (perf enabled: it serves {@code /perf/1.0.0}), prints its {@code /p2p/} address as one line
 * and runs until its standard input closes.
 */
final class JavaPeerProcess implements AutoCloseable {
    private final Process process;
    private final String address;

    private JavaPeerProcess(Process process, String address) {
        this.process = process;
        this.address = address;
    }

    /** Starts a child JVM with this JVM's java binary and class path; {@code plaintext} for /plaintext/2.0.0. */
    static JavaPeerProcess start(boolean plaintext) throws IOException {
        String javaBin = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Dio.netty.leakDetection.level=disabled", "-cp",
                System.getProperty("java.class.path"), JavaPeerProcess.class.getName()));
        if (plaintext) {
            cmd.add("--plaintext");
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        String line;
        do {
            line = out.readLine(); // log lines may come first
        } while (line != null && !line.startsWith("/"));
        if (line == null) {
            p.destroyForcibly();
            throw new IOException("Java peer process ended without printing its address");
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the child's log output from filling the pipe
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "java-peer-output");
        drain.setDaemon(true);
        drain.start();
        return new JavaPeerProcess(p, line.trim());
    }

    /** The host's {@code /ip4/…/tcp/…/p2p/…} address. */
    io.gridoverlay.core.encoding.Multiaddr addr() {
        return io.gridoverlay.core.encoding.Multiaddr.parse(address);
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void main(String[] args) throws IOException {
        Host.Builder b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).enablePerf();
        if (args.length > 0 && args[0].equals("--plaintext")) {
            b.insecurePlaintext();
        }
        try (Host h = b.build()) {
            h.start().join();
            System.out.println(PerfComparisonTest.addr(h));
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the parent closes our standard input
            }
        }
    }
}
