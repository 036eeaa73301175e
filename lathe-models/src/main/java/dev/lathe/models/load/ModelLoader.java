package dev.lathe.models.load;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.chat.ChatTemplate;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.WeightSource;
import dev.lathe.models.format.Weights;
import dev.lathe.models.format.gguf.GgufFile;
import dev.lathe.models.format.gguf.GgufToHf;
import dev.lathe.models.format.llama2c.Llama2cCheckpoint;
import dev.lathe.models.hub.DownloadListener;
import dev.lathe.models.hub.HfHub;
import dev.lathe.models.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns a {@link ModelSpec} into a {@link LoadedModel}: every form first becomes a Hugging Face folder
 * ({@link #resolve}), which is then loaded the one way.
 * <ul>
 *   <li>a folder is used as it is;</li>
 *   <li>{@code hf:Org/Name[@rev]} is downloaded by {@link HfHub} (configuration, tokenizer, safetensors)
 *       into the shared Hugging Face cache, and its snapshot folder is used;</li>
 *   <li>a {@code .gguf} file is converted once ({@link GgufToHf}: Q8_0/Q4_0 dequantized to F32, other
 *       types kept) into a folder of Lathe's cache ({@link LatheCache}) keyed by the file's path, size
 *       and modification time; later runs map that folder's safetensors. Converting costs disk space
 *       (the F32 size for quantized files) but keeps one loading path and makes later starts instant;</li>
 *   <li>a llama2.c {@code .bin} with its tokenizer {@code .bin} is imported the same way
 *       ({@link Llama2cCheckpoint#importTo}), keyed by both files.</li>
 * </ul>
 */
public final class ModelLoader {
    private final LatheCache cache;
    private final Supplier<HfHub> hub;
    private final DownloadListener downloads;
    private final Consumer<String> log;
    private HfHub hubInstance;

    /**
     * @param hub made on first use of a hub reference (so local models never read hub settings)
     * @param log told about slow steps (downloads, conversions); e.g. a line on standard error
     */
    public ModelLoader(LatheCache cache, Supplier<HfHub> hub, DownloadListener downloads, Consumer<String> log) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.downloads = Objects.requireNonNull(downloads, "downloads");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Lathe's cache and the hub as the environment configures them, progress bars on standard error. */
    public static ModelLoader fromEnvironment(Consumer<String> log) {
        return new ModelLoader(LatheCache.fromEnvironment(), HfHub::fromEnvironment, DownloadListener.console(), log);
    }

    public LatheCache cache() {
        return cache;
    }

    /** The hub client (made on first call). */
    public synchronized HfHub hub() {
        if (hubInstance == null) {
            hubInstance = hub.get();
        }
        return hubInstance;
    }

    /** The Hugging Face folder of {@code spec}: downloading or converting it first when needed. */
    public Path resolve(ModelSpec spec) throws IOException {
        return switch (spec) {
            case ModelSpec.HfFolder f -> f.dir();
            case ModelSpec.Hub h -> hub().download(h.ref(), downloads);
            case ModelSpec.Gguf g -> cache.converted(List.of(g.file()), dir -> {
                GgufToHf.convert(GgufFile.open(g.file())).writeTo(dir);
            }, log);
            case ModelSpec.Llama2c l -> {
                if (l.tokenizer() == null) {
                    throw new IllegalArgumentException("llama2.c checkpoint " + l.checkpoint() + " needs its tokenizer:"
                            + " pass --tokenizer tok.bin (llama2.c's tokenizer.bin, or the tokNNN.bin it was trained with)");
                }
                yield cache.converted(List.of(l.checkpoint(), l.tokenizer()),
                        dir -> Llama2cCheckpoint.importTo(l.checkpoint(), l.tokenizer(), dir), log);
            }
        };
    }

    /** Resolves and loads {@code spec} for generation. */
    public LoadedModel load(ModelSpec spec) throws IOException {
        return loadFolder(resolve(spec));
    }

    /**
     * Loads a Hugging Face folder for generation.
     *
     * @throws IllegalArgumentException when it is not a decoder (BERT), lacks tokenizer.json, or a file is bad
     */
    public static LoadedModel loadFolder(Path dir) throws IOException {
        ModelConfig config = ModelConfig.read(dir);
        if (!config.family().isDecoder()) {
            throw new IllegalArgumentException(dir + " is a " + config.family() + " encoder (model_type '"
                    + config.modelType() + "'): it embeds text and cannot generate; use a decoder model"
                    + " (llama, mistral, qwen2, gpt2)");
        }
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException(dir + " has no tokenizer.json: Lathe reads Hugging Face fast"
                    + " tokenizers (a llama2.c checkpoint needs --tokenizer tok.bin)");
        }
        GenerationDefaults defaults = GenerationDefaults.read(dir);
        Tokenizer tokenizer = Tokenizer.load(dir);
        Weights weights = null;
        try {
            weights = Weights.open(dir);
            DecoderModel model = DecoderFamilies.build(config, WeightSource.of(weights));
            Set<Integer> eos = new LinkedHashSet<>(config.eosTokenIds());
            tokenizer.eos().ifPresent(t -> eos.add(t.id()));
            ChatTemplate template = chatTemplate(dir, tokenizer);
            boolean own = !tokenizer.config().chatTemplates().isEmpty() || Files.isRegularFile(dir.resolve(CHAT_JINJA));
            return new LoadedModel(dir, config, model, tokenizer, template, own, eos, defaults, weights);
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            if (weights != null) {
                weights.close();
            }
            throw e;
        }
    }

    /** Newer Hugging Face repositories keep the template in its own file. */
    static final String CHAT_JINJA = "chat_template.jinja";

    static ChatTemplate chatTemplate(Path dir, Tokenizer tokenizer) throws IOException {
        Path jinja = dir.resolve(CHAT_JINJA);
        if (tokenizer.config().chatTemplates().isEmpty() && Files.isRegularFile(jinja)) {
            return ChatTemplate.of(Files.readString(jinja), tokenizer.config().bosToken(), tokenizer.config().eosToken());
        }
        return ChatTemplate.fromConfig(tokenizer.config());
    }

    /** What {@code lathe models info} shows, read without building the model. */
    public record ModelInfo(Path folder, ModelConfig config, long parameters, Map<String, Long> dtypes,
            long weightBytes, boolean hasTokenizer, int tokenizerVocab, String bos, String eos,
            boolean chatTemplate, GenerationDefaults defaults) {}

    /** Resolves {@code spec} and describes it (BERT included). */
    public ModelInfo inspect(ModelSpec spec) throws IOException {
        Path dir = resolve(spec);
        ModelConfig config = ModelConfig.read(dir);
        long params = 0;
        long bytes = 0;
        Map<String, Long> dtypes = new TreeMap<>();
        try (Weights w = Weights.open(dir)) {
            for (String name : w.names()) {
                Tensor t = w.tensor(name);
                params += t.numel();
                bytes += t.numel() * t.dtype().byteSize();
                dtypes.merge(t.dtype().toString(), t.numel(), Long::sum);
            }
        }
        boolean hasTokenizer = Files.isRegularFile(dir.resolve("tokenizer.json"));
        int vocab = 0;
        String bos = null;
        String eos = null;
        boolean chat = Files.isRegularFile(dir.resolve(CHAT_JINJA));
        if (hasTokenizer) {
            try (Tokenizer t = Tokenizer.load(dir)) {
                vocab = t.vocabSize();
                bos = t.bos().map(s -> s.content() + " (" + s.id() + ")").orElse(null);
                eos = t.eos().map(s -> s.content() + " (" + s.id() + ")").orElse(null);
                chat |= !t.config().chatTemplates().isEmpty();
            }
        }
        return new ModelInfo(dir, config, params, dtypes, bytes, hasTokenizer, vocab, bos, eos, chat,
                GenerationDefaults.read(dir));
    }
}
