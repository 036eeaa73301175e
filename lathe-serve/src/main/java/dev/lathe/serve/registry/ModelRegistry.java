package dev.lathe.serve.registry;

import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.embeddings.EmbeddingService;
import dev.lathe.serve.scheduler.Scheduler;
import dev.lathe.serve.scheduler.SchedulerConfig;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The served names: bases (loaded by the caller, owned here from then on) and adapters (a base plus a PEFT
 * LoRA folder), loaded on first use by merging the adapter into a copy of the base's adapted projections.
 * Loaded adapters beyond {@code adapterBudgetBytes} are unloaded least recently used first (never one in
 * use: unloading waits for its leases). {@link #reload} unloads adapters whose folder changed so the next
 * request loads the new weights, and picks up adapters added to the definitions.
 */
public final class ModelRegistry implements AutoCloseable {
    /** LoRA dropout seed; inference never draws it. */
    private static final long LORA_SEED = 0;

    private final SchedulerConfig schedulerConfig;
    private final MeterRegistry meters;
    private final long adapterBudgetBytes;
    private final Consumer<String> log;
    private final Map<String, ServedModel> bases = new LinkedHashMap<>();
    private final Map<String, AdapterDefinition> adapters = new LinkedHashMap<>();
    private final Map<String, LoadedAdapter> loaded = new LinkedHashMap<>();
    private final Map<String, Embedder> embedders = new LinkedHashMap<>();

    /** An embedding-only model (BERT family): its service and what closes its weights. */
    private record Embedder(EmbeddingService service, Runnable closer, long created) {}
    private final Map<String, PipelineEntry> pipelines = new LinkedHashMap<>();

    private record PipelineEntry(ChatPipeline pipeline, long created) {}

    /** An adapter as configured: its name, its base's name and its PEFT folder. */
    public record AdapterDefinition(String name, String base, Path dir) {
        public AdapterDefinition {
            ModelNames.require(name, "adapter");
            ModelNames.require(base, "base model");
        }
    }

    private record LoadedAdapter(ServedModel served, String fingerprint) {}

    public ModelRegistry(SchedulerConfig schedulerConfig, MeterRegistry meters, long adapterBudgetBytes,
            Consumer<String> log) {
        this.schedulerConfig = schedulerConfig;
        this.meters = meters;
        this.adapterBudgetBytes = adapterBudgetBytes;
        this.log = log;
    }

    /** Serves {@code model} as {@code name}; the registry closes it. */
    public synchronized void addBase(String name, LoadedModel model) {
        ModelNames.require(name, "model");
        if (bases.containsKey(name) || adapters.containsKey(name)) {
            throw new IllegalArgumentException("two models are named '" + name + "'; give each a distinct name");
        }
        Scheduler s = new Scheduler(model.model(), model.decoder(), schedulerConfig, meters, name);
        bases.put(name, new ServedModel(name, model, s, null, nowSeconds(), 0, model::close));
    }

    /**
     * Serves {@code service} as embedding-only model {@code name} ({@code /v1/embeddings} only);
     * {@code closer} frees its weights when the registry closes.
     */
    public synchronized void addEmbedder(String name, EmbeddingService service, Runnable closer) {
        ModelNames.require(name, "model");
        if (bases.containsKey(name) || adapters.containsKey(name) || embedders.containsKey(name)) {
            throw new IllegalArgumentException("two models are named '" + name + "'; give each a distinct name");
        }
        embedders.put(name, new Embedder(service, closer, nowSeconds()));
    }

    /** The embedding-only model named {@code name}, if there is one. */
    public synchronized Optional<EmbeddingService> embedder(String name) {
        Embedder e = embedders.get(name);
        return e == null ? Optional.empty() : Optional.of(e.service());
    }

    /** Defines adapter {@code def} (loaded on first use); its base must be served. */
    public synchronized void defineAdapter(AdapterDefinition def) {
        if (!bases.containsKey(def.base())) {
            throw new IllegalArgumentException("adapter '" + def.name() + "' names base '" + def.base()
                    + "', which is not served (served: " + String.join(", ", bases.keySet()) + ")");
        }
        if (bases.containsKey(def.name())) {
            throw new IllegalArgumentException("adapter '" + def.name() + "' has the name of a base model");
        }
        if (!Files.isDirectory(def.dir())) {
            throw new IllegalArgumentException("adapter '" + def.name() + "': no such folder " + def.dir());
        }
        AdapterDefinition old = adapters.put(def.name(), def);
        if (old != null && !old.equals(def)) unload(def.name());
    }

    /**
     * Serves {@code pipeline} as {@code name} on the chat route (see {@link ChatPipeline}); the models it
     * generates with must be served under their own names.
     */
    public synchronized void addPipeline(String name, ChatPipeline pipeline) {
        ModelNames.require(name, "pipeline");
        if (bases.containsKey(name) || adapters.containsKey(name) || embedders.containsKey(name)
                || pipelines.containsKey(name)) {
            throw new IllegalArgumentException("two models are named '" + name + "'; give each a distinct name");
        }
        pipelines.put(name, new PipelineEntry(java.util.Objects.requireNonNull(pipeline, "pipeline"), nowSeconds()));
    }

    /** The pipeline served as {@code name}, if that name is one. */
    public synchronized Optional<ChatPipeline> pipeline(String name) {
        PipelineEntry e = pipelines.get(name);
        return e == null ? Optional.empty() : Optional.of(e.pipeline());
    }

    /** Every servable name, bases first, with whether it is loaded now. */
    public synchronized List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        bases.values().forEach(b -> out.add(new Entry(b.name(), null, true, b.created())));
        adapters.values().forEach(a -> {
            LoadedAdapter l = loaded.get(a.name());
            out.add(new Entry(a.name(), a.base(), l != null, l == null ? bases.get(a.base()).created()
                    : l.served().created()));
        });
        embedders.forEach((name, e) -> out.add(new Entry(name, null, true, e.created())));
        pipelines.forEach((name, p) -> out.add(new Entry(name, null, true, p.created())));
        return out;
    }

    /** A servable name: {@code adapterOf} null for a base; {@code created} in Unix seconds. */
    public record Entry(String name, String adapterOf, boolean loaded, long created) {}

    /** The schedulers of the loaded models (for readiness and stats). */
    public synchronized List<ServedModel> loadedModels() {
        List<ServedModel> out = new ArrayList<>(bases.values());
        loaded.values().forEach(l -> out.add(l.served()));
        return out;
    }

    /**
     * A lease on the model named {@code name}, loading an adapter on first use; empty when no such name
     * is served. Release it with {@link Lease#close()} when the request is done.
     *
     * @throws UncheckedIOException when an adapter's folder cannot be read
     * @throws IllegalArgumentException when an adapter does not fit its base
     */
    public Optional<Lease> acquire(String name) {
        if (!ModelNames.valid(name)) return Optional.empty();
        while (true) {
            ServedModel m;
            synchronized (this) {
                m = bases.get(name);
                if (m == null) {
                    AdapterDefinition def = adapters.get(name);
                    if (def == null) return Optional.empty();
                    LoadedAdapter l = loaded.get(name);
                    if (l == null) {
                        l = load(def);
                        loaded.put(name, l);
                        evictOverBudget(name);
                    }
                    m = l.served();
                }
            }
            if (m.acquire()) return Optional.of(new Lease(m));
        }
    }

    /** A model in use by one request. */
    public static final class Lease implements AutoCloseable {
        private final ServedModel model;
        private boolean released;

        Lease(ServedModel model) {
            this.model = model;
        }

        public ServedModel model() {
            return model;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                model.release();
            }
        }
    }

    /**
     * Unloads loaded adapters whose folder changed since they were loaded (the next request loads the new
     * weights) and adapters no longer defined. Returns the names unloaded.
     */
    public synchronized List<String> reload() {
        List<String> unloaded = new ArrayList<>();
        for (Map.Entry<String, LoadedAdapter> e : List.copyOf(loaded.entrySet())) {
            AdapterDefinition def = adapters.get(e.getKey());
            if (def == null || !fingerprint(def.dir()).equals(e.getValue().fingerprint())) {
                unload(e.getKey());
                unloaded.add(e.getKey());
            }
        }
        return unloaded;
    }

    /** The adapter names defined now. */
    public synchronized List<String> adapterNames() {
        return List.copyOf(adapters.keySet());
    }

    /** Drops adapter definitions not in {@code keep} (for a config reload). */
    public synchronized void retainAdapters(java.util.Set<String> keep) {
        for (String name : List.copyOf(adapters.keySet())) {
            if (!keep.contains(name)) {
                unload(name);
                adapters.remove(name);
            }
        }
    }

    private LoadedAdapter load(AdapterDefinition def) {
        ServedModel base = bases.get(def.base());
        long started = System.nanoTime();
        String fingerprint = fingerprint(def.dir());
        LoraModel lora;
        try {
            lora = LoraAdapters.load(ReadOnlyWeights.of(base.model().model()), def.dir(), LORA_SEED);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read adapter '" + def.name() + "' from " + def.dir(), e);
        }
        lora.merge();
        DecoderModel merged = lora.mergedModel();
        LoadedModel b = base.model();
        LoadedModel model = new LoadedModel(b.folder(), b.config(), merged, b.tokenizer(), b.chatTemplate(),
                b.ownChatTemplate(), b.eosTokenIds(), b.defaults(), b.weights());
        long bytes = copiedBytes(merged);
        Scheduler s = new Scheduler(merged, model.decoder(), schedulerConfig, meters, def.name());
        log.accept("loaded adapter '" + def.name() + "' on '" + def.base() + "' from " + def.dir() + " in "
                + (System.nanoTime() - started) / 1_000_000 + " ms (" + bytes / (1 << 20) + " MiB of merged weights)");
        // The merged copies are ordinary tensors freed by the garbage collector; the base stays open.
        return new LoadedAdapter(new ServedModel(def.name(), model, s, def.base(), nowSeconds(), bytes, () -> {}),
                fingerprint);
    }

    /** Bytes of the projections the merge copied: the only writable weights, since the base was read-only. */
    static long copiedBytes(DecoderModel merged) {
        long bytes = 0;
        for (DecoderWeights.Layer l : merged.weights().layers()) {
            for (DecoderWeights.Linear x : ReadOnlyWeights.linears(l)) {
                Tensor w = x == null ? null : x.conv1d() != null ? x.conv1d().weight() : x.weight();
                if (w != null && !w.storage().isReadOnly()) bytes += w.storage().byteSize();
            }
        }
        return bytes;
    }

    private void evictOverBudget(String justLoaded) {
        long total = loaded.values().stream().mapToLong(l -> l.served().bytes()).sum();
        List<LoadedAdapter> byAge = new ArrayList<>(loaded.values());
        byAge.sort(Comparator.comparingLong(l -> l.served().lastUsedNanos()));
        for (LoadedAdapter l : byAge) {
            if (total <= adapterBudgetBytes) break;
            String name = l.served().name();
            if (name.equals(justLoaded) || l.served().leases() > 0) continue;
            total -= l.served().bytes();
            unload(name);
            log.accept("unloaded adapter '" + name + "' (least recently used; adapter memory budget "
                    + adapterBudgetBytes / (1 << 20) + " MiB)");
        }
    }

    private void unload(String name) {
        LoadedAdapter l = loaded.remove(name);
        if (l != null) l.served().retire();
    }

    /** Names, sizes and modification times of the folder's files: changes when an adapter is re-saved. */
    static String fingerprint(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path p : files.sorted().toList()) {
                if (Files.isRegularFile(p)) {
                    sb.append(p.getFileName()).append(':').append(Files.size(p)).append(':')
                            .append(Files.getLastModifiedTime(p).toMillis()).append(';');
                }
            }
            return sb.toString();
        } catch (IOException e) {
            return "unreadable:" + e.getMessage();
        }
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    @Override
    public synchronized void close() {
        loaded.keySet().stream().toList().forEach(this::unload);
        bases.values().forEach(ServedModel::retire);
        bases.clear();
        embedders.values().forEach(e -> e.closer().run());
        embedders.clear();
    }
}
