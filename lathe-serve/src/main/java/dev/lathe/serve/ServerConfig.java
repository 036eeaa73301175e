package dev.lathe.serve;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lathe.serve.limits.RateLimits;
import dev.lathe.serve.scheduler.SchedulerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code lathe serve} runs: what to serve and how to guard it. Read from a YAML or JSON file
 * (snake_case keys, unknown keys refused; relative paths are relative to the file), and overridden by
 * command-line options. See docs/serving.md for an example.
 *
 * @param host interface to bind; loopback by default
 * @param port TCP port; 0 picks a free one
 * @param models base models, each {@code {name, model, tokenizer}} with {@code model} in any form
 *     {@code --model} accepts
 * @param adapters named adapters, each {@code {name, base, path}} (a PEFT LoRA folder)
 * @param embeddingModels BERT-family sentence embedders (Hugging Face folders), {@code /v1/embeddings} only
 * @param apiKeys the keys file (see {@link dev.lathe.serve.auth.KeyStore}); null = none
 * @param requireApiKey null = required unless bound to loopback
 * @param corsOrigins browser origins allowed ("*" for any); empty = CORS off
 * @param maxBodyBytes largest request body accepted
 * @param rateLimits default per-key limits (a key's own limits override them)
 * @param scheduler batching settings, per served model
 * @param adapterMemoryMb memory for merged adapter weights before the least recently used is unloaded
 * @param logPrompts whether access-log lines include prompt text
 */
public record ServerConfig(String host, Integer port, List<ModelEntry> models, List<AdapterEntry> adapters,
        List<ModelEntry> embeddingModels, Path apiKeys,
        Boolean requireApiKey, List<String> corsOrigins, Long maxBodyBytes, Limits rateLimits, Scheduling scheduler,
        Long adapterMemoryMb, Boolean logPrompts) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;
    public static final long DEFAULT_ADAPTER_MEMORY_MB = 2048;

    public ServerConfig {
        host = host == null ? DEFAULT_HOST : host;
        port = port == null ? DEFAULT_PORT : port;
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        models = models == null ? List.of() : List.copyOf(models);
        adapters = adapters == null ? List.of() : List.copyOf(adapters);
        embeddingModels = embeddingModels == null ? List.of() : List.copyOf(embeddingModels);
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
        maxBodyBytes = maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("max_body_bytes must be at least 1024");
        rateLimits = rateLimits == null ? new Limits(null, null) : rateLimits;
        scheduler = scheduler == null ? new Scheduling(null, null, null, null) : scheduler;
        adapterMemoryMb = adapterMemoryMb == null ? DEFAULT_ADAPTER_MEMORY_MB : adapterMemoryMb;
        logPrompts = logPrompts != null && logPrompts;
    }

    /** A base model: its served name (null = from the folder or file name) and spec. */
    public record ModelEntry(String name, String model, Path tokenizer) {}

    /** An adapter: served name, base model name, PEFT folder. */
    public record AdapterEntry(String name, String base, Path path) {}

    /** Default per-key limits; null = unlimited. */
    public record Limits(Integer requestsPerMinute, Integer tokensPerMinute) {
        public RateLimits toRateLimits() {
            return new RateLimits(requestsPerMinute, tokensPerMinute);
        }
    }

    /** Scheduler settings; null = {@link SchedulerConfig}'s defaults. */
    public record Scheduling(Integer maxBatch, Integer queueCapacity, Integer requestTimeoutSeconds,
            Integer maxPrefillTokensPerStep) {
        public SchedulerConfig toSchedulerConfig() {
            SchedulerConfig c = SchedulerConfig.defaults();
            if (maxBatch != null) c = c.withMaxBatch(maxBatch);
            if (queueCapacity != null) c = c.withQueueCapacity(queueCapacity);
            if (requestTimeoutSeconds != null) c = c.withRequestTimeout(Duration.ofSeconds(requestTimeoutSeconds));
            if (maxPrefillTokensPerStep != null) c = c.withMaxPrefillTokensPerStep(maxPrefillTokensPerStep);
            return c;
        }
    }

    /** An empty configuration (everything default, nothing served yet). */
    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Reads a YAML ({@code .yaml}/{@code .yml}) or JSON file; relative paths resolve against its folder. */
    public static ServerConfig read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        ObjectMapper mapper = (name.endsWith(".yaml") || name.endsWith(".yml")
                ? JsonMapper.builder(new YAMLFactory()) : JsonMapper.builder())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        ServerConfig c;
        try {
            c = mapper.readValue(Files.readAllBytes(file), ServerConfig.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
        if (c == null) return defaults();
        return c.resolvedAgainst(file.toAbsolutePath().getParent());
    }

    private ServerConfig resolvedAgainst(Path dir) {
        List<ModelEntry> m = new ArrayList<>();
        for (ModelEntry e : models) {
            if (e.model() == null) throw new IllegalArgumentException("models: every entry needs 'model'");
            String spec = e.model().startsWith("hf:") || Path.of(e.model()).isAbsolute() ? e.model()
                    : dir.resolve(e.model()).toString();
            m.add(new ModelEntry(e.name(), spec, e.tokenizer() == null ? null : dir.resolve(e.tokenizer())));
        }
        List<AdapterEntry> a = new ArrayList<>();
        for (AdapterEntry e : adapters) {
            if (e.name() == null || e.base() == null || e.path() == null) {
                throw new IllegalArgumentException("adapters: every entry needs 'name', 'base' and 'path'");
            }
            a.add(new AdapterEntry(e.name(), e.base(), dir.resolve(e.path())));
        }
        List<ModelEntry> e = new ArrayList<>();
        for (ModelEntry x : embeddingModels) {
            if (x.model() == null) throw new IllegalArgumentException("embedding_models: every entry needs 'model'");
            e.add(new ModelEntry(x.name(), dir.resolve(x.model()).toString(), null));
        }
        return new ServerConfig(host, port, m, a, e, apiKeys == null ? null : dir.resolve(apiKeys), requireApiKey,
                corsOrigins, maxBodyBytes, rateLimits, scheduler, adapterMemoryMb, logPrompts);
    }

    /** This configuration with more models and adapters (command-line additions). */
    public ServerConfig with(List<ModelEntry> moreModels, List<AdapterEntry> moreAdapters) {
        List<ModelEntry> m = new ArrayList<>(models);
        m.addAll(moreModels);
        List<AdapterEntry> a = new ArrayList<>(adapters);
        a.addAll(moreAdapters);
        return new ServerConfig(host, port, m, a, embeddingModels, apiKeys, requireApiKey, corsOrigins, maxBodyBytes,
                rateLimits, scheduler, adapterMemoryMb, logPrompts);
    }

    /** This configuration with more embedding models. */
    public ServerConfig withEmbeddingModels(List<ModelEntry> more) {
        List<ModelEntry> e = new ArrayList<>(embeddingModels);
        e.addAll(more);
        return new ServerConfig(host, port, models, adapters, e, apiKeys, requireApiKey, corsOrigins, maxBodyBytes,
                rateLimits, scheduler, adapterMemoryMb, logPrompts);
    }

    /** This configuration bound to {@code host}/{@code port} and using {@code keys} where given (non-null). */
    public ServerConfig withOverrides(String newHost, Integer newPort, Path keys, Boolean require) {
        return new ServerConfig(newHost != null ? newHost : host, newPort != null ? newPort : port, models, adapters,
                embeddingModels, keys != null ? keys : apiKeys, require != null ? require : requireApiKey, corsOrigins, maxBodyBytes,
                rateLimits, scheduler, adapterMemoryMb, logPrompts);
    }
}
