package dev.lathe.eval.harness;

import dev.lathe.eval.perplexity.PerplexityResult;
import java.util.List;
import java.util.Map;

/**
 * What one system produced on an evaluation set, before scoring.
 *
 * @param name label in reports
 * @param model the model as given
 * @param fingerprint SHA-256 of each model file
 * @param outputs one output per example (generation, qa, classification); empty for perplexity
 * @param perplexity the perplexity result of a perplexity task, else null
 * @param timings seconds and throughput
 */
public record SystemRun(String name, String model, Map<String, String> fingerprint, List<String> outputs,
        PerplexityResult perplexity, Map<String, Object> timings) {
    public SystemRun {
        outputs = List.copyOf(outputs);
    }
}
