package dev.lathe.cli.recipe;

import static dev.lathe.cli.recipe.InvalidField.atLeast;
import static dev.lathe.cli.recipe.InvalidField.oneOf;
import static dev.lathe.cli.recipe.InvalidField.within;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * The fine-tuning method of a recipe, chosen by {@code method.type}; each type takes only its own keys.
 * The schema covers every method of the tune issue, and {@link RecipeRunner} carries out each.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Method.Full.class, name = "full"),
        @JsonSubTypes.Type(value = Method.Lora.class, name = "lora"),
        @JsonSubTypes.Type(value = Method.BitFit.class, name = "bitfit"),
        @JsonSubTypes.Type(value = Method.PromptTuning.class, name = "prompt_tuning"),
        @JsonSubTypes.Type(value = Method.PrefixTuning.class, name = "prefix_tuning"),
        @JsonSubTypes.Type(value = Method.Ia3.class, name = "ia3"),
        @JsonSubTypes.Type(value = Method.Classification.class, name = "classification")})
public sealed interface Method {
    /** The name as written in {@code method.type}. */
    String type();

    /** Every parameter trained, except those whose name matches one of the {@code freeze} regular expressions. */
    record Full(List<String> freeze) implements Method {
        public Full {
            freeze = Recipe.listOrEmpty(freeze);
        }

        @Override public String type() { return "full"; }
    }

    /**
     * A LoRA adapter (PEFT's LoraConfig): rank, alpha, dropout, targets by module name or by a regex,
     * rsLoRA scaling.
     */
    record Lora(Integer r, Double alpha, Double dropout, List<String> targetModules, String targetRegex,
            Boolean rslora) implements Method {
        public Lora {
            r = atLeast("r", r, 1, 8);
            alpha = within("alpha", alpha, 0, true, 1e6, 2.0 * r);
            dropout = within("dropout", dropout, 0, false, 0.99, 0.0);
            targetModules = targetModules == null && targetRegex == null ? List.of("q_proj", "v_proj")
                    : Recipe.listOrEmpty(targetModules);
            if (!targetModules.isEmpty() && targetRegex != null) {
                throw new InvalidField("target_regex", "give target_modules or target_regex, not both");
            }
            rslora = rslora != null && rslora;
        }

        @Override public String type() { return "lora"; }
    }

    /** Biases only (BitFit). */
    record BitFit() implements Method {
        @Override public String type() { return "bitfit"; }
    }

    /** Learned virtual-token embeddings before the input, random or initialised from {@code initText}. */
    record PromptTuning(Integer numVirtualTokens, String initText) implements Method {
        public PromptTuning {
            numVirtualTokens = atLeast("num_virtual_tokens", numVirtualTokens, 1, 8);
        }

        @Override public String type() { return "prompt_tuning"; }
    }

    /** Learned per-layer key/value prefixes. */
    record PrefixTuning(Integer numVirtualTokens) implements Method {
        public PrefixTuning {
            numVirtualTokens = atLeast("num_virtual_tokens", numVirtualTokens, 1, 8);
        }

        @Override public String type() { return "prefix_tuning"; }
    }

    /** Learned scaling vectors on the named modules; {@code feedforwardModules} scale their input. */
    record Ia3(List<String> targetModules, List<String> feedforwardModules) implements Method {
        public Ia3 {
            targetModules = targetModules == null ? List.of("k_proj", "v_proj", "down_proj") : List.copyOf(targetModules);
            feedforwardModules = feedforwardModules == null ? List.of("down_proj") : List.copyOf(feedforwardModules);
            if (!targetModules.containsAll(feedforwardModules)) {
                throw new InvalidField("feedforward_modules", "must be among target_modules " + targetModules
                        + ", got " + feedforwardModules);
            }
        }

        @Override public String type() { return "ia3"; }
    }

    /**
     * A classification head over an encoder or decoder for text+label data.
     *
     * @param pooling mean (encoders), last (decoders) or cls
     * @param encoder frozen (only the head trains), lora (a LoRA adapter too) or full
     */
    record Classification(String pooling, String encoder, Integer r, Double alpha, List<String> targetModules)
            implements Method {
        public Classification {
            pooling = oneOf("pooling", pooling, "mean", "mean", "last", "cls");
            encoder = oneOf("encoder", encoder, "frozen", "frozen", "lora", "full");
            r = atLeast("r", r, 1, 8);
            alpha = within("alpha", alpha, 0, true, 1e6, 2.0 * r);
            targetModules = Recipe.listOrEmpty(targetModules);
        }

        @Override public String type() { return "classification"; }
    }
}
