package dev.lathe.serve;

import dev.lathe.engine.io.Sha256;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.serve.embeddings.EmbeddingService;
import dev.lathe.models.load.ModelSpec;
import dev.lathe.serve.auth.Authenticator;
import dev.lathe.serve.auth.KeyStore;
import dev.lathe.serve.http.Routes;
import dev.lathe.serve.http.ServerContext;
import dev.lathe.serve.limits.RateLimiter;
import dev.lathe.serve.registry.ModelNames;
import dev.lathe.serve.registry.ModelRegistry;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A running Lathe server: loads the configured base models, defines the adapters, decides whether API
 * keys are required (yes unless bound to loopback, or as configured; logged at startup), and serves the
 * routes table on Javalin (Jetty 12, virtual threads). Close it to stop the server and free the models.
 */
public final class LatheServer implements AutoCloseable {
    /** Loads one base model (the CLI uses {@link dev.lathe.models.load.ModelLoader}; tests may load directly). */
    @FunctionalInterface
    public interface ModelSource {
        LoadedModel load(ModelSpec spec) throws IOException;
    }

    private final Javalin app;
    private final ModelRegistry registry;
    private final PrometheusMeterRegistry meters;
    private final String host;
    private final boolean keysRequired;

    private LatheServer(Javalin app, ModelRegistry registry, PrometheusMeterRegistry meters, String host,
            boolean keysRequired) {
        this.app = app;
        this.registry = registry;
        this.meters = meters;
        this.host = host;
        this.keysRequired = keysRequired;
    }

    /**
     * Starts a server for {@code config}. {@code configFile} (may be null) is re-read by the reload route to
     * pick up adapters added since; {@code log} gets startup and adapter messages, {@code accessLog} one JSON
     * line per request.
     */
    public static LatheServer start(ServerConfig config, Path configFile, ModelSource source, Consumer<String> log,
            Consumer<String> accessLog) throws IOException {
        if (config.models().isEmpty() && config.embeddingModels().isEmpty()) {
            throw new IllegalArgumentException("no model to serve: give --model or a config file with 'models'");
        }
        boolean loopback = isLoopback(config.host());
        boolean required = config.requireApiKey() != null ? config.requireApiKey() : !loopback;
        KeyStore keys = config.apiKeys() == null ? null : KeyStore.open(config.apiKeys());
        if (required && (keys == null || keys.keys().isEmpty())) {
            throw new IllegalArgumentException("API keys are required on " + config.host() + " (not loopback) but "
                    + (keys == null ? "no keys file was given" : config.apiKeys() + " holds no keys")
                    + ": create one with 'lathe serve keys add NAME --file keys.json' and pass --api-keys keys.json");
        }
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ModelRegistry registry = new ModelRegistry(config.scheduler().toSchedulerConfig(), meters,
                config.adapterMemoryMb() << 20, log);
        try {
            StringBuilder fingerprint = new StringBuilder();
            for (ServerConfig.ModelEntry e : config.models()) {
                ModelSpec spec = ModelSpec.parse(e.model(), e.tokenizer());
                String name = e.name() != null ? e.name() : defaultName(spec);
                long started = System.nanoTime();
                LoadedModel model = source.load(spec);
                registry.addBase(name, model);
                fingerprint.append(name).append('=').append(model.folder()).append(';');
                log.accept("loaded model '" + name + "' from " + spec.describe() + " in "
                        + (System.nanoTime() - started) / 1_000_000 + " ms");
            }
            defineAdapters(registry, config.adapters());
            for (ServerConfig.ModelEntry e : config.embeddingModels()) {
                Path dir = Path.of(e.model());
                String name = e.name() != null ? e.name() : ModelNames.fromPath(dir.toAbsolutePath().normalize()
                        .getFileName().toString());
                BertModel bert = BertModel.load(dir);
                Tokenizer tokenizer = Tokenizer.load(dir);
                registry.addEmbedder(name, EmbeddingService.bert(name, bert, tokenizer, false), () -> {
                    tokenizer.close();
                    bert.close();
                });
                log.accept("loaded embedding model '" + name + "' from " + dir);
            }
            Authenticator auth = new Authenticator(keys, required);
            log.accept(required ? "API keys required (" + keys.keys().size() + " keys in " + config.apiKeys() + ")"
                    : "API keys not required: bound to loopback " + config.host()
                            + " (set require_api_key: true to require them)");
            ServerContext context = new ServerContext(registry, auth, new RateLimiter(),
                    config.rateLimits().toRateLimits(), meters, config.maxBodyBytes(), config.corsOrigins(), accessLog,
                    config.logPrompts(), () -> reload(registry, auth, configFile, log), "fp_" + shortHash(fingerprint));
            Javalin app = Javalin.create(cfg -> {
                cfg.concurrency.useVirtualThreads = true;
                cfg.http.maxRequestSize = config.maxBodyBytes();
                cfg.http.compressionStrategy = CompressionStrategy.NONE; // SSE chunks must leave unbuffered
                cfg.startup.showJavalinBanner = false;
                cfg.startup.showOldJavalinVersionWarning = false;
                Routes.register(cfg, context);
            });
            app.start(config.host(), config.port());
            return new LatheServer(app, registry, meters, config.host(), required);
        } catch (RuntimeException | IOException e) {
            registry.close();
            throw e;
        }
    }

    private static void defineAdapters(ModelRegistry registry, List<ServerConfig.AdapterEntry> adapters) {
        for (ServerConfig.AdapterEntry a : adapters) {
            registry.defineAdapter(new ModelRegistry.AdapterDefinition(a.name(), a.base(), a.path()));
        }
    }

    /** Re-reads the keys file and the config file's adapters (if any), and unloads adapters whose folder changed. */
    private static List<String> reload(ModelRegistry registry, Authenticator auth, Path configFile,
            Consumer<String> log) {
        List<String> changes = new ArrayList<>();
        if (auth.hasKeys()) {
            try {
                changes.add("keys file re-read: " + auth.reloadKeys() + " keys");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot re-read the keys file", e);
            }
        }
        if (configFile != null) {
            ServerConfig fresh;
            try {
                fresh = ServerConfig.read(configFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot re-read " + configFile, e);
            }
            Set<String> before = new HashSet<>(registry.adapterNames());
            defineAdapters(registry, fresh.adapters());
            for (ServerConfig.AdapterEntry a : fresh.adapters()) {
                if (!before.contains(a.name())) changes.add("added adapter " + a.name());
            }
        }
        for (String name : registry.reload()) changes.add("unloaded changed adapter " + name + " (reloads on next use)");
        changes.forEach(log);
        return changes;
    }

    /** The served name for a spec without one: its folder or file name, made safe. */
    public static String defaultName(ModelSpec spec) {
        String raw = switch (spec) {
            case ModelSpec.HfFolder f -> f.dir().toAbsolutePath().normalize().getFileName().toString();
            case ModelSpec.Hub h -> h.ref().toString().replaceFirst("^hf:", "").replaceAll(".*/", "")
                    .replaceAll("@.*", "");
            case ModelSpec.Gguf g -> g.file().getFileName().toString();
            case ModelSpec.Llama2c l -> l.checkpoint().getFileName().toString();
        };
        return ModelNames.fromPath(raw);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
        }
    }

    private static String shortHash(CharSequence s) {
        return Sha256.hex(s).substring(0, 10);
    }

    public int port() {
        return app.port();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : h) + ":" + port();
    }

    public boolean keysRequired() {
        return keysRequired;
    }

    public ModelRegistry registry() {
        return registry;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            registry.close();
        }
    }
}
