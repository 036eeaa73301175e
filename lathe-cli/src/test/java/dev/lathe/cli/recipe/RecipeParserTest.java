package dev.lathe.cli.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Recipe YAML: a full recipe binds, defaults fill the rest, and every kind of mistake names file, line and key. */
class RecipeParserTest {
    static final String GOOD = """
            name: bitext
            data:
              path: data/bitext.csv
              columns: {response: output, intent: label}
              max_records: 600
            cleaning: {near_duplicates: 0.85, pii: true, max_chars: 4000}
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 7, stratify: true}
            model:
              path: ../models/stories260K/stories260K.bin
              tokenizer: ../models/stories260K/tok512.bin
            tokenization: {max_length: 256, truncation: drop, loss_on: all}
            method:
              type: lora
              r: 4
              target_modules: [q_proj, k_proj, v_proj]
            training:
              max_steps: 20
              batch_size: 4
              lr: 3.0e-3
              schedule: cosine
              eval_steps: 5
              early_stopping: {patience: 2, min_delta: 0.01}
              keep_best: true
            output: {dir: ../runs}
            """;

    static RecipeException failure(String yaml) {
        try {
            RecipeParser.parse("r.yaml", yaml);
        } catch (RecipeException e) {
            return e;
        }
        throw new AssertionError("parsed without error:\n" + yaml);
    }

    @Test
    void aCompleteRecipeBindsEverySection() {
        Recipe r = RecipeParser.parse("r.yaml", GOOD);
        assertThat(r.name()).isEqualTo("bitext");
        assertThat(r.data().columns()).isEqualTo(Map.of("response", "output", "intent", "label"));
        assertThat(r.data().maxRecords()).isEqualTo(600);
        assertThat(r.cleaning().nearDuplicates()).isEqualTo(0.85);
        assertThat(r.cleaning().pii()).isTrue();
        assertThat(r.split().seed()).isEqualTo(7);
        assertThat(r.model().tokenizer()).isEqualTo("../models/stories260K/tok512.bin");
        assertThat(r.tokenization().truncation()).isEqualTo("drop");
        assertThat(r.tokenization().lossOn()).isEqualTo("all");
        assertThat(r.method()).isEqualTo(new Method.Lora(4, 8.0, 0.0, List.of("q_proj", "k_proj", "v_proj"), null, false));
        assertThat(r.training().lr()).isEqualTo(3e-3);
        assertThat(r.training().earlyStopping()).isEqualTo(new Recipe.EarlyStopping("val_loss", 2, 0.01));
        assertThat(r.output().dir()).isEqualTo("../runs");
    }

    @Test
    void leftOutSectionsAndKeysTakeTheirDefaults() {
        Recipe r = RecipeParser.parse("r.yaml", """
                data: {path: d.jsonl}
                model: {path: m}
                method: {type: full}
                """);
        assertThat(r.name()).isNull();
        assertThat(r.training().epochs()).isEqualTo(1);
        assertThat(r.training().batchSize()).isEqualTo(8);
        assertThat(r.training().schedule()).isEqualTo("linear");
        assertThat(r.split().train()).isEqualTo(0.8);
        assertThat(r.tokenization().format()).isEqualTo("auto");
        assertThat(r.cleaning().nearDuplicates()).isEqualTo(0.9);
        assertThat(r.method()).isEqualTo(new Method.Full(List.of()));
        assertThat(r.output().dir()).isEqualTo("runs");
    }

    @Test
    void everyMethodOfTheSchemaParses() {
        for (String m : List.of("{type: bitfit}", "{type: prompt_tuning, num_virtual_tokens: 16, init_text: Answer politely}",
                "{type: prefix_tuning}", "{type: ia3}", "{type: classification, pooling: last, encoder: lora}",
                "{type: full, freeze: ['embed_tokens']}")) {
            Recipe r = RecipeParser.parse("r.yaml", "data: {path: d}\nmodel: {path: m}\nmethod: " + m + "\n");
            assertThat(m).contains(r.method().type());
        }
    }

    /**
     * The four committed example recipes parse and mean what their comments say (the runs themselves are
     * measured in docs/tuning.md; CI runs a recipe of each kind on a tiny model in TuneCommandTest).
     */
    @Test
    void theCommittedExampleRecipesParse() throws java.io.IOException {
        Path examples = Path.of("../examples").toAbsolutePath().normalize();
        List<Path> files;
        try (var s = java.nio.file.Files.list(examples)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("banking77-classifier.yaml",
                "full-finetune-tinystories.yaml", "lora-bitext-stories260k.yaml",
                "prompt-tuning-bitext-stories260k.yaml");
        Map<String, Recipe> parsed = new java.util.LinkedHashMap<>();
        for (Path f : files) {
            Recipe r = RecipeParser.parse(f);
            assertThat(examples.resolve(r.data().path()).normalize()).as("%s: data.path", f).isRegularFile();
            parsed.put(f.getFileName().toString(), r);
        }
        Recipe banking = parsed.get("banking77-classifier.yaml");
        assertThat(banking.method()).isEqualTo(new Method.Classification("mean", "frozen", 8, 16.0, List.of()));
        assertThat(banking.model().path()).isEqualTo("all-MiniLM-L6-v2");
        assertThat(banking.data().columns()).isEqualTo(Map.of("category", "label"));
        assertThat(banking.training().earlyStopping()).isEqualTo(new Recipe.EarlyStopping("macro_f1", 3, 0.001));
        assertThat(parsed.get("full-finetune-tinystories.yaml").method()).isInstanceOf(Method.Full.class);
        assertThat(parsed.get("lora-bitext-stories260k.yaml").method()).isInstanceOf(Method.Lora.class);
        assertThat(parsed.get("prompt-tuning-bitext-stories260k.yaml").method()).isInstanceOf(Method.PromptTuning.class);
    }

    @Test
    void aHeldOutTestFileIsOptionalAndNotBlank() {
        assertThat(RecipeParser.parse("r.yaml", GOOD).data().testPath()).isNull();
        Recipe r = RecipeParser.parse("r.yaml", GOOD.replace("  max_records: 600", "  test_path: data/test.csv"));
        assertThat(r.data().testPath()).isEqualTo("data/test.csv");
        assertThat(failure(GOOD.replace("  max_records: 600", "  test_path: ' '")))
                .hasMessageContaining("r.yaml line 5: data.test_path: is empty");
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndTheKnownKeys() {
        RecipeException e = failure(GOOD.replace("  batch_size: 4", "  batch_szie: 4"));
        assertThat(e).hasMessageStartingWith("r.yaml line 18: training.batch_szie: unknown key")
                .hasMessageContaining("batch_size");
    }

    @Test
    void anUnknownTopLevelSectionIsNamed() {
        assertThat(failure(GOOD + "evaluation: {}\n")).hasMessageStartingWith("r.yaml line 25: evaluation: unknown key");
    }

    @Test
    void aKeyOfAnotherMethodIsUnknownToThisOne() {
        assertThat(failure(GOOD.replace("  r: 4", "  num_virtual_tokens: 4")))
                .hasMessageStartingWith("r.yaml line 14: method.num_virtual_tokens: unknown key");
    }

    @Test
    void aWrongTypeSaysWhatWasExpected() {
        assertThat(failure(GOOD.replace("batch_size: 4", "batch_size: four")))
                .hasMessage("r.yaml line 18: training.batch_size: expected an integer, got 'four'");
        assertThat(failure(GOOD.replace("batch_size: 4", "batch_size: 4.5")))
                .hasMessage("r.yaml line 18: training.batch_size: expected an integer, got 4.5");
        assertThat(failure(GOOD.replace("pii: true", "pii: sometimes")))
                .hasMessageStartingWith("r.yaml line 6: cleaning.pii: expected true or false");
        assertThat(failure(GOOD.replace("target_modules: [q_proj, k_proj, v_proj]", "target_modules: {q: 1}")))
                .hasMessageStartingWith("r.yaml line 15: method.target_modules: expected a list");
    }

    @Test
    void anOutOfRangeValueSaysTheRangeAndWhere() {
        assertThat(failure(GOOD.replace("lr: 3.0e-3", "lr: -1.0")))
                .hasMessage("r.yaml line 19: training.lr: must be in (0.0, 10.0], got -1.0");
        assertThat(failure(GOOD.replace("  r: 4", "  r: 0"))).hasMessage("r.yaml line 14: method.r: must be >= 1, got 0");
        assertThat(failure(GOOD.replace("test: 0.1, seed", "test: 0.3, seed")))
                .hasMessageContaining("r.yaml line 7: split.train: train + validation + test must be 1");
        assertThat(failure(GOOD.replace("truncation: drop", "truncation: chop")))
                .hasMessageContaining("tokenization.truncation: 'chop' is not one of truncate_prompt, truncate_end, drop");
    }

    @Test
    void anUnknownMethodListsTheKnownOnes() {
        assertThat(failure(GOOD.replace("type: lora", "type: qlora")))
                .hasMessageContaining("method.type: 'qlora' is not one of full, lora");
        assertThat(failure("data: {path: d}\nmodel: {path: m}\nmethod: {r: 4}\n"))
                .hasMessageContaining("method.type: is missing");
    }

    @Test
    void missingRequiredSectionsAndKeysAreNamed() {
        assertThat(failure("model: {path: m}\nmethod: {type: full}\n")).hasMessageContaining("data: the section is missing");
        assertThat(failure("data: {shape: chat}\nmodel: {path: m}\nmethod: {type: full}\n"))
                .hasMessageContaining("data.path: is missing");
        assertThat(failure("")).hasMessageContaining("r.yaml: the recipe is empty");
    }

    @Test
    void aDuplicateKeyAndBrokenYamlAreErrorsWithALine() {
        assertThat(failure("data: {path: d}\ndata: {path: e}\n")).hasMessageStartingWith("r.yaml line 2: duplicate key 'data'");
        assertThat(failure("data: [unclosed\n")).hasMessageStartingWith("r.yaml line ").hasMessageContaining("not valid YAML");
    }

    @Test
    void earlyStoppingWithoutEvaluationIsRefused() {
        assertThat(failure(GOOD.replace("  eval_steps: 5\n", "").replace("  keep_best: true\n", "")))
                .hasMessageContaining("training.early_stopping: needs eval_steps > 0");
    }
}
