package io.gridoverlay.transport.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A js-libp2p peer ({@code interop/js/peer.mjs}) running as a child process, driven by newline-delimited
 * JSON: {@link #start} waits for the {@code listening} line, {@link #call} sends a command and completes
 * with the reply of the same id (replies may come out of order), {@link #close} sends {@code stop} and
 * destroys the process if it has not exited within a few seconds.
 *
 * <p>The first peer started in a JVM makes sure {@code interop/js/node_modules} exists, running
 * {@code npm ci} once when it is missing (a clean clone in CI). A missing {@code node} executable skips
 * the calling test; a failing {@code npm ci} fails it. The peer's stderr is written to
 * {@code transport/target/interop-logs/js-peer-N.log}; its last lines are attached to every error.
 *
 * <p>Thread-safe: {@link #call} may be used from any thread.
 */
public final class JsPeer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsPeer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(10);
    private static final int STDERR_TAIL_LINES = 40;
    /** Extra time the Java side waits beyond a command's own {@code timeoutMs}. */
    private static final long REPLY_GRACE_MS = 10_000;
    private static final long DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Object INSTALL_LOCK = new Object();
    private static Boolean nodeAvailable;
    private static boolean installed;

    private final int number;
    private final Process process;
    private final Writer stdin;
    private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final CompletableFuture<Map<String, Object>> listening = new CompletableFuture<>();
    private volatile boolean exited;
    private PeerId peerId;
    private List<Multiaddr> addrs;

    /** A successful reply: the JSON object with typed accessors. */
    public record Reply(Map<String, Object> fields) {
        public String string(String name) {
            Object v = require(name);
            if (!(v instanceof String s)) {
                throw new AssertionError("field " + name + " is not a string in " + fields);
            }
            return s;
        }

        public long number(String name) {
            Object v = require(name);
            if (!(v instanceof Number n)) {
                throw new AssertionError("field " + name + " is not a number in " + fields);
            }
            return n.longValue();
        }

        public double decimal(String name) {
            Object v = require(name);
            if (!(v instanceof Number n)) {
                throw new AssertionError("field " + name + " is not a number in " + fields);
            }
            return n.doubleValue();
        }

        @SuppressWarnings("unchecked")
        public List<Object> list(String name) {
            Object v = require(name);
            if (!(v instanceof List)) {
                throw new AssertionError("field " + name + " is not an array in " + fields);
            }
            return (List<Object>) v;
        }

        @SuppressWarnings("unchecked")
        public List<String> strings(String name) {
            List<Object> l = list(name);
            for (Object o : l) {
                if (!(o instanceof String)) {
                    throw new AssertionError("field " + name + " holds a non-string in " + fields);
                }
            }
            return (List<String>) (List<?>) l;
        }

        /** A nested object, or empty when the field is JSON {@code null}. */
        @SuppressWarnings("unchecked")
        public Optional<Reply> object(String name) {
            Object v = require(name);
            if (v == null) {
                return Optional.empty();
            }
            if (!(v instanceof Map)) {
                throw new AssertionError("field " + name + " is not an object in " + fields);
            }
            return Optional.of(new Reply((Map<String, Object>) v));
        }

        private Object require(String name) {
            if (!fields.containsKey(name)) {
                throw new AssertionError("reply has no field " + name + ": " + fields);
            }
            return fields.get(name);
        }
    }

    /** The js peer answered {@code ok:false}, exited, or did not answer in time. */
    public static final class JsPeerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JsPeerException(String message) {
            super(message);
        }
    }

    private JsPeer(int number, Process process) {
        this.number = number;
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code node peer.mjs args…} and waits (at most 30 s) for its {@code listening} line.
     * Skips the test when {@code node} is not installed; runs {@code npm ci} first when needed.
     */
    public static JsPeer start(String... args) {
        Path dir = prepare();
        int n = COUNTER.incrementAndGet();
        List<String> command = new ArrayList<>(List.of("node", "peer.mjs"));
        command.addAll(List.of(args));
        Path log = logDirectory().resolve("js-peer-" + n + ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command + " in " + dir, e);
        }
        JsPeer peer = new JsPeer(n, p);
        peer.startPumps(log);
        try {
            Map<String, Object> event = peer.listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Reply r = new Reply(event);
            if (!"listening".equals(event.get("event"))) {
                throw new JsPeerException("first line of js peer " + n + " is not the listening event: " + event);
            }
            peer.peerId = PeerId.parse(r.string("peerId"));
            peer.addrs = r.strings("addrs").stream().map(Multiaddr::parse).toList();
            LOG.debug("js peer {} listening as {} on {}", n, peer.peerId, peer.addrs);
            return peer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peer.destroy();
            throw new JsPeerException("interrupted while starting js peer " + n);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            peer.destroy();
            throw new JsPeerException("js peer " + n + " did not start within " + START_TIMEOUT.toSeconds() + " s ("
                    + e + ")" + peer.stderrSummary());
        }
    }

    /** The peer's id. */
    public PeerId peerId() {
        return peerId;
    }

    /** The listen addresses, each ending in {@code /p2p/<id>}. */
    public List<Multiaddr> addrs() {
        return addrs;
    }

    /** The first listen address, ending in {@code /p2p/<id>}. */
    public Multiaddr addr() {
        return addrs.get(0);
    }

    /** Sends a command built from alternating field names and values ({@code "addr", a, "bytes", 1024}). */
    public CompletableFuture<Reply> call(String cmd, Object... fieldsAndValues) {
        if (fieldsAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields and values must alternate");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            Object v = fieldsAndValues[i + 1];
            fields.put((String) fieldsAndValues[i], v instanceof Multiaddr || v instanceof PeerId ? v.toString() : v);
        }
        return call(cmd, fields);
    }

    /** Sends {@code {"id":…, "cmd": cmd, …fields}}; completes with the reply, exceptionally on {@code ok:false}. */
    public CompletableFuture<Reply> call(String cmd, Map<String, Object> fields) {
        long id = nextId.getAndIncrement();
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("id", id);
        msg.put("cmd", cmd);
        msg.putAll(fields);
        long timeoutMs = fields.get("timeoutMs") instanceof Number t ? t.longValue() : DEFAULT_COMMAND_TIMEOUT_MS;
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        pending.put(id, reply);
        if (exited) {
            failPending("js peer " + number + " has exited");
        }
        String line = Json.write(msg);
        try {
            synchronized (stdin) {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
            }
        } catch (IOException e) {
            pending.remove(id);
            reply.completeExceptionally(new JsPeerException("cannot send " + line + " to js peer " + number + ": "
                    + e + stderrSummary()));
            return reply;
        }
        return reply.orTimeout(timeoutMs + REPLY_GRACE_MS, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> pending.remove(id))
                .exceptionallyCompose(e -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    if (cause instanceof TimeoutException) {
                        return CompletableFuture.failedFuture(new JsPeerException("no reply from js peer " + number
                                + " to " + line + " within " + (timeoutMs + REPLY_GRACE_MS) + " ms" + stderrSummary()));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    /** {@link #call} and wait for the reply; errors are rethrown unwrapped. */
    public Reply callSync(String cmd, Object... fieldsAndValues) {
        try {
            return call(cmd, fieldsAndValues).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Sends {@code stop}, waits up to 5 s for the process to exit, then destroys it. */
    @Override
    public void close() {
        if (process.isAlive() && !exited) {
            try {
                call("stop").get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("js peer {} did not acknowledge stop: {}", number, e.toString());
            }
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("js peer {} did not exit within {} s; destroying it", number, STOP_TIMEOUT.toSeconds());
                destroy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy();
        }
    }

    private void destroy() {
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The last stderr lines, for error messages. */
    public String stderrSummary() {
        synchronized (stderrTail) {
            if (stderrTail.isEmpty()) {
                return "";
            }
            return "\n--- last stderr lines of js peer " + number + " ---\n" + String.join("\n", stderrTail);
        }
    }

    private void startPumps(Path log) {
        Thread out = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    onStdoutLine(line);
                }
            } catch (IOException e) {
                LOG.debug("js peer {} stdout: {}", number, e.toString());
            } finally {
                exited = true;
                String why = "js peer " + number + " exited" + exitCode();
                listening.completeExceptionally(new JsPeerException(why));
                failPending(why);
            }
        }, "js-peer-" + number + "-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
                 Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    file.write(line);
                    file.write('\n');
                    file.flush();
                    synchronized (stderrTail) {
                        stderrTail.addLast(line);
                        if (stderrTail.size() > STDERR_TAIL_LINES) {
                            stderrTail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                LOG.debug("js peer {} stderr: {}", number, e.toString());
            }
        }, "js-peer-" + number + "-stderr");
        err.setDaemon(true);
        err.start();
    }

    private String exitCode() {
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                return " with code " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    private void onStdoutLine(String line) {
        Map<String, Object> m;
        try {
            m = Json.parseObject(line);
        } catch (IllegalArgumentException e) {
            LOG.warn("js peer {} printed a non-JSON line: {}", number, line);
            return;
        }
        if (!listening.isDone()) {
            listening.complete(m);
            return;
        }
        if (!(m.get("id") instanceof Number idNumber)) {
            LOG.warn("js peer {} sent a reply without id: {}", number, line);
            return;
        }
        CompletableFuture<Reply> f = pending.remove(idNumber.longValue());
        if (f == null) {
            LOG.warn("js peer {} sent a reply nobody waits for: {}", number, line);
            return;
        }
        if (Boolean.TRUE.equals(m.get("ok"))) {
            f.complete(new Reply(m));
        } else {
            f.completeExceptionally(new JsPeerException("js peer " + number + ": " + m.get("error")));
        }
    }

    private void failPending(String why) {
        for (Long id : List.copyOf(pending.keySet())) {
            CompletableFuture<Reply> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(new JsPeerException(why + stderrSummary()));
            }
        }
    }

    // ------------------------------------------------------------------ installation

    /**
     * Checks for node (skipping the test without it, failing it when the environment variable
     * GRIDOVERLAY_REQUIRE_INTEROP is set, as .ci/run does), installs node_modules once, returns interop/js.
     */
    public static Path prepare() {
        synchronized (INSTALL_LOCK) {
            if (nodeAvailable == null) {
                nodeAvailable = commandWorks("node", "--version");
            }
            if (!nodeAvailable && System.getenv("GRIDOVERLAY_REQUIRE_INTEROP") != null) {
                // .ci/run sets it: CI must not pass with the interop tests skipped
                throw new IllegalStateException("node is not installed and GRIDOVERLAY_REQUIRE_INTEROP is set");
            }
            assumeTrue(nodeAvailable, "node is not installed: skipping the js-libp2p interop tests");
            Path dir = jsDirectory();
            if (!installed) {
                if (!Files.isRegularFile(dir.resolve("node_modules/libp2p/package.json"))
                        || !Files.isRegularFile(dir.resolve("node_modules/.package-lock.json"))) {
                    npmCi(dir);
                }
                installed = true;
            }
            return dir;
        }
    }

    /** {@code interop/js}, found by walking up from the working directory to the repository root. */
    public static Path jsDirectory() {
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve("interop").resolve("js");
            if (Files.isRegularFile(candidate.resolve("package.json"))
                    && Files.isRegularFile(candidate.resolve("peer.mjs"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no interop/js/package.json above " + start);
    }

    private static Path logDirectory() {
        Path dir = Paths.get(System.getProperty("user.dir")).resolve("target").resolve("interop-logs");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }

    private static void npmCi(Path dir) {
        Path log = logDirectory().resolve("npm-ci.log");
        LOG.info("running npm ci in {} (log: {})", dir, log);
        try {
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(NPM_CI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("npm ci in " + dir + " did not finish within "
                        + NPM_CI_TIMEOUT.toMinutes() + " min; output: " + tail(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("npm ci in " + dir + " failed with exit code " + p.exitValue()
                        + "; output:\n" + tail(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run npm ci in " + dir + " (is npm installed next to node?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during npm ci", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static boolean commandWorks(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
