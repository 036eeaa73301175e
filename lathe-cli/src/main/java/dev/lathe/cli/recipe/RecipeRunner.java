package dev.lathe.cli.recipe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.optim.AdamW;
import dev.lathe.models.hub.ModelRef;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.models.load.ModelSpec;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.tune.data.ColumnMapping;
import dev.lathe.tune.data.DatasetPreparation;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.Shape;
import dev.lathe.tune.data.clean.CleaningPipeline;
import dev.lathe.tune.data.clean.LengthLimits;
import dev.lathe.tune.data.clean.NearDuplicates;
import dev.lathe.tune.data.clean.pii.PiiRedactor;
import dev.lathe.tune.data.clean.pii.PiiRegistry;
import dev.lathe.tune.data.read.DatasetReader;
import dev.lathe.tune.data.report.ReportWriter;
import dev.lathe.tune.data.split.SplitConfig;
import dev.lathe.tune.data.split.Splits;
import dev.lathe.tune.data.tokenize.ExampleTokenizer;
import dev.lathe.tune.data.tokenize.PromptFormat;
import dev.lathe.tune.data.tokenize.TokenizationConfig;
import dev.lathe.tune.data.tokenize.TokenizationReport;
import dev.lathe.tune.data.tokenize.TokenizedSplit;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.ia3.IA3Config;
import dev.lathe.tune.peft.ia3.IA3Model;
import dev.lathe.tune.peft.prefix.PrefixTuningConfig;
import dev.lathe.tune.peft.prefix.PrefixTuningModel;
import dev.lathe.tune.peft.prompt.PromptTuningConfig;
import dev.lathe.tune.peft.prompt.PromptTuningModel;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import dev.lathe.tune.train.FullFineTuning;
import dev.lathe.tune.train.LoraTraining;
import dev.lathe.tune.train.PeftTraining;
import dev.lathe.tune.train.TokenizedExample;
import dev.lathe.tune.train.TrainableModel;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Carries out a {@link Recipe} end to end, the reusable core of {@code lathe tune} (the quickstart runs
 * recipes through it too): load the model (its tokenizer counts tokens for the report), prepare the data
 * (read, clean, split; the dataset report on the console and as JSON), tokenize it, measure the base
 * model's validation and test loss, train, measure again, and write the outputs into a fresh run folder:
 * the adapter in PEFT's format ({@code adapter/}) or the fully tuned model as a Hugging Face folder
 * ({@code model/}), {@code metrics.jsonl}, checkpoints, the reports and {@code summary.json}. Every method
 * of the schema runs: full, BitFit, LoRA, prompt tuning, prefix tuning and IA3 here, classification heads
 * in {@link ClassificationRun}.
 */
public final class RecipeRunner {
    static final String SUMMARY_FILE = "summary.json";
    static final String BASELINE_FILE = "baseline.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    private final ModelLoader loader;
    private final PrintStream console;

    public RecipeRunner(ModelLoader loader, PrintStream console) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.console = Objects.requireNonNull(console, "console");
    }

    /**
     * Command-line settings that replace the recipe's; null (false for {@code resume}) leaves the recipe's.
     * {@code epochs} also clears the recipe's {@code max_steps} (so the epochs count); {@code output}
     * resolves against the working directory, as command-line paths do.
     */
    public record Overrides(Long maxSteps, Path output, boolean resume, Double lr, Integer epochs, Integer batchSize,
            Long seed) {
        public static final Overrides NONE = new Overrides(null, null, false, null, null, null, null);

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (maxSteps != null) m.put("max_steps", maxSteps);
            if (output != null) m.put("output", output.toString());
            if (resume) m.put("resume", true);
            if (lr != null) m.put("lr", lr);
            if (epochs != null) m.put("epochs", epochs);
            if (batchSize != null) m.put("batch_size", batchSize);
            if (seed != null) m.put("seed", seed);
            return m;
        }
    }

    /** The recipe with the overrides applied (and checked as the recipe's own values are). */
    public static Recipe apply(Recipe r, Overrides o) {
        Recipe.Training t = r.training();
        Integer epochs = o.epochs() != null ? o.epochs() : t.epochs();
        Long maxSteps = o.maxSteps() != null ? o.maxSteps() : o.epochs() != null ? Long.valueOf(0) : t.maxSteps();
        try {
            Recipe.Training nt = t.with(epochs, maxSteps, o.batchSize() != null ? o.batchSize() : t.batchSize(),
                    o.lr() != null ? o.lr() : t.lr(), o.seed() != null ? o.seed() : t.seed());
            return new Recipe(r.name(), r.data(), r.cleaning(), r.split(), r.model(), r.tokenization(), r.method(), nt,
                    r.output());
        } catch (InvalidField e) {
            throw new RecipeException("--" + e.field().replace('_', '-') + ": " + e.getMessage());
        }
    }

    /** Parses and runs the recipe file. */
    public RunSummary run(Path recipeFile, Overrides overrides) throws IOException {
        Recipe recipe = RecipeParser.parse(recipeFile);
        Path folder = recipeFile.toAbsolutePath().getParent();
        String stem = recipeFile.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
        return run(recipe, folder, stem, recipeFile.toString(), overrides);
    }

    /**
     * Runs {@code recipe}; relative paths in it resolve against {@code folder}; {@code defaultName} names the
     * run when the recipe does not; {@code source} names the recipe in messages and the summary.
     */
    public RunSummary run(Recipe recipe, Path folder, String defaultName, String source, Overrides overrides)
            throws IOException {
        Recipe r = apply(recipe, overrides);
        checkMethod(r, source);
        Path data = folder.resolve(r.data().path()).normalize();
        if (!Files.isRegularFile(data)) {
            throw new RecipeException(source + ": data.path: the dataset " + data + " does not exist"
                    + " (relative paths resolve against the recipe's folder)");
        }
        Path testData = testData(r, folder, source);
        boolean classification = r.method() instanceof Method.Classification;
        ModelSpec spec = classification ? null : modelSpec(r.model(), folder, source);
        String name = r.name() != null ? r.name() : defaultName;
        Path root = overrides.output() != null ? overrides.output() : folder.resolve(r.output().dir()).normalize();
        Path runDir = runFolder(root, name, overrides.resume());
        if (classification) {
            console.println("lathe tune: " + name + " -> " + runDir);
            return ClassificationRun.run(this, loader, console, r, folder, source, name, data, testData, runDir,
                    overrides);
        }

        console.println("lathe tune: " + name + " -> " + runDir);
        try (LoadedModel model = loader.load(spec)) {
            ExampleTokenizer tokenizer = tokenizer(r.tokenization(), model, source);
            int virtual = r.method() instanceof Method.PromptTuning p ? p.numVirtualTokens() : 0;
            if (tokenizer.config().maxLength() + virtual > model.model().contextLength()) {
                throw new RecipeException(source + ": tokenization.max_length " + tokenizer.config().maxLength()
                        + " plus " + virtual + " virtual tokens exceeds the model's context length "
                        + model.model().contextLength());
            }
            Splits splits = prepare(r, data, testData, model.tokenizer(), runDir);
            List<TokenizedSplit> tokenized = List.of(tokenizer.tokenize("train", splits.train()),
                    tokenizer.tokenize("validation", splits.validation()), tokenizer.tokenize("test", splits.test()));
            TokenizationReport tokReport = TokenizationReport.of(tokenizer, tokenized);
            console.print(tokReport.toTable());
            writeJson(runDir.resolve("tokenization_report.json"), tokReport);
            return train(r, source, name, spec, model, tokenized, runDir, overrides);
        }
    }

    /** The recipe's {@code data.test_path} resolved against its folder, or null; checked to exist and to fit the split. */
    private static Path testData(Recipe r, Path folder, String source) {
        if (r.data().testPath() == null) {
            return null;
        }
        Path file = folder.resolve(r.data().testPath()).normalize();
        if (!Files.isRegularFile(file)) {
            throw new RecipeException(source + ": data.test_path: the test file " + file + " does not exist"
                    + " (relative paths resolve against the recipe's folder)");
        }
        if (r.split().test() > 0) {
            throw new RecipeException(source + ": data.test_path gives the test set, so split.test must be 0 (it is "
                    + r.split().test() + "); share the data between train and validation, e.g. split: {train: 0.9,"
                    + " validation: 0.1, test: 0}");
        }
        return file;
    }

    private static void checkMethod(Recipe r, String source) {
        switch (r.method()) {
            case Method.Classification c -> {
                return;
            }
            default -> { }
        }
        if (r.training().earlyStopping() != null && !r.training().earlyStopping().metric().equals("val_loss")) {
            throw new RecipeException(source + ": training.early_stopping.metric '" + r.training().earlyStopping().metric()
                    + "' applies to classification; language-model tuning stops on val_loss");
        }
    }

    /** The recipe's model, relative paths against the recipe's folder. */
    static ModelSpec modelSpec(Recipe.Model m, Path folder, String source) {
        String path = m.path();
        String resolved = ModelRef.isHubReference(path) ? path : folder.resolve(path).normalize().toString();
        Path tokenizer = m.tokenizer() == null ? null : folder.resolve(m.tokenizer()).normalize();
        try {
            return ModelSpec.parse(resolved, tokenizer);
        } catch (IllegalArgumentException e) {
            throw new RecipeException(source + ": model: " + e.getMessage(), e);
        }
    }

    private static Path runFolder(Path root, String name, boolean resume) throws IOException {
        if (!resume) {
            return RunFolders.fresh(root, name);
        }
        return RunFolders.latest(root, name).orElseThrow(() -> new RecipeException("--resume: there is no earlier run"
                + " of '" + name + "' in " + root + " to resume"));
    }

    private ExampleTokenizer tokenizer(Recipe.Tokenization t, LoadedModel model, String source) {
        PromptFormat format = switch (t.format()) {
            case "plain" -> new PromptFormat.Plain();
            case "chat_template" -> new PromptFormat.Templated(model.chatTemplate());
            default -> PromptFormat.forModel(model.chatTemplate(), model.ownChatTemplate());
        };
        int context = model.model().contextLength();
        int max = t.maxLength() > 0 ? t.maxLength() : Math.min(512, context);
        if (max > context) {
            throw new RecipeException(source + ": tokenization.max_length " + max + " exceeds the model's context length "
                    + context);
        }
        return new ExampleTokenizer(model.tokenizer(), format, new TokenizationConfig(max,
                TokenizationConfig.Truncation.valueOf(t.truncation().toUpperCase(Locale.ROOT)),
                t.lossOn().equals("all") ? TokenizationConfig.LossOn.ALL : TokenizationConfig.LossOn.COMPLETION,
                t.packing()));
    }

    /**
     * Read, clean, split; prints and writes the dataset report. With {@code testData} (non-null) that file,
     * cleaned the same way, is the test part (see {@link HeldOutTestSet}).
     */
    Splits prepare(Recipe r, Path data, Path testData, Tokenizer tokenizer, Path runDir) throws IOException {
        Recipe.Data d = r.data();
        Shape shape = d.shape() == null ? null : Shape.valueOf(d.shape().toUpperCase(Locale.ROOT));
        List<Example> read = DatasetReader.read(data, new ColumnMapping(d.columns()), shape);
        if (d.maxRecords() > 0 && read.size() > d.maxRecords()) {
            read = sample(read, d.maxRecords(), r.split().seed());
        }
        java.util.function.ToIntFunction<String> tokens = text -> tokenizer.encode(text, false).length;
        Recipe.Cleaning c = r.cleaning();
        boolean anyLimit = c.minChars() > 0 || c.maxChars() > 0 || c.minTokens() > 0 || c.maxTokens() > 0;
        CleaningPipeline cleaning = CleaningPipeline.standard(c.pii() ? new PiiRedactor(PiiRegistry.withDefaults()) : null,
                c.nearDuplicates() > 0 ? NearDuplicates.Config.defaults().withThreshold(c.nearDuplicates()) : null,
                anyLimit ? new LengthLimits(c.minChars(), c.maxChars(), tokens, c.minTokens(), c.maxTokens()) : null);
        Recipe.Split s = r.split();
        var prepared = DatasetPreparation.builder().mapping(new ColumnMapping(d.columns())).shape(shape)
                .cleaning(cleaning)
                .split(new SplitConfig(s.train(), s.validation(), s.test(), s.seed(), s.stratify(),
                        c.nearDuplicates() > 0 ? NearDuplicates.Config.defaults().withThreshold(c.nearDuplicates()) : null))
                .tokenCounter(tokens).build().prepare(data.toString(), read);
        console.print(ReportWriter.toTable(prepared.report()));
        ReportWriter.writeJson(prepared.report(), runDir.resolve("data_report.json"));
        return testData == null ? prepared.splits() : HeldOutTestSet.apply(prepared.splits(), testData,
                new ColumnMapping(d.columns()), shape, cleaning, console, runDir);
    }

    /**
     * {@code n} records drawn at random with {@code seed}, kept in file order: a sample, not the file's
     * first rows, because datasets are often sorted (Bitext by intent).
     */
    static List<Example> sample(List<Example> records, int n, long seed) {
        Integer[] idx = new Integer[records.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Collections.shuffle(java.util.Arrays.asList(idx), new java.util.Random(seed));
        return java.util.Arrays.stream(idx, 0, n).sorted().map(records::get).toList();
    }

    private RunSummary train(Recipe r, String source, String name, ModelSpec spec, LoadedModel model,
            List<TokenizedSplit> tokenized, Path runDir, Overrides overrides) throws IOException {
        List<TokenizedExample> train = tokenized.get(0).examples();
        List<TokenizedExample> validation = tokenized.get(1).examples();
        List<TokenizedExample> test = tokenized.get(2).examples();
        if (train.isEmpty()) {
            throw new RecipeException(source + ": no training sequences are left after cleaning, splitting and"
                    + " tokenization (see the reports above)");
        }
        if (validation.isEmpty()) {
            throw new RecipeException(source + ": the validation split is empty, but the run measures the validation"
                    + " loss before and after training; give split.validation a share (e.g. 0.1)");
        }
        Recipe.Training t = r.training();
        TrainableModel trainable = trainable(r, spec, model);
        long count = trainable.trainableParameters().values().stream().mapToLong(x -> x.numel()).sum();
        int padId = model.tokenizer().pad().or(() -> model.tokenizer().eos()).map(x -> x.id()).orElse(0);
        TrainerConfig config = trainerConfig(t, runDir, padId).build();
        Trainer trainer = new Trainer(trainable, train, validation, config);
        console.printf(Locale.ROOT, "method %s: %,d trainable parameters; %d training sequences, %d steps%n",
                r.method().type(), count, train.size(), trainer.totalSteps());

        RunSummary.Figures[] before;
        if (overrides.resume()) {
            before = readBaseline(runDir);
            if (!trainer.resume()) {
                throw new RecipeException("--resume: " + runDir + " has no complete checkpoint (set training.save_steps"
                        + " so that runs write them)");
            }
            console.println("resumed " + runDir + " at step " + trainer.step());
        } else {
            before = new RunSummary.Figures[] {figures(trainer.evaluate()), evaluate(trainable, test, config)};
            writeJson(runDir.resolve(BASELINE_FILE), Map.of("validation", before[0], "test", before[1] == null
                    ? Map.of() : before[1]));
        }
        console.printf(Locale.ROOT, "base model: validation loss %.4f, perplexity %.3f%n", before[0].loss(),
                before[0].perplexity());

        long start = System.nanoTime();
        Trainer.Result result = trainer.train();
        double seconds = (System.nanoTime() - start) / 1e9;
        RunSummary.Figures valAfter = figures(trainer.evaluate());
        RunSummary.Figures testAfter = evaluate(trainable, test, config);
        console.printf(Locale.ROOT, "tuned model: validation loss %.4f, perplexity %.3f (base %.4f, %.3f)%n",
                valAfter.loss(), valAfter.perplexity(), before[0].loss(), before[0].perplexity());

        Path weights = saveWeights(trainable, model, runDir);
        double tps = result.steps().stream().mapToDouble(Trainer.StepMetrics::tokensPerSecond).average().orElse(0);
        Map<String, Integer> records = new LinkedHashMap<>();
        Map<String, Integer> sequences = new LinkedHashMap<>();
        for (TokenizedSplit s : tokenized) {
            records.put(s.name(), s.records());
            sequences.put(s.name(), s.examples().size());
        }
        RunSummary summary = new RunSummary(source, name, runDir.toString(), spec.describe(), r.method().type(), count,
                records, sequences, before[0], valAfter, before[1], testAfter, result.finalStep(), result.stoppedEarly(),
                result.bestStep(), seconds, tps, weights.toString(), overrides.asMap());
        writeJson(runDir.resolve(SUMMARY_FILE), summary);
        console.println("wrote " + weights + ", " + runDir.resolve("metrics.jsonl") + " and "
                + runDir.resolve(SUMMARY_FILE));
        return summary;
    }

    private static TrainableModel trainable(Recipe r, ModelSpec spec, LoadedModel model) {
        return switch (r.method()) {
            case Method.Full f -> TrainableModel.fullFineTuning(model.model(), f.freeze());
            case Method.Lora l -> {
                TargetModules targets = l.targetRegex() != null ? TargetModules.matching(l.targetRegex())
                        : TargetModules.of(l.targetModules().toArray(String[]::new));
                LoraConfig config = LoraConfig.of(l.r(), l.alpha(), targets).withDropout(l.dropout())
                        .withRslora(l.rslora()).withBaseModel(baseModelName(spec));
                yield TrainableModel.lora(LoraModel.create(model.model(), "default", config, r.training().seed()),
                        "default");
            }
            case Method.BitFit b -> TrainableModel.bitFit(model.model());
            case Method.PromptTuning p -> {
                AdapterBase.Decoder base = new AdapterBase.Decoder(model.model());
                PromptTuningConfig config = PromptTuningConfig.of(base, p.numVirtualTokens())
                        .withBaseModel(baseModelName(spec));
                int[] initIds = null;
                if (p.initText() != null) {
                    // PEFT tokenises the init text with the tokenizer's special tokens.
                    config = config.withTextInit(p.initText(), baseModelName(spec));
                    initIds = model.tokenizer().encode(p.initText(), true);
                }
                yield TrainableModel.peft(PromptTuningModel.create(base, config, initIds, r.training().seed()));
            }
            case Method.PrefixTuning p -> {
                AdapterBase.Decoder base = new AdapterBase.Decoder(model.model());
                yield TrainableModel.peft(PrefixTuningModel.create(base, PrefixTuningConfig.of(base, p.numVirtualTokens())
                        .withBaseModel(baseModelName(spec)), r.training().seed()));
            }
            case Method.Ia3 i -> {
                TargetModules ff = i.feedforwardModules().isEmpty() ? null
                        : TargetModules.of(i.feedforwardModules().toArray(String[]::new));
                IA3Config config = IA3Config.of(TargetModules.of(i.targetModules().toArray(String[]::new)), ff)
                        .withBaseModel(baseModelName(spec));
                yield TrainableModel.peft(new IA3Model(new AdapterBase.Decoder(model.model()), config, r.training().seed()));
            }
            case Method.Classification c -> throw new IllegalStateException("classification runs in ClassificationRun");
        };
    }

    /** The trainer settings of the recipe's training section. */
    TrainerConfig.Builder trainerConfig(Recipe.Training t, Path runDir, int padId) {
        TrainerConfig.Builder cb = TrainerConfig.builder(runDir).epochs(t.epochs()).maxSteps(t.maxSteps())
                .batchSize(t.batchSize()).gradAccumulation(t.gradAccumulation())
                .optimizer(AdamW.Config.defaults().withLr(t.lr()).withWeightDecay(t.weightDecay()))
                .schedule(TrainerConfig.ScheduleKind.valueOf(t.schedule().toUpperCase(Locale.ROOT)))
                .warmupSteps(t.warmupSteps()).maxGradNorm(t.maxGradNorm()).seed(t.seed()).padId(padId)
                .evalSteps(t.evalSteps()).keepBest(t.keepBest()).saveSteps(t.saveSteps()).keepLast(t.keepLast())
                .console(console);
        if (t.earlyStopping() != null) {
            cb.earlyStopping(t.earlyStopping().patience(), t.earlyStopping().minDelta());
        }
        return cb;
    }

    /** PEFT's {@code base_model_name_or_path}: the hub repository id, or the model's path. */
    static String baseModelName(ModelSpec spec) {
        return switch (spec) {
            case ModelSpec.Hub h -> h.ref().repoId();
            case ModelSpec.HfFolder f -> f.dir().toString();
            case ModelSpec.Gguf g -> g.file().toString();
            case ModelSpec.Llama2c l -> l.checkpoint().toString();
        };
    }

    /** The test split's figures with the model as it is now, or null when the split is empty. */
    private static RunSummary.Figures evaluate(TrainableModel model, List<TokenizedExample> examples,
            TrainerConfig config) {
        if (examples.isEmpty()) {
            return null;
        }
        // An evaluation-only trainer over the same model: evaluate() never trains or writes.
        TrainerConfig eval = TrainerConfig.builder(config.outputDir()).maxSteps(1).batchSize(config.batchSize())
                .padId(config.padId()).build();
        return figures(new Trainer(model, examples, examples, eval).evaluate());
    }

    private static RunSummary.Figures figures(Trainer.Evaluation e) {
        return new RunSummary.Figures(e.loss(), e.perplexity());
    }

    /** The validation and test figures (test null when there was none) a run measured before training. */
    static RunSummary.Figures[] readBaseline(Path runDir) throws IOException {
        Path file = runDir.resolve(BASELINE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new RecipeException("--resume: " + runDir + " has no " + BASELINE_FILE + " (the run stopped before"
                    + " it measured the base model); start a new run instead");
        }
        var n = JSON.readTree(file.toFile());
        var test = n.path("test");
        return new RunSummary.Figures[] {figures(n.path("validation")), test.has("loss") ? figures(test) : null};
    }

    /** Figures as {@link #writeJson} wrote them; accuracy and macro-F1 only where present (classification). */
    private static RunSummary.Figures figures(com.fasterxml.jackson.databind.JsonNode f) {
        return new RunSummary.Figures(f.path("loss").asDouble(), f.path("perplexity").asDouble(),
                f.has("accuracy") ? f.get("accuracy").asDouble() : null,
                f.has("macro_f1") ? f.get("macro_f1").asDouble() : null);
    }

    /**
     * The final weights: a LoRA adapter as a PEFT folder {@code adapter/}; a fully tuned model as a Hugging
     * Face folder {@code model/} (the base's config, tokenizer and generation files beside the new
     * safetensors), loadable with {@code --model}.
     */
    private static Path saveWeights(TrainableModel trainable, LoadedModel model, Path runDir) throws IOException {
        switch (trainable) {
            case LoraTraining l -> {
                Path dir = runDir.resolve("adapter");
                LoraAdapters.save(l.model(), "default", dir);
                return dir;
            }
            case PeftTraining p -> {
                Path dir = runDir.resolve("adapter");
                p.adapter().save(dir);
                return dir;
            }
            case FullFineTuning f -> {
                Path dir = runDir.resolve("model");
                AtomicFolder.replace(dir, tmp -> {
                    f.save(tmp);
                    for (String file : List.of("config.json", "generation_config.json", "tokenizer.json",
                            "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja")) {
                        Path src = model.folder().resolve(file);
                        if (Files.isRegularFile(src)) {
                            AtomicFile.write(tmp.resolve(file), Files.readAllBytes(src));
                        }
                    }
                });
                return dir;
            }
        }
    }

    static void writeJson(Path file, Object value) throws IOException {
        AtomicFile.write(file, (JSON.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
