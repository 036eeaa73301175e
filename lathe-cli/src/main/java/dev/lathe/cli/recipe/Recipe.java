package dev.lathe.cli.recipe;

import static dev.lathe.cli.recipe.InvalidField.atLeast;
import static dev.lathe.cli.recipe.InvalidField.oneOf;
import static dev.lathe.cli.recipe.InvalidField.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuning recipe as its YAML file states it (keys in snake_case). Every section but {@code data},
 * {@code model} and {@code method} may be left out, and every key within a section has a default; values
 * are checked where they are built, so a recipe that parses is one the runner can start. Relative paths
 * resolve against the recipe's own folder, so a recipe means the same wherever it is run from.
 * <pre>{@code
 * data:     {path: data/bitext.csv, columns: {response: output, intent: label}, max_records: 600,
 *            test_path: data/bitext-test.csv}
 * cleaning: {near_duplicates: 0.9, pii: true, min_chars: 1, max_chars: 20000}
 * split:    {train: 0.8, validation: 0.1, test: 0.1, seed: 42, stratify: true}
 * model:    {path: ../models/stories260K/stories260K.bin, tokenizer: ../models/stories260K/tok512.bin}
 * tokenization: {max_length: 256, truncation: truncate_prompt, loss_on: completion, packing: false, format: auto}
 * method:   {type: lora, r: 8, alpha: 16, dropout: 0.05, target_modules: [q_proj, v_proj]}
 * training: {max_steps: 200, batch_size: 8, lr: 3e-3, schedule: cosine, warmup_steps: 10, eval_steps: 50,
 *            early_stopping: {metric: val_loss, patience: 3, min_delta: 0.001}, keep_best: true,
 *            save_steps: 100, keep_last: 2}
 * output:   {dir: ../runs}
 * }</pre>
 *
 * @param name the run folders' prefix; defaults to the recipe file's name without extension
 */
public record Recipe(String name, Data data, Cleaning cleaning, Split split, Model model, Tokenization tokenization,
        Method method, Training training, Output output) {

    public Recipe {
        if (data == null) {
            throw new InvalidField("data", "the section is missing: say where the dataset is (data: {path: ...})");
        }
        if (model == null) {
            throw new InvalidField("model", "the section is missing: name the base model (model: {path: ...})");
        }
        if (method == null) {
            throw new InvalidField("method", "the section is missing: choose a method (method: {type: lora})");
        }
        cleaning = cleaning == null ? new Cleaning(null, null, null, null, null, null) : cleaning;
        split = split == null ? new Split(null, null, null, null, null) : split;
        tokenization = tokenization == null ? new Tokenization(null, null, null, null, null) : tokenization;
        training = training == null ? Training.defaults() : training;
        output = output == null ? new Output(null) : output;
    }

    /**
     * The dataset file.
     *
     * @param path        a .jsonl, .json or .csv file
     * @param shape       chat, alpaca, prompt_completion, text or text_label; detected from the columns when absent
     * @param columns     renames, source column to field name ({@code response: output})
     * @param maxRecords  use N records drawn at random (with {@code split.seed}, kept in file order) for
     *                    quick runs; 0 or absent for all
     * @param testPath    a held-out file (same columns) that is the test set instead of a share of
     *                    {@code path}; {@code split.test} must then be 0. Absent: the split's test share
     */
    public record Data(String path, String shape, Map<String, String> columns, Integer maxRecords, String testPath) {
        public Data {
            if (path == null || path.isBlank()) {
                throw new InvalidField("path", "is missing: the dataset file (.jsonl, .json or .csv)");
            }
            shape = oneOf("shape", shape, null, "chat", "alpaca", "prompt_completion", "text", "text_label");
            columns = columns == null ? Map.of() : new LinkedHashMap<>(columns);
            maxRecords = atLeast("max_records", maxRecords, 0, 0);
            if (testPath != null && testPath.isBlank()) {
                throw new InvalidField("test_path", "is empty: give the held-out test file, or leave the key out");
            }
        }
    }

    /**
     * Cleaning: Unicode NFC, control characters and whitespace always; then PII redaction, empty rows, exact
     * duplicates, near duplicates and length limits as set here.
     *
     * @param nearDuplicates Jaccard threshold in (0, 1] for near-duplicate removal; 0 turns it off (default 0.9)
     * @param pii            redact e-mails, phones, cards, IBANs, IPs (default false)
     */
    public record Cleaning(Double nearDuplicates, Boolean pii, Integer minChars, Integer maxChars, Integer minTokens,
            Integer maxTokens) {
        public Cleaning {
            nearDuplicates = within("near_duplicates", nearDuplicates, 0, false, 1, 0.9);
            pii = pii != null && pii;
            minChars = atLeast("min_chars", minChars, 0, 0);
            maxChars = atLeast("max_chars", maxChars, 0, 0);
            minTokens = atLeast("min_tokens", minTokens, 0, 0);
            maxTokens = atLeast("max_tokens", maxTokens, 0, 0);
            if (maxChars > 0 && minChars > maxChars) {
                throw new InvalidField("min_chars", minChars + " is above max_chars " + maxChars);
            }
            if (maxTokens > 0 && minTokens > maxTokens) {
                throw new InvalidField("min_tokens", minTokens + " is above max_tokens " + maxTokens);
            }
        }
    }

    /** Split fractions (summing to 1), seed, and stratification by label (absent: when every record has one). */
    public record Split(Double train, Double validation, Double test, Long seed, Boolean stratify) {
        public Split {
            train = within("train", train, 0, true, 1, 0.8);
            validation = within("validation", validation, 0, false, 1, 0.1);
            test = within("test", test, 0, false, 1, 0.1);
            seed = seed == null ? 42L : seed;
            if (Math.abs(train + validation + test - 1) > 1e-9) {
                throw new InvalidField("train", "train + validation + test must be 1, got " + train + " + "
                        + validation + " + " + test);
            }
        }
    }

    /**
     * The base model, in any form {@code lathe generate --model} accepts.
     *
     * @param path      a Hugging Face folder, hf:Org/Name[@revision], a .gguf file, or a llama2.c .bin
     * @param tokenizer the llama2.c tokenizer .bin of a llama2.c checkpoint
     */
    public record Model(String path, String tokenizer) {
        public Model {
            if (path == null || path.isBlank()) {
                throw new InvalidField("path", "is missing: " + dev.lathe.models.load.ModelSpec.FORMS);
            }
        }
    }

    /**
     * How records become sequences ({@code dev.lathe.tune.data.tokenize}).
     *
     * @param maxLength  tokens per sequence; absent: the model's context length, at most 512
     * @param truncation truncate_prompt, truncate_end or drop
     * @param lossOn     completion or all
     * @param packing    pack plain-text records into full-length chunks
     * @param format     auto (the model's chat template when it has one, else plain), plain, or chat_template
     *                   (the model's, or ChatML for a model without one)
     */
    public record Tokenization(Integer maxLength, String truncation, String lossOn, Boolean packing, String format) {
        public Tokenization {
            maxLength = atLeast("max_length", maxLength, 2, 0);
            truncation = oneOf("truncation", truncation, "truncate_prompt", "truncate_prompt", "truncate_end", "drop");
            lossOn = oneOf("loss_on", lossOn, "completion", "completion", "all");
            packing = packing != null && packing;
            format = oneOf("format", format, "auto", "auto", "plain", "chat_template");
        }
    }

    /**
     * The training loop's settings; see {@code dev.lathe.tune.train.TrainerConfig}.
     *
     * @param epochs  passes over the data, used when {@code maxSteps} is 0 (default 1)
     * @param evalSteps evaluate on the validation split every N steps (0: only before and after training)
     */
    public record Training(Integer epochs, Long maxSteps, Integer batchSize, Integer gradAccumulation, Double lr,
            Double weightDecay, String schedule, Long warmupSteps, Double maxGradNorm, Long seed, Long evalSteps,
            EarlyStopping earlyStopping, Boolean keepBest, Long saveSteps, Integer keepLast) {
        public Training {
            epochs = atLeast("epochs", epochs, 0, 1);
            maxSteps = atLeast("max_steps", maxSteps, 0L, 0L);
            if (epochs == 0 && maxSteps == 0) {
                throw new InvalidField("epochs", "set epochs > 0 or max_steps > 0");
            }
            batchSize = atLeast("batch_size", batchSize, 1, 8);
            gradAccumulation = atLeast("grad_accumulation", gradAccumulation, 1, 1);
            lr = within("lr", lr, 0, true, 10, 1e-4);
            weightDecay = within("weight_decay", weightDecay, 0, false, 10, 0.0);
            schedule = oneOf("schedule", schedule, "linear", "linear", "cosine", "constant");
            warmupSteps = atLeast("warmup_steps", warmupSteps, 0L, 0L);
            maxGradNorm = within("max_grad_norm", maxGradNorm, 0, false, 1e9, 1.0);
            seed = seed == null ? 42L : seed;
            evalSteps = atLeast("eval_steps", evalSteps, 0L, 0L);
            keepBest = keepBest != null && keepBest;
            saveSteps = atLeast("save_steps", saveSteps, 0L, 0L);
            keepLast = atLeast("keep_last", keepLast, 0, 0);
            if (earlyStopping != null && evalSteps == 0) {
                throw new InvalidField("early_stopping", "needs eval_steps > 0 (it acts on evaluations)");
            }
            if (keepBest && evalSteps == 0) {
                throw new InvalidField("keep_best", "needs eval_steps > 0 (the best is chosen among evaluations)");
            }
        }

        static Training defaults() {
            return new Training(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        Training with(Integer epochs, Long maxSteps, Integer batchSize, Double lr, Long seed) {
            return new Training(epochs, maxSteps, batchSize, gradAccumulation, lr, weightDecay, schedule, warmupSteps,
                    maxGradNorm, seed, evalSteps, earlyStopping, keepBest, saveSteps, keepLast);
        }
    }

    /**
     * Stop when {@code metric} has not improved by {@code minDelta} for {@code patience} evaluations.
     *
     * @param metric val_loss (causal LM); accuracy or macro_f1 (classification)
     */
    public record EarlyStopping(String metric, Integer patience, Double minDelta) {
        public EarlyStopping {
            metric = oneOf("metric", metric, "val_loss", "val_loss", "accuracy", "macro_f1");
            patience = atLeast("patience", patience, 1, 3);
            minDelta = within("min_delta", minDelta, 0, false, 1e9, 0.0);
        }
    }

    /** Where run folders go: {@code <dir>/<name>-<timestamp>/}; default {@code runs} beside the recipe. */
    public record Output(String dir) {
        public Output {
            dir = dir == null || dir.isBlank() ? "runs" : dir;
        }
    }

    /** The list form of a YAML value that may be one string or a list. */
    static List<String> listOrEmpty(List<String> values) {
        return values == null ? List.of() : List.copyOf(values);
    }
}
