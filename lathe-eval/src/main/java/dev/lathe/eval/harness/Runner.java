package dev.lathe.eval.harness;

import dev.lathe.eval.perplexity.Perplexity;
import dev.lathe.eval.perplexity.PerplexityOptions;
import dev.lathe.eval.perplexity.PerplexityResult;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.load.LoadedModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        // of the whole list equals the one assembled from chunks. One call keeps the API's own totals.
        int chunk = Math.max(1, examples.size() / 20);
        List<PerplexityResult> parts = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += chunk) {
            int to = Math.min(texts.size(), from + chunk);
            parts.add(Perplexity.ofTexts(model, texts.subList(from, to), options));
            progress.accept(to);
        }
        PerplexityResult all = parts.size() == 1 ? parts.getFirst() : merge(parts);
        double seconds = (System.nanoTime() - t0) / 1e9;
        timings.put("perplexity_seconds", seconds);
        timings.put("tokens_scored", all.tokensScored());
        timings.put("tokens_per_second", seconds > 0 ? all.tokensScored() / seconds : 0.0);
        return all;
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
        double mean = nll / scored;
        return new PerplexityResult(scored, nll, mean, Math.exp(mean), mean / Math.log(2), texts,
                parts.getFirst().settings());
    }

    /** Timings map with a stable key order. */
    public static Map<String, Object> timings() {
        return new LinkedHashMap<>();
    }
}
