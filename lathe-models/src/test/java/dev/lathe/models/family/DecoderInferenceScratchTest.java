package dev.lathe.models.family;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.models.KvCache;
import org.junit.jupiter.api.Test;

/** The logits scratch is sized by the rows the output head writes, never by the prompt length. */
class DecoderInferenceScratchTest {

    @Test
    void aLongPrefillReservesOneLogitsRowAndADecodeBatchReservesOneRowPerSequence() {
        try (TinyModels.Loaded m = TinyModels.load("llama-gqa")) {
            DecoderModel model = m.model();
            int[] ids = m.sequences().get(0).ids();
            KvCache cache = model.newCache(ids.length + 1);
            model.forward(ids, cache);
            assertThat(ids.length).isGreaterThan(1);
            assertThat(model.inference().logitsRows()).isEqualTo(1);

            KvCache[] caches = {model.newCache(2), model.newCache(2)};
            float[][] logits = new float[2][];
            for (int i = 0; i < 2; i++) {
                logits[i] = model.forward(new int[] {ids[i]}, caches[i]);
            }
            model.decodeBatch(new int[] {ids[1], ids[2]}, caches, logits);
            assertThat(model.inference().logitsRows()).isEqualTo(2);
        }
    }
}
