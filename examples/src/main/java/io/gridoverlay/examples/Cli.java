package io.gridoverlay.examples;

import io.gridoverlay.core.encoding.DecodingException;
import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.encoding.Protocol;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.deploy.DeploymentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * What every {@code grid-peer} command shares: exit codes, one-line errors (the stack trace only with
 * {@code --verbose} or {@code GRID_LOG_LEVEL=DEBUG}), {@code --help} with defaults and exit codes on every
 * subcommand, converters that check input before any network work, and the version of the build.
 */
final class Cli {
    private Cli() {
    }

    /** Success: the answer was accepted, found, verified. */
    static final int OK = 0;
    /** The work ran and its answer is "no": a signed rejection, a failed check. */
    static final int FAILED = 1;
    /** Bad input: options, files, addresses, keys. */
    static final int USAGE = 2;
    /** No peer reachable: refused, timed out, unknown address. */
    static final int UNREACHABLE = 3;
    /** Reachable, but what was asked for does not exist. */
    static final int NOT_FOUND = 4;
    /** An answer came back that does not verify (signature, chain, forged record). */
    static final int INVALID = 5;

    static final Map<String, String> EXIT_CODES = exitCodes();

    private static Map<String, String> exitCodes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("0", "ok");
        m.put("1", "refused or failed (e.g. a signed rejection, a check that failed)");
        m.put("2", "usage: bad option, file, address or key");
        m.put("3", "unreachable: no peer answered (refused, timed out)");
        m.put("4", "not found");
        m.put("5", "an answer did not verify (signature, hash chain, forged record)");
        return m;
    }

    /**
     * The CLI's one duration syntax: a positive whole number of seconds, minutes, hours or days ({@code 90s},
     * {@code 30m}, {@code 12h}, {@code 30d}).
     *
     * @throws IllegalArgumentException with a message that completes "'TEXT' ..." when it is not one
     */
    static java.time.Duration duration(String text) {
        String v = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (!v.matches("[0-9]{1,9}[smhd]")) {
            throw new IllegalArgumentException("is not a duration like 90s, 30m, 12h or 30d: " + text);
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        java.time.Duration d = switch (v.charAt(v.length() - 1)) {
            case 's' -> java.time.Duration.ofSeconds(n);
            case 'm' -> java.time.Duration.ofMinutes(n);
            case 'h' -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("must be positive: " + text);
        }
        return d;
    }

    /** The command line with every setting applied: use this, not a bare {@code new CommandLine(...)}. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GridPeer()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(Multiaddr.class, Cli::multiaddr);
        cl.registerConverter(PeerId.class, Cli::peerId);
        configure(cl);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(e));
            if (verbose(parsed)) {
                e.printStackTrace(err);
            } else {
                err.println("(run with --verbose for details)");
            }
            err.flush();
            return exitCode(e);
        });
        return cl;
    }

    private static void configure(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        spec.mixinStandardHelpOptions(true);
        if (spec.findOption("--verbose") == null) {
            spec.addOption(CommandSpec.forAnnotatedObject(new Verbose()).findOption("--verbose"));
        }
        spec.usageMessage().showDefaultValues(true).exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(EXIT_CODES);
        for (CommandLine sub : cl.getSubcommands().values()) {
            configure(sub);
        }
    }

    /** Carries the {@code --verbose} option every command gets. */
    static final class Verbose {
        @CommandLine.Option(names = "--verbose", description = "Print stack traces of errors.")
        boolean verbose;
    }

    static boolean verbose(ParseResult parsed) {
        if ("DEBUG".equalsIgnoreCase(System.getenv("GRID_LOG_LEVEL"))
                || "TRACE".equalsIgnoreCase(System.getenv("GRID_LOG_LEVEL"))) {
            return true;
        }
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The innermost useful cause: futures' wrappers removed. */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException || t instanceof UncheckedIOException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** One line that says what went wrong. */
    static String oneLine(Throwable e) {
        Throwable t = unwrap(e);
        String m = t.getMessage();
        if (t instanceof NoSuchFileException) {
            return "no such file: " + m;
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied: " + m;
        }
        if (t instanceof TimeoutException) {
            return m == null ? "timed out" : "timed out: " + m;
        }
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        Throwable cause = t.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())
                && (t instanceof IOException || m.length() < 40)) {
            m = m + ": " + cause.getMessage();
        }
        return m.lines().findFirst().orElse(m);
    }

    /** The exit code an error stands for. */
    static int exitCode(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof DeploymentException d) {
            return switch (d.kind()) {
                case UNREACHABLE, TIMEOUT -> UNREACHABLE;
                case INVALID_ANSWER -> INVALID;
                case LOCAL -> USAGE;
                default -> FAILED;
            };
        }
        if (t instanceof io.gridoverlay.transport.noise.HandshakeException) {
            return INVALID; // e.g. the peer is not the one the /p2p/ part names
        }
        if (t instanceof io.gridoverlay.transport.multistream.ProtocolNegotiationException) {
            return FAILED; // the peer answered but does not speak the protocol
        }
        if (t instanceof ConnectException || t instanceof TimeoutException
                || t instanceof java.nio.channels.UnresolvedAddressException
                || t instanceof io.gridoverlay.transport.TransportException) {
            return UNREACHABLE;
        }
        if (t instanceof DecodingException || t instanceof IllegalArgumentException || t instanceof NoSuchFileException
                || t instanceof AccessDeniedException) {
            return USAGE;
        }
        return FAILED;
    }

    /** A multiaddr, checked when the command line is parsed. */
    static Multiaddr multiaddr(String text) {
        try {
            return Multiaddr.parse(text);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a multiaddr (e.g. "
                    + "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...): " + e.getMessage());
        }
    }

    /** A multiaddr that names its peer ({@code .../p2p/<peer id>}), as dialling and bootstrapping need. */
    static Multiaddr peerAddress(String text) {
        Multiaddr m = multiaddr(text);
        if (m.peerIdBytes().isEmpty()) {
            throw new CommandLine.TypeConversionException("'" + text + "' has no /p2p/<peer id> at its end: the "
                    + "peer's id is needed to authenticate it");
        }
        return m;
    }

    /** A peer id, checked when the command line is parsed. */
    static PeerId peerId(String text) {
        try {
            return PeerId.parse(text);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a peer id (e.g. 12D3KooW...): "
                    + e.getMessage());
        }
    }

    /** Converter for options and parameters that must be dialable peer addresses. */
    static final class PeerAddressConverter implements CommandLine.ITypeConverter<Multiaddr> {
        @Override
        public Multiaddr convert(String value) {
            return peerAddress(value);
        }
    }

    /** Converter of bootstrap addresses kept as text (checked the same way). */
    static final class BootstrapConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            peerAddress(value);
            return value;
        }
    }

    /** The address without its /p2p part, for display. */
    static Multiaddr transportPart(Multiaddr m) {
        return m.decapsulate(Protocol.P2P).orElse(m);
    }

    /** {@code --version}: the Maven version of this build. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"grid-peer (gridoverlay) " + buildVersion(), "Java " + System.getProperty("java.version")
                    + " (" + System.getProperty("java.vendor") + ")"};
        }
    }

    static String buildVersion() {
        try (InputStream in = Cli.class.getResourceAsStream(
                "/META-INF/maven/io.gridoverlay/gridoverlay-examples/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            return "unknown";
        }
        Package p = Cli.class.getPackage();
        return p != null && p.getImplementationVersion() != null ? p.getImplementationVersion() : "unknown (not a packaged build)";
    }
}
