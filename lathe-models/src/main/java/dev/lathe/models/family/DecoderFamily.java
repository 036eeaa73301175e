package dev.lathe.models.family;

import dev.lathe.models.config.ModelConfig;

/**
 * How one family turns a config and its Hugging Face-named weights into a {@link DecoderModel}: the
 * family's {@link DecoderArchitecture} and its tensor-name mapping. Registered in {@link DecoderFamilies}.
 */
@FunctionalInterface
public interface DecoderFamily {
    DecoderModel build(ModelConfig config, WeightSource weights);
}
