package dev.lathe.cli;

import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.load.LoadedModel;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Sampling options shared by {@code generate} and {@code chat}. Unset options keep the model's
 * generation_config.json defaults (greedy when it does not ask to sample, as Hugging Face); giving
 * {@code --top-p} or {@code --top-k} alone over greedy defaults samples at temperature 1.
 */
final class SamplingOptions {
    @Option(names = "--max-tokens", paramLabel = "N",
            description = "Most tokens to generate (default: generation_config.json's max_new_tokens, else 256 in "
                    + "generate and 512 in chat; lowered to fit the context).")
    Integer maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default: the model's generation config).")
    Float temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling, in (0, 1].")
    Float topP;

    @Option(names = "--top-k", paramLabel = "K", description = "Sample from the K most likely tokens; 0 disables.")
    Integer topK;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for sampling (same seed, same text).")
    Long seed;

    @Option(names = "--stop", paramLabel = "STR", description = "Stop when this text is generated (repeatable); "
            + "the stop text is not printed.")
    List<String> stop = new ArrayList<>();

    /** The parameters for one request: the model's defaults, then these options, then {@code extraStops}. */
    SamplingParams params(LoadedModel m, int defaultMaxTokens, List<String> extraStops,
            java.util.Set<Integer> extraStopIds) {
        SamplingParams.Builder b = m.samplingDefaults();
        boolean defaultsGreedy = !m.defaults().samples();
        b.maxTokens(maxTokens != null ? maxTokens
                : m.defaults().maxNewTokens() != null ? m.defaults().maxNewTokens() : defaultMaxTokens);
        if (temperature != null) {
            b.temperature(temperature);
        } else if (defaultsGreedy && (topP != null || topK != null)) {
            b.temperature(1f);
        }
        if (topP != null) {
            b.topP(topP);
        }
        if (topK != null) {
            b.topK(topK);
        }
        b.seed(seed);
        List<String> stops = new ArrayList<>(stop);
        stops.addAll(extraStops);
        b.stop(stops);
        b.stopTokenIds(extraStopIds);
        b.fitToContext(true);
        return b.build();
    }
}
