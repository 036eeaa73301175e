package dev.lathe.eval.harness;

import dev.lathe.eval.perplexity.Perplexity;
import dev.lathe.eval.perplexity.PerplexityOptions;
import dev.lathe.eval.perplexity.PerplexityResult;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.load.LoadedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs a loaded model over an evaluation set: batched generation through {@link Generator#generateBatch}
 * (batches of {@link Decoding#batchSize()}, in example order), or perplexity of each example's text.
 * {@code progress} receives the number of examples done after each batch.
 */
public final class Runner {
    private Runner() {}

    /** The model's output for each example's input, and the timings. */
    public static List<String> generate(LoadedModel model, List<EvalExample> examples, Decoding decoding,
            IntConsumer progress, Map<String, Object> timings) {
        Generator generator = new Generator(model.decoder());
        List<String> outputs = new ArrayList<>(examples.size());
        long t0 = System.nanoTime();
        long promptTokens = 0;
        long generated = 0;
        for (int from = 0; from < examples.size(); from += decoding.batchSize()) {
            int to = Math.min(examples.size(), from + decoding.batchSize());
            List<GenerationRequest> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                EvalExample e = examples.get(i);
                batch.add(new GenerationRequest(model.encode(e.input()), decoding.params(model, e.index())));
            }
            for (Generation g : generator.generateBatch(model.model(), batch)) {
                outputs.add(g.text());
                promptTokens += g.promptTokens();
                generated += g.completionTokens();
            }
            progress.accept(to);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        timings.put("generate_seconds", seconds);
        timings.put("prompt_tokens", promptTokens);
        timings.put("generated_tokens", generated);
        timings.put("generated_tokens_per_second", seconds > 0 ? generated / seconds : 0.0);
        return outputs;
    }

    /** The text a perplexity task scores: input and target joined (the input alone when there is none). */
    public static String perplexityText(EvalExample e) {
        return e.targets().isEmpty() ? e.input() : e.input() + e.targets().getFirst();
    }

    /** Perplexity over the examples' texts, one text at a time so progress can be shown. */
    public static PerplexityResult perplexity(LoadedModel model, List<EvalExample> examples, PerplexityOptions options,
            IntConsumer progress, Map<String, Object> timings) {
        long t0 = System.nanoTime();
        List<String> texts = new ArrayList<>(examples.size());
        for (EvalExample e : examples) {
            texts.add(perplexityText(e));
        }
        // Score in chunks for the progress bar; the per-text figures are independent, so the corpus result
        // of the whole list equals the one assembled from the chunks (sums of NLL and of tokens).
        int chunk = Math.max(1, examples.size() / 20);
        List<PerplexityResult> parts = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += chunk) {
            int to = Math.min(texts.size(), from + chunk);
            parts.add(chunk(model, texts.subList(from, to), options));
            progress.accept(to);
        }
        PerplexityResult all = merge(parts);
        double seconds = (System.nanoTime() - t0) / 1e9;
        timings.put("perplexity_seconds", seconds);
        timings.put("tokens_scored", all.tokensScored());
        timings.put("tokens_per_second", seconds > 0 ? all.tokensScored() / seconds : 0.0);
        return all;
    }

    /**
     * One chunk's result; a chunk whose texts are all too short to score (fewer than 2 tokens) gets
     * unscored entries instead of failing, so only a dataset with nothing to score at all fails.
     */
    private static PerplexityResult chunk(LoadedModel model, List<String> texts, PerplexityOptions options) {
        try {
            return Perplexity.ofTexts(model, texts, options);
        } catch (IllegalArgumentException e) {
            if (!String.valueOf(e.getMessage()).startsWith("no token could be scored")) {
                throw e;
            }
            List<dev.lathe.eval.perplexity.TextPerplexity> empty = new ArrayList<>();
            for (String t : texts) {
                empty.add(new dev.lathe.eval.perplexity.TextPerplexity(model.encode(t).length, 0, 0, Double.NaN,
                        Double.NaN, Double.NaN, List.of()));
            }
            int window = options.window() == 0 ? model.config().maxPositionEmbeddings() : options.window();
            return new PerplexityResult(0, 0, Double.NaN, Double.NaN, Double.NaN, empty,
                    new dev.lathe.eval.perplexity.PerplexitySettings(window, options.stride() == 0 ? window
                            : options.stride(), false));
        }
    }

    private static PerplexityResult merge(List<PerplexityResult> parts) {
        List<dev.lathe.eval.perplexity.TextPerplexity> texts = new ArrayList<>();
        long scored = 0;
        double nll = 0;
        for (PerplexityResult p : parts) {
            texts.addAll(p.texts());
            scored += p.tokensScored();
            nll += p.totalNll();
        }
        if (scored == 0) {
            throw new IllegalArgumentException("no token could be scored: each of the " + texts.size()
                    + " texts has fewer than 2 tokens");
        }
        double mean = nll / scored;
        PerplexityResult withSettings = parts.stream().filter(p -> p.tokensScored() > 0).findFirst().orElseThrow();
        return new PerplexityResult(scored, nll, mean, Math.exp(mean), mean / Math.log(2), texts,
                withSettings.settings());
    }
}
