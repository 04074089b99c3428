package io.gridoverlay.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gridoverlay.core.identity.KeyFiles;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.identity.PublicKey;
import io.gridoverlay.core.record.Acceptance;
import io.gridoverlay.core.record.Deployment;
import io.gridoverlay.core.record.DeploymentUpdate;
import io.gridoverlay.core.record.SignatureRequirement;
import io.gridoverlay.core.record.SignedDeployment;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Workload;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.deploy.DeploymentException;
import io.gridoverlay.dht.deploy.ResolvedDeployment;
import io.gridoverlay.dht.grid.GridNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Deployments on the command line, as a twin: {@code deploy} (version 0, or the next version of a deployment
 * already in the grid), {@code deployment} (resolve and verify what runs where) and {@code delete}. Each
 * starts a client {@link GridNode} that joins the grid through {@code --bootstrap}, and exits 0 on success, 1
 * when the node refused (signed rejection) or the grid gave no usable answer, 2 on bad input.
 */
final class DeployCommands {
    private DeployCommands() {
    }

    static final int OK = Cli.OK;
    static final int REFUSED = Cli.FAILED;
    static final int USAGE = Cli.USAGE;

    /** Options every deployment command shares. */
    static final class Common {
        @Option(names = "--bootstrap", required = true, paramLabel = "MULTIADDR", converter = Cli.BootstrapConverter.class,
                description = "Peer to join the grid through (multiaddr with /p2p; repeatable).")
        List<String> bootstrap = new ArrayList<>();

        @Option(names = "--protocol", defaultValue = DhtConfig.GRID_PROTOCOL,
                description = "Kad protocol id (default: ${DEFAULT-VALUE}).")
        String protocol;

        @Option(names = "--json", description = "Print one JSON document instead of text.")
        boolean json;

        @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
                description = "Give up after this long (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        /** A started client node with {@code key}, joined through the bootstrap peers. */
        GridNode start(PrivateKey key) throws Exception {
            GridNode.Builder b = GridNode.builder().identity(key)
                    .dht(DhtConfig.builder().protocol(protocol).build())
                    .agentVersion("gridoverlay-grid-peer/0.1.0");
            for (String a : bootstrap) {
                b.bootstrap(a);
            }
            GridNode node = b.build();
            try {
                Progress.await("bootstrap", node.start(), timeoutSeconds, json);
            } catch (Exception e) {
                node.close();
                throw e;
            }
            if (node.dht().orElseThrow().routingTableSize() == 0) {
                node.close();
                throw new DeploymentException(DeploymentException.Kind.UNREACHABLE,
                        "could not reach any bootstrap peer of " + bootstrap + " (see their logs, or try another)");
            }
            return node;
        }
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> f, long seconds) throws Exception {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer within " + seconds + " s");
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static void printJson(PrintWriter out, Object value) {
        out.println(json(value));
    }

    /** {@code value} (maps, lists, strings, numbers) as indented JSON: the CLI's one JSON writer. */
    static String json(Object value) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> describe(SignedDeployment sd) {
        Deployment d = sd.deployment();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.deploymentId());
        m.put("version", d.version());
        m.put("owner", d.owner().peerId().toBase58());
        m.put("node", d.nodeId().toBase58());
        m.put("digest", sd.digestHex());
        m.put("previousDigest", d.version() == 0 ? null : hex(d.previousDigest()));
        m.put("createdAt", d.createdAt().toString());
        m.put("expiresAt", d.expiresAt().toString());
        m.put("signers", sd.signatures().stream().map(s -> s.signer().peerId().toBase58()).toList());
        m.put("requiredSigners", d.requirement().requests().stream().filter(SignatureRequirement.Request::required)
                .map(r -> r.signer().peerId().toBase58()).toList());
        List<Map<String, Object>> ws = new ArrayList<>();
        for (Workload w : d.workloads()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", w.name());
            x.put("type", w.type());
            x.put("version", w.version());
            x.put("resources", w.metadata());
            ws.add(x);
        }
        m.put("workloads", ws);
        return m;
    }

    static Map<String, Object> describe(SignedRecord<Acceptance> a) {
        Acceptance r = a.record();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accepted", r.accepted());
        m.put("reason", r.reason());
        m.put("node", a.envelope().peerId().toBase58());
        m.put("version", r.version());
        m.put("at", r.at().toString());
        m.put("workloads", r.workloads().stream().map(w -> Map.of("name", w.name(), "state", w.state().name(),
                "message", w.message())).toList());
        return m;
    }

    static void printAnswer(PrintWriter out, SignedRecord<Acceptance> a) {
        Acceptance r = a.record();
        if (r.accepted()) {
            out.printf(Locale.ROOT, "accepted by %s at %s (signed acceptance verified)%n", a.envelope().peerId(), r.at());
        } else {
            out.printf(Locale.ROOT, "REFUSED by %s: %s%n", a.envelope().peerId(), r.reason());
        }
        for (Acceptance.WorkloadResult w : r.workloads()) {
            out.printf(Locale.ROOT, "  workload %-16s %s%s%n", w.name(), w.state(),
                    w.message().isEmpty() ? "" : " (" + w.message() + ")");
        }
    }

    /** The verified latest version of {@code id} of {@code owner}, empty if the grid has none; fails on equivocation. */
    static Optional<ResolvedDeployment.Latest> latest(GridNode node, PeerId owner, String id, int seconds)
            throws Exception {
        Optional<ResolvedDeployment> r = await(node.resolveDeployment(owner, id), seconds);
        if (r.isPresent() && r.get() instanceof ResolvedDeployment.Equivocated) {
            throw new DeploymentException(DeploymentException.Kind.INVALID_ANSWER, "deployment " + id + " of "
                    + owner + " is equivocated: its owner signed two different versions with one number; "
                    + "the grid holds the proof (see 'grid-peer deployment " + id + "')");
        }
        return r.map(x -> (ResolvedDeployment.Latest) x);
    }

    @Command(name = "deploy", sortOptions = false,
            description = {"Deploy onto a node as a twin: signs the deployment in --file with --key-file (the owner), "
                    + "collects the signatures of each --cosigner over the network, sends it to the node and prints "
                    + "the node's signed answer.",
                "If the grid already holds deployment <id> of this owner, the file becomes its next version "
                    + "(hash-chained, signed as the previous version requires)."},
            footer = {"", "Examples:",
                "  grid-peer deploy --node 12D3KooW... --file examples/deployment.example.toml --key-file twin.key \\",
                "      --cosigner 12D3KooW... --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...",
                "  grid-peer deploy --file deployment.yaml --key-file twin.key --create-key --json --bootstrap /ip4/.../p2p/12D3KooW..."})
    static final class Deploy implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Common common;

        @Option(names = "--file", required = true, paramLabel = "FILE",
                description = "The deployment: TOML, YAML or JSON (see examples/deployment.example.toml).")
        Path file;

        @Option(names = "--node", paramLabel = "PEER_ID",
                description = "The node to deploy onto (required for a new deployment; an update goes to the node "
                        + "of the previous version).")
        String node;

        @Option(names = "--key-file", required = true, paramLabel = "FILE",
                description = "The owner's (twin's) key file.")
        Path keyFile;

        @Option(names = "--create-key", description = "Create --key-file if it does not exist (a new owner identity).")
        boolean createKey;

        @Option(names = "--cosigner", paramLabel = "PEER_ID",
                description = "A required co-signer (repeatable); it must be running with --cosign.")
        List<String> cosigners = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            DeploymentFile f;
            List<PublicKey> cosignerKeys = new ArrayList<>();
            PeerId target;
            try {
                f = DeploymentFile.read(file);
                for (String c : cosigners) {
                    cosignerKeys.add(PeerId.parse(c).publicKey().orElseThrow(() -> new IllegalArgumentException(
                            "co-signer " + c + " is not an Ed25519 peer id (its key is not inline)")));
                }
                target = node == null ? null : PeerId.parse(node);
            } catch (RuntimeException e) {
                err.println("grid-peer deploy: " + e.getMessage());
                return USAGE;
            }
            PrivateKey owner = GridPeer.loadKey(keyFile, createKey);
            try (GridNode twin = common.start(owner)) {
                Optional<ResolvedDeployment.Latest> current = latest(twin, owner.publicKey().peerId(), f.id(),
                        common.timeoutSeconds);
                Deployment next;
                if (current.isPresent()) {
                    SignedDeployment prev = current.get().latest();
                    if (target != null && !target.equals(prev.deployment().nodeId())) {
                        err.println("grid-peer deploy: deployment " + f.id() + " runs on " + prev.deployment().nodeId()
                                + "; an update cannot move it to " + target + " (use another id)");
                        return USAGE;
                    }
                    next = successor(prev, f, owner.publicKey(), cosignerKeys);
                } else {
                    if (target == null) {
                        err.println("grid-peer deploy: --node is required for a new deployment (" + f.id()
                                + " is not in the grid yet)");
                        return USAGE;
                    }
                    Deployment.Builder b = Deployment.builder(f.id(), owner.publicKey(), target)
                            .description(f.description()).createdAt(Instant.now())
                            .expiresAt(Instant.now().plus(f.expiresIn()))
                            .requirement(requirement(owner.publicKey(), cosignerKeys));
                    f.workloads().forEach(b::addWorkload);
                    next = b.build();
                }
                SignedDeployment signed = SignedDeployment.of(next).sign(owner);
                List<PeerId> others = new ArrayList<>();
                Set<PublicKey> needed = new LinkedHashSet<>();
                next.requirement().requests().forEach(r -> needed.add(r.signer()));
                current.ifPresent(c -> c.latest().deployment().requirement().requests().forEach(r -> needed.add(r.signer())));
                needed.remove(owner.publicKey());
                needed.forEach(k -> others.add(k.peerId()));
                if (!others.isEmpty()) {
                    if (!common.json) {
                        out.println("collecting co-signatures of " + others);
                    }
                    signed = await(twin.collectCosignatures(signed, others), common.timeoutSeconds);
                }
                SignedRecord<Acceptance> answer = await(twin.deploy(signed), common.timeoutSeconds);
                if (common.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("deployment", describe(signed));
                    m.put("answer", describe(answer));
                    printJson(out, m);
                } else {
                    out.printf(Locale.ROOT, "deployment %s v%d (digest %s) -> node %s%n", f.id(),
                            signed.deployment().version(), signed.digestHex().substring(0, 16), signed.deployment().nodeId());
                    printAnswer(out, answer);
                }
                return answer.record().accepted() ? OK : REFUSED;
            }
        }

        static SignatureRequirement requirement(PublicKey owner, List<PublicKey> cosigners) {
            if (cosigners.isEmpty()) {
                return SignatureRequirement.singleSigner(owner);
            }
            List<SignatureRequirement.Request> rs = new ArrayList<>();
            rs.add(new SignatureRequirement.Request(owner, 1, true));
            cosigners.forEach(k -> rs.add(new SignatureRequirement.Request(k, 1, true)));
            return new SignatureRequirement(rs, rs.size());
        }

        /** The next version: the file's workloads (unchanged ones keep their version), same requirement unless co-signers are given. */
        static Deployment successor(SignedDeployment prev, DeploymentFile f, PublicKey owner, List<PublicKey> cosigners) {
            Deployment.Builder b = DeploymentUpdate.from(prev).description(f.description());
            long v = prev.deployment().version() + 1;
            prev.deployment().workloads().forEach(w -> b.removeWorkload(w.name()));
            for (Workload w : f.workloads()) {
                Optional<Workload> same = prev.deployment().workload(w.name()).filter(x -> x.sameContentAs(w));
                b.addWorkload(same.orElse(new Workload(w.name(), w.type(), (int) v, w.data(), w.description(),
                        w.metadata())));
            }
            if (!cosigners.isEmpty()) {
                b.requirement(requirement(owner, cosigners));
            }
            return b.build();
        }
    }

    @Command(name = "deployment", sortOptions = false,
            description = "Resolve a deployment from the grid and verify it here: signatures, hash chain, the node's "
                    + "acceptance; prints an equivocation proof instead if the owner signed two versions with one number.",
            footer = {"", "Examples:", "  grid-peer deployment web --key-file twin.key --history --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...", "  grid-peer deployment web --owner 12D3KooW... --json --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."})
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Common common;

        @Parameters(index = "0", paramLabel = "ID", description = "The deployment id.")
        String id;

        @Option(names = "--owner", paramLabel = "PEER_ID", description = "Whose deployment (default: the owner of --key-file).")
        String ownerId;

        @Option(names = "--key-file", paramLabel = "FILE", description = "The owner's key file (to name the owner).")
        Path keyFile;

        @Option(names = "--history", description = "Print every version held, oldest first.")
        boolean history;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            PeerId owner;
            try {
                if (ownerId != null) {
                    owner = PeerId.parse(ownerId);
                } else if (keyFile != null) {
                    owner = GridPeer.loadKey(keyFile, false).publicKey().peerId();
                } else {
                    err.println("grid-peer deployment: give --owner PEER_ID or --key-file FILE");
                    return USAGE;
                }
            } catch (RuntimeException | IOException e) {
                err.println("grid-peer deployment: " + Cli.oneLine(e));
                return USAGE;
            }
            try (GridNode client = common.start(io.gridoverlay.core.identity.Ed25519.generate().privateKey())) {
                Optional<ResolvedDeployment> r = await(client.resolveDeployment(owner, id), common.timeoutSeconds);
                if (r.isEmpty()) {
                    err.println("grid-peer deployment: no verifiable deployment " + id + " of " + owner + " in the grid");
                    return Cli.NOT_FOUND;
                }
                if (r.get() instanceof ResolvedDeployment.Equivocated e) {
                    SignedDeployment a = SignedDeployment.decode(e.proof().first());
                    SignedDeployment b = SignedDeployment.decode(e.proof().second());
                    if (common.json) {
                        printJson(out, Map.of("equivocated", true, "first", describe(a), "second", describe(b)));
                    } else {
                        out.printf(Locale.ROOT, "EQUIVOCATED: %s signed two versions v%d of %s (digests %s and %s); "
                                + "the proof verifies%n", owner, a.deployment().version(), id,
                                a.digestHex().substring(0, 16), b.digestHex().substring(0, 16));
                    }
                    return Cli.INVALID;
                }
                ResolvedDeployment.Latest l = (ResolvedDeployment.Latest) r.get();
                if (common.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("latest", describe(l.latest()));
                    m.put("acceptance", l.acceptance().map(DeployCommands::describe).orElse(null));
                    if (history) {
                        m.put("history", l.history().stream().map(DeployCommands::describe).toList());
                    }
                    printJson(out, m);
                    return OK;
                }
                SignedDeployment s = l.latest();
                Deployment d = s.deployment();
                out.printf(Locale.ROOT, "deployment %s of %s: v%d on node %s, digest %s, expires %s (verified)%n", id,
                        owner, d.version(), d.nodeId(), s.digestHex().substring(0, 16), d.expiresAt());
                for (Workload w : d.workloads()) {
                    out.printf(Locale.ROOT, "  workload %-16s %-10s v%d %s%n", w.name(), w.type(), w.version(), w.metadata());
                }
                out.println(l.acceptance().map(a -> "  accepted by the node at " + a.record().at() + " (signature verified)")
                        .orElse("  no acceptance of this version is published"));
                if (history) {
                    for (SignedDeployment h : l.history()) {
                        out.printf(Locale.ROOT, "  v%d  digest %s  previous %s  signed by %d  created %s%n",
                                h.deployment().version(), h.digestHex().substring(0, 16),
                                h.deployment().version() == 0 ? "-" : hex(h.deployment().previousDigest()).substring(0, 16),
                                h.signatures().size(), h.deployment().createdAt());
                    }
                    out.println("  the chain verifies: each version names its predecessor's digest and is signed as it requires");
                }
                return OK;
            }
        }
    }

    @Command(name = "delete", sortOptions = false,
            description = "Ask the node running a deployment to delete it (signed with the owner's --key-file); "
                    + "prints the node's signed answer.",
            footer = {"", "Example:", "  grid-peer delete web --key-file twin.key --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW..."})
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Common common;

        @Parameters(index = "0", paramLabel = "ID", description = "The deployment id.")
        String id;

        @Option(names = "--key-file", required = true, paramLabel = "FILE", description = "The owner's key file.")
        Path keyFile;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            PrivateKey owner;
            try {
                owner = GridPeer.loadKey(keyFile, false);
            } catch (IOException e) {
                err.println("grid-peer delete: cannot read key file: " + Cli.oneLine(e));
                return USAGE;
            }
            try (GridNode twin = common.start(owner)) {
                Optional<ResolvedDeployment.Latest> current = latest(twin, owner.publicKey().peerId(), id,
                        common.timeoutSeconds);
                if (current.isEmpty()) {
                    err.println("grid-peer delete: no deployment " + id + " of " + owner.publicKey().peerId()
                            + " in the grid");
                    return Cli.NOT_FOUND;
                }
                SignedRecord<Acceptance> answer = await(twin.delete(current.get().latest()), common.timeoutSeconds);
                if (common.json) {
                    printJson(out, describe(answer));
                } else {
                    out.printf(Locale.ROOT, "delete %s v%d -> node %s%n", id,
                            current.get().latest().deployment().version(), current.get().latest().deployment().nodeId());
                    printAnswer(out, answer);
                }
                return answer.record().accepted() ? OK : REFUSED;
            }
        }
    }
}
