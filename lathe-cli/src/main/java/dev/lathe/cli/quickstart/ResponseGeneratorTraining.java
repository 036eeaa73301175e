package dev.lathe.cli.quickstart;

import dev.lathe.engine.optim.AdamW;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelSpec;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.tokenize.ExampleTokenizer;
import dev.lathe.tune.data.tokenize.PromptFormat;
import dev.lathe.tune.data.tokenize.TokenizationConfig;
import dev.lathe.tune.data.tokenize.TokenizedSplit;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import dev.lathe.tune.train.TokenizedExample;
import dev.lathe.tune.train.TrainableModel;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Step 3b: the response generator, LoRA (r 8, alpha 16, dropout 0.05, all seven projections) over
 * instruction -> response pairs in the generator's prompt format, loss on the response tokens only, with
 * early stopping and keep-best on the validation loss. The base model's validation and test loss are
 * measured before training (a fresh LoRA adapter is the identity: B starts at zero), the tuned model's
 * after; the adapter is saved in PEFT's format as {@code adapter/}.
 */
final class ResponseGeneratorTraining {
    static final String ADAPTER = "default";
    static final List<String> TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj");

    /** Loss and perplexity (per response token) of one model on one split. */
    record Loss(double loss, double perplexity) {
        static Loss of(Trainer.Evaluation e) {
            return new Loss(e.loss(), e.perplexity());
        }
    }

    /** The saved adapter and the base/tuned figures. */
    record Trained(Path adapterDir, long trainableParameters, int trainSequences, long steps, boolean stoppedEarly,
            long bestStep, double trainSeconds, double tokensPerSecond, Loss baseValidation, Loss tunedValidation,
            Loss baseTest, Loss tunedTest) {}

    private ResponseGeneratorTraining() {}

    static Trained run(ModelSelection.Selected models, DataPreparation.PreparedData data, QuickstartSettings settings,
            Path runDir, StepConsole console) throws IOException {
        LoadedModel generator = models.generator();
        PromptFormat format = GeneratorPrompt.format(generator);
        int maxLength = Math.min(settings.generatorMaxLength(), generator.model().contextLength());
        ExampleTokenizer tokenizer = new ExampleTokenizer(generator.tokenizer(), format, new TokenizationConfig(maxLength,
                TokenizationConfig.Truncation.TRUNCATE_END, TokenizationConfig.LossOn.COMPLETION, false));
        List<TokenizedExample> train = tokenize(tokenizer, "train", data.splits().train());
        List<TokenizedExample> validation = tokenize(tokenizer, "validation", data.splits().validation());
        List<TokenizedExample> test = tokenize(tokenizer, "test", data.splits().test());

        LoraConfig config = LoraConfig.of(8, 16, TargetModules.of(TARGETS.toArray(String[]::new))).withDropout(0.05)
                .withBaseModel(baseModelName(models.generatorSpec()));
        LoraModel lora = LoraModel.create(generator.model(), ADAPTER, config, QuickstartSettings.SEED);
        TrainableModel trainable = TrainableModel.lora(lora, ADAPTER);
        long count = trainable.trainableParameters().values().stream().mapToLong(t -> t.numel()).sum();
        int padId = generator.tokenizer().pad().or(() -> generator.tokenizer().eos()).map(t -> t.id()).orElse(0);
        TrainerConfig trainerConfig = TrainerConfig.builder(runDir.resolve("generator-training"))
                .maxSteps(settings.generatorSteps()).batchSize(settings.generatorBatch())
                .optimizer(AdamW.Config.defaults().withLr(5e-3)).schedule(TrainerConfig.ScheduleKind.COSINE)
                .warmupSteps(Math.max(1, settings.generatorSteps() / 10)).maxGradNorm(1.0).seed(QuickstartSettings.SEED)
                .padId(padId).evalSteps(settings.generatorEvalSteps()).earlyStopping(3, 0.001).keepBest(true)
                .console(console.out()).build();
        Trainer trainer = new Trainer(trainable, train, validation, trainerConfig);
        console.println(String.format(java.util.Locale.ROOT, "LoRA: %,d trainable parameters; %,d training sequences"
                + " of at most %d tokens; up to %d steps of %d", count, train.size(), maxLength, trainer.totalSteps(),
                settings.generatorBatch()));
        Loss baseValidation = Loss.of(trainer.evaluate());
        Loss baseTest = evaluate(trainable, test, trainerConfig);
        long t0 = System.nanoTime();
        Trainer.Result result = trainer.train();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Loss tunedValidation = Loss.of(trainer.evaluate());
        Loss tunedTest = evaluate(trainable, test, trainerConfig);
        Path adapterDir = runDir.resolve("adapter");
        LoraAdapters.save(lora, ADAPTER, adapterDir);
        double tps = result.steps().stream().mapToDouble(Trainer.StepMetrics::tokensPerSecond).average().orElse(0);
        console.summary("Response generator: LoRA r 8 on %s (%,d trainable parameters), %,d steps of %d sequences in"
                        + " %.0f s (%.0f tokens/s)%s. Validation loss per response token %.3f -> %.3f (perplexity %.2f -> %.2f);"
                        + " test loss %.3f -> %.3f (perplexity %.2f -> %.2f). Adapter (PEFT format) in %s.",
                models.generatorSpec().describe(), count, result.finalStep(), settings.generatorBatch(), seconds, tps,
                result.stoppedEarly() ? ", stopped early (best at step " + result.bestStep() + ")" : "",
                baseValidation.loss(), tunedValidation.loss(), baseValidation.perplexity(), tunedValidation.perplexity(),
                baseTest.loss(), tunedTest.loss(), baseTest.perplexity(), tunedTest.perplexity(), adapterDir);
        return new Trained(adapterDir, count, train.size(), result.finalStep(), result.stoppedEarly(), result.bestStep(),
                seconds, tps, baseValidation, tunedValidation, baseTest, tunedTest);
    }

    private static List<TokenizedExample> tokenize(ExampleTokenizer tokenizer, String name, List<Example> examples) {
        TokenizedSplit split = tokenizer.tokenize(name, examples);
        if (split.examples().isEmpty()) {
            throw new IllegalStateException("the " + name + " split has no sequences after tokenization");
        }
        return split.examples();
    }

    /** The test split's loss with the model as it is now (an evaluation-only trainer never trains or writes). */
    private static Loss evaluate(TrainableModel model, List<TokenizedExample> examples, TrainerConfig config) {
        TrainerConfig eval = TrainerConfig.builder(config.outputDir()).maxSteps(1).batchSize(config.batchSize())
                .padId(config.padId()).build();
        return Loss.of(new Trainer(model, examples, examples, eval).evaluate());
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
}
