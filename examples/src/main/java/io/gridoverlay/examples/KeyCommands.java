package io.gridoverlay.examples;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.KeyFiles;
import io.gridoverlay.core.identity.PrivateKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Identities and the shell: {@code keygen}, {@code id}, {@code completion}. */
final class KeyCommands {
    private KeyCommands() {
    }

    @Command(name = "keygen", description = "Create a new identity (an Ed25519 key) in a key file; refuses to overwrite one.",
            footer = {"", "Example:", "  grid-peer keygen --out node.key && grid-peer run --key-file node.key ..."})
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the key.")
        Path out;

        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(out)) {
                throw new ParameterException(spec.commandLine(), out + " exists: keygen never overwrites a key "
                        + "(it is the node's identity); choose another path or delete it first");
            }
            PrivateKey key = Ed25519.generate().privateKey();
            KeyFiles.write(out, key);
            print(spec.commandLine().getOut(), key, out, json);
            return Cli.OK;
        }
    }

    @Command(name = "id", description = "Print the peer id of a key file (or of a fresh key).",
            footer = {"", "Example:", "  grid-peer id --key-file node.key"})
    static final class Id implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--key-file", paramLabel = "FILE", description = "The key file (must exist).")
        Path keyFile;

        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrivateKey key = GridPeer.loadKey(keyFile, false);
            print(spec.commandLine().getOut(), key, keyFile, json);
            return Cli.OK;
        }
    }

    static void print(PrintWriter out, PrivateKey key, Path file, boolean json) {
        String id = key.publicKey().peerId().toBase58();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peerId", id);
            m.put("keyType", key.publicKey().keyType().name());
            m.put("keyFile", file == null ? null : file.toString());
            DeployCommands.printJson(out, m);
        } else {
            out.println(id);
            if (file != null) {
                out.printf(Locale.ROOT, "(%s key in %s)%n", key.publicKey().keyType().name(), file);
            }
        }
    }

    @Command(name = "completion", description = "Print a shell completion script for grid-peer.",
            footer = {"", "Examples:", "  source <(grid-peer completion bash)",
                "  grid-peer completion zsh > ~/.zfunc/_grid-peer"})
    static final class Completion implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
        String shell;

        @Override
        public Integer call() {
            String s = shell.toLowerCase(Locale.ROOT);
            if (!s.equals("bash") && !s.equals("zsh")) {
                throw new ParameterException(spec.commandLine(), "unsupported shell '" + shell + "': bash or zsh");
            }
            String script = AutoComplete.bash("grid-peer", spec.root().commandLine());
            PrintWriter out = spec.commandLine().getOut();
            if (s.equals("zsh")) {
                out.println("autoload -U +X compinit && compinit");
                out.println("autoload -U +X bashcompinit && bashcompinit");
            }
            out.print(script);
            out.flush();
            return Cli.OK;
        }
    }
}
