package dev.lathe.cli.quickstart;

import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.family.bert.MiniLm;
import dev.lathe.models.hub.ProgressBar;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.models.load.ModelSpec;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.tune.classify.BertEncoder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Step 2: loads the response generator ({@code --base}, by default the bundled stories260K) and
 * all-MiniLM-L6-v2, the intent classifier's encoder (imported from its Maven artifact into the Lathe cache
 * on first use). Close the result to free both.
 */
final class ModelSelection {
    /** The default generator, relative to the repository root: stories260K with its 512-token vocabulary. */
    static final String DEFAULT_GENERATOR = "models/stories260K/stories260K.bin";
    static final String DEFAULT_TOKENIZER = "models/stories260K/tok512.bin";

    /** The two models, loaded. */
    record Selected(ModelSpec generatorSpec, LoadedModel generator, Path encoderDir, Tokenizer encoderTokenizer,
            BertEncoder encoder) implements AutoCloseable {
        @Override
        public void close() {
            try {
                generator.close();
            } finally {
                encoderTokenizer.close();
            }
        }
    }

    private ModelSelection() {}

    /** The generator spec: {@code base} when given, else the bundled stories260K under {@code repoRoot}. */
    static ModelSpec generatorSpec(String base, Path repoRoot) {
        if (base != null) {
            return ModelSpec.parse(base, null);
        }
        return ModelSpec.parse(repoRoot.resolve(DEFAULT_GENERATOR).toString(), repoRoot.resolve(DEFAULT_TOKENIZER));
    }

    static Selected run(ModelSpec spec, ModelLoader loader, Path encoderCache, StepConsole console) throws IOException {
        try (ProgressBar bar = console.bar("select", 2, "models")) {
            bar.status("loading the generator " + spec.describe());
            long t0 = System.nanoTime();
            LoadedModel generator = loader.load(spec);
            bar.update(1);
            double generatorSeconds = (System.nanoTime() - t0) / 1e9;
            bar.status("all-MiniLM-L6-v2 (imported into " + encoderCache + " on first use)");
            long t1 = System.nanoTime();
            Path dir = MiniLm.ensureImported(encoderCache);
            BertEncoder encoder;
            try (BertModel base = BertModel.load(dir)) {
                encoder = BertEncoder.of(base);
            }
            Tokenizer tokenizer = Tokenizer.load(dir);
            bar.update(2);
            bar.finish();
            double encoderSeconds = (System.nanoTime() - t1) / 1e9;
            long generatorParams = parameters(generator);
            long encoderParams = encoder.parameters().values().stream().mapToLong(t -> t.numel()).sum();
            boolean bundled = spec instanceof ModelSpec.Llama2c l && l.checkpoint().endsWith(DEFAULT_GENERATOR);
            console.summary("Generator: %s, %,d parameters, %d-token context, %,d-token vocabulary, loaded in %.1f s%s."
                            + " Encoder: all-MiniLM-L6-v2 (%,d parameters, %d dimensions, mean pooling) from %s, ready in"
                            + " %.1f s.",
                    spec.describe(), generatorParams, generator.model().contextLength(), generator.model().vocabSize(),
                    generatorSeconds, bundled ? "; it is tiny and was trained on children's stories, so expect weak"
                            + " answers: the figures below show how far LoRA moves it towards support replies" : "",
                    encoderParams, encoder.hiddenSize(), dir, encoderSeconds);
            return new Selected(spec, generator, dir, tokenizer, encoder);
        }
    }

    static long parameters(LoadedModel model) {
        long n = 0;
        for (String name : model.weights().names()) {
            n += model.weights().tensor(name).numel();
        }
        return n;
    }
}
