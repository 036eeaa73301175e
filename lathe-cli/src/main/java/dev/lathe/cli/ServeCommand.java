package dev.lathe.cli;

import dev.lathe.models.load.ModelLoader;
import dev.lathe.serve.LatheServer;
import dev.lathe.serve.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lathe serve}: an OpenAI-compatible (and Hugging Face/TGI-compatible) server over local models and
 * named adapters, until interrupted. Startup messages go to stderr; one JSON access-log line per request
 * goes to stdout, so it can be piped to a log collector.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve models over the OpenAI API (/v1/chat/completions, /v1/completions, /v1/models), "
                + "Hugging Face and TGI routes, with /health, /ready and /metrics. See docs/serving.md."},
        subcommands = {ServeKeysCommand.class})
final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "[NAME=]MODEL",
            description = "A model to serve (repeatable): a Hugging Face folder, hf:Org/Name[@revision] or a .gguf "
                    + "file, optionally named (default name: the folder or file name).")
    List<String> models = new ArrayList<>();

    @Option(names = "--adapter", paramLabel = "NAME=PATH[@BASE]",
            description = "A PEFT LoRA adapter folder served as model NAME on BASE (default: the first model); "
                    + "repeatable; loaded on first use.")
    List<String> adapters = new ArrayList<>();

    @Option(names = "--embedding-model", paramLabel = "[NAME=]FOLDER",
            description = "A BERT-family sentence embedder (Hugging Face folder) served on /v1/embeddings (repeatable).")
    List<String> embeddingModels = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML or JSON server config (docs/serving.md).")
    Path config;

    @Option(names = "--host", paramLabel = "HOST", description = "Interface to bind (default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port (default 8080; 0 = any free port).")
    Integer port;

    @Option(names = "--api-keys", paramLabel = "FILE",
            description = "Keys file made with 'lathe serve keys add'. Keys are required unless bound to loopback.")
    Path apiKeys;

    @Option(names = "--require-api-key", negatable = true,
            description = "Require keys even on loopback (--no-require-api-key: never; default: unless loopback).")
    Boolean requireApiKey;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        return CliSupport.guard(err, "serve", () -> {
            ServerConfig c = config == null ? ServerConfig.defaults() : ServerConfig.read(config);
            c = c.withOverrides(host, port, apiKeys, requireApiKey).with(modelEntries(), List.of());
            c = c.with(List.of(), adapterEntries(c));
            List<ServerConfig.ModelEntry> embedders = new ArrayList<>();
            for (String e : embeddingModels) {
                int eq = e.indexOf('=');
                embedders.add(eq > 0 ? new ServerConfig.ModelEntry(e.substring(0, eq), e.substring(eq + 1), null)
                        : new ServerConfig.ModelEntry(null, e, null));
            }
            c = c.withEmbeddingModels(embedders);
            ModelLoader loader = CliSupport.loader(err);
            LatheServer server = LatheServer.start(c, config, loader::load, msg -> {
                err.println("lathe serve: " + msg);
                err.flush();
            }, line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            });
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }));
            String first = server.registry().list().get(0).name();
            err.println("lathe serve: listening on " + server.url() + "  (OpenAI base URL: " + server.url() + "/v1)");
            err.println("lathe serve: try:");
            err.println("  curl " + server.url() + "/v1/chat/completions -H 'Content-Type: application/json'"
                    + (server.keysRequired() ? " -H \"Authorization: Bearer $LATHE_API_KEY\"" : "")
                    + " -d '{\"model\": \"" + first + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]}'");
            err.flush();
            stopped.await();
            return 0;
        });
    }

    private List<ServerConfig.ModelEntry> modelEntries() {
        List<ServerConfig.ModelEntry> out = new ArrayList<>();
        for (String m : models) {
            int eq = m.indexOf('=');
            boolean named = eq > 0 && !m.substring(0, eq).contains("/") && !m.startsWith("hf:");
            out.add(new ServerConfig.ModelEntry(named ? m.substring(0, eq) : null, named ? m.substring(eq + 1) : m,
                    null));
        }
        return out;
    }

    private List<ServerConfig.AdapterEntry> adapterEntries(ServerConfig c) {
        List<ServerConfig.AdapterEntry> out = new ArrayList<>();
        for (String a : adapters) {
            int eq = a.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--adapter takes NAME=PATH[@BASE], got '" + a + "'");
            String path = a.substring(eq + 1);
            String base = null;
            int at = path.lastIndexOf('@');
            if (at > 0) {
                base = path.substring(at + 1);
                path = path.substring(0, at);
            }
            if (base == null) {
                if (c.models().isEmpty()) throw new IllegalArgumentException("--adapter needs a --model to apply to");
                ServerConfig.ModelEntry m = c.models().get(0);
                base = m.name() != null ? m.name() : LatheServer.defaultName(
                        dev.lathe.models.load.ModelSpec.parse(m.model(), m.tokenizer()));
            }
            out.add(new ServerConfig.AdapterEntry(a.substring(0, eq), base, Path.of(path)));
        }
        return out;
    }
}
