package dev.lathe.tune.classify;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which encoder weights a classifier trains (the head always trains): none (a frozen encoder, transfer
 * learning's classic form), all, all but those matching name patterns, only the biases (BitFit), or none of
 * them but a LoRA adapter on them ({@link Lora}, for an encoder made with {@link Encoder#withLora}: BERT or decoder).
 */
public sealed interface TrainingMode {

    /** Whether the encoder weight {@code name} (e.g. {@code bert.encoder.layer.0.attention.self.query.bias}) trains. */
    boolean trains(String name);

    /** The encoder is frozen; only the head trains (its pooled features can be computed once). */
    record HeadOnly() implements TrainingMode {
        @Override
        public boolean trains(String name) {
            return false;
        }
    }

    /** Every encoder weight trains (full fine-tuning). */
    record Full() implements TrainingMode {
        @Override
        public boolean trains(String name) {
            return true;
        }
    }

    /** Every encoder weight trains except those whose name contains a match of one of {@code patterns}. */
    record Freeze(List<String> patterns) implements TrainingMode {
        public Freeze {
            patterns = List.copyOf(patterns);
            patterns.forEach(Pattern::compile); // a bad pattern fails here, naming itself
        }

        @Override
        public boolean trains(String name) {
            return patterns.stream().noneMatch(p -> Pattern.compile(p).matcher(name).find());
        }
    }

    /** The encoder's weights stay frozen; its LoRA adapter's A and B matrices train with the head. */
    record Lora() implements TrainingMode {
        @Override
        public boolean trains(String name) {
            return false;
        }
    }

    /** BitFit: only the encoder's bias terms train (Ben Zaken et al. 2022). */
    record BitFit() implements TrainingMode {
        @Override
        public boolean trains(String name) {
            return name.endsWith(".bias");
        }
    }
}
