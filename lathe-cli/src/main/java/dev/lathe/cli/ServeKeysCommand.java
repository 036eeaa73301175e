package dev.lathe.cli;

import dev.lathe.serve.auth.ApiKey;
import dev.lathe.serve.auth.KeyStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lathe serve keys add|list|revoke}: manages the keys file. A new key is printed once on stdout
 * and only its SHA-256 is stored.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Manage API keys (the file stores SHA-256 hashes only).")
final class ServeKeysCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "keys.json",
            description = "The keys file (default ${DEFAULT-VALUE}).", scope = CommandLine.ScopeType.INHERIT)
    Path file;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", description = "Create a key; prints it once.")
    int add(@Parameters(paramLabel = "NAME", description = "A name for the key (letters, digits, . _ -).") String name,
            @Option(names = "--requests-per-minute", paramLabel = "N") Integer rpm,
            @Option(names = "--tokens-per-minute", paramLabel = "N") Integer tpm) {
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "serve keys add", () -> {
            String key = KeyStore.open(file).add(name, rpm, tpm);
            spec.commandLine().getOut().println(key);
            err.println("lathe serve keys: added '" + name + "' to " + file + "; the key above is not stored, keep it");
            return 0;
        });
    }

    @Command(name = "list", description = "List key names, creation times and limits (never the keys).")
    int list() {
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "serve keys list", () -> {
            PrintWriter out = spec.commandLine().getOut();
            for (ApiKey k : KeyStore.open(file).keys()) {
                out.println(k.name() + "\t" + k.created() + "\trequests/min " + (k.requestsPerMinute() == null ? "default"
                        : k.requestsPerMinute()) + "\ttokens/min " + (k.tokensPerMinute() == null ? "default"
                        : k.tokensPerMinute()));
            }
            return 0;
        });
    }

    @Command(name = "revoke", description = "Remove a key.")
    int revoke(@Parameters(paramLabel = "NAME") String name) {
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "serve keys revoke", () -> {
            if (!KeyStore.open(file).revoke(name)) {
                throw new IllegalArgumentException("no key named '" + name + "' in " + file);
            }
            err.println("lathe serve keys: revoked '" + name + "'");
            return 0;
        });
    }
}
