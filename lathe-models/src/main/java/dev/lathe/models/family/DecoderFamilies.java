package dev.lathe.models.family;

import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.config.ModelFamily;
import dev.lathe.models.family.gpt2.Gpt2Family;
import dev.lathe.models.family.llama.LlamaFamily;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The registry from {@link ModelFamily} to its {@link DecoderFamily} builder: the one place that knows
 * which code builds which {@code model_type}.
 */
public final class DecoderFamilies {
    private static final Map<ModelFamily, DecoderFamily> BUILDERS = builders();

    private DecoderFamilies() {}

    private static Map<ModelFamily, DecoderFamily> builders() {
        Map<ModelFamily, DecoderFamily> m = new EnumMap<>(ModelFamily.class);
        m.put(ModelFamily.LLAMA, LlamaFamily::build);
        m.put(ModelFamily.QWEN2, LlamaFamily::build);
        m.put(ModelFamily.GPT2, Gpt2Family::build);
        return m;
    }

    /** The builder for {@code family}; fails for families that are not decoders. */
    public static DecoderFamily of(ModelFamily family) {
        DecoderFamily f = BUILDERS.get(family);
        if (f == null) {
            throw new IllegalArgumentException(family + " is not a decoder family; load it with its own module"
                    + " (e.g. family.bert)");
        }
        return f;
    }

    /** Builds the decoder that {@code config} describes from {@code weights}. */
    public static DecoderModel build(ModelConfig config, WeightSource weights) {
        return of(config.family()).build(config, weights);
    }

    /**
     * Loads a Hugging Face model directory (config.json, optional generation_config.json, safetensors
     * weights). The weights stay memory-mapped in {@code weights}, which the caller closes when done
     * with the model.
     */
    public static DecoderModel load(Path dir, Weights weights) throws IOException {
        return build(ModelConfig.read(dir), WeightSource.of(weights));
    }
}
