package dev.lathe.tune.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tiny BERT classifier (mean pooling, classifier.weight/bias) and a tiny Llama classifier (last-token
 * pooling, score.weight) match tools/reference/classification_heads.py (plain PyTorch) on a padded batch:
 * pooled vectors, logits, the mean cross-entropy, and the gradients of the head and of encoder weights
 * under full fine-tuning, each within 1e-4 relative to max(1, |expected|).
 */
class ClassificationHeadParityTest {
    static final double TOLERANCE = 1e-4;
    static final List<Golden.Case> CASES = Golden.load("classification_heads.json");

    static Golden.Case golden(String name) {
        return CASES.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aTinyBertClassifierWithMeanPoolingMatchesPyTorch() {
        check(golden("bert"), TinyEncoders.bert(), 3);
    }

    @Test
    void aTinyLlamaClassifierWithLastTokenPoolingMatchesPyTorch() {
        check(golden("llama"), TinyEncoders.llama(), 4);
    }

    private static void check(Golden.Case c, Encoder encoder, int labels) {
        int[][] ids = ints(c.required("ids"));
        int[][] mask = ints(c.required("mask"));
        int[] targets = row(c.required("labels"));
        int b = ids.length;
        int t = ids[0].length;
        String head = encoder.headName();
        Tensor weight = c.tensor("head." + head + ".weight");
        Tensor bias = encoder.headBias() ? c.tensor("head." + head + ".bias") : null;
        SequenceClassifier classifier = new SequenceClassifier(encoder, new ClassificationHead(head, weight, bias, 0f),
                new LabelMap(List.of("a", "b", "c", "d").subList(0, labels)));
        Map<String, Tensor> all = classifier.parameters();
        all.values().forEach(p -> p.requiresGrad(true));

        Tensor pooled = encoder.pooled(flat(ids), b, t, flat(mask));
        Tensor logits = classifier.logitsFromPooled(pooled);
        Tensor loss = Losses.crossEntropy(logits, targets);
        double worst = Golden.assertClose(c.name() + " pooled", pooled, c.tensor("pooled"), TOLERANCE);
        worst = Math.max(worst, Golden.assertClose(c.name() + " logits", logits, c.tensor("logits"), TOLERANCE));
        worst = Math.max(worst, Golden.assertClose(c.name() + " loss", Tensor.of(new float[] {loss.item()}, 1),
                c.tensor("loss"), TOLERANCE));
        Autograd.backward(loss);
        int compared = 0;
        for (var it = c.tensors().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.startsWith("grad.") || key.equals("grad.pooled")) {
                continue;
            }
            String name = key.substring("grad.".length());
            Tensor param = all.get(name);
            assertThat(param).as("parameter " + name).isNotNull();
            assertThat(param.grad()).as("gradient of " + name).isNotNull();
            worst = Math.max(worst, Golden.assertClose(c.name() + " " + key, param.grad(), c.tensor(key), TOLERANCE));
            compared++;
        }
        assertThat(compared).isGreaterThanOrEqualTo(5);
        System.out.printf("%s classifier vs PyTorch: max relative difference %.2e over %d gradients (tolerance %.0e)%n",
                c.name(), worst, compared, TOLERANCE);
    }

    static int[][] ints(JsonNode rows) {
        int[][] out = new int[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = row(rows.get(i));
        }
        return out;
    }

    static int[] row(JsonNode row) {
        int[] out = new int[row.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = row.get(j).asInt();
        }
        return out;
    }

    static int[] flat(int[][] rows) {
        int t = rows[0].length;
        int[] out = new int[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * t, t);
        }
        return out;
    }
}
