package dev.lathe.tune.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.op.MatMul;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.LinearHook;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.format.Weights;
import dev.lathe.tune.peft.ia3.IA3Config;
import dev.lathe.tune.peft.ia3.IA3Model;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import dev.lathe.tune.peft.prefix.PrefixTuningConfig;
import dev.lathe.tune.peft.prefix.PrefixTuningModel;
import dev.lathe.tune.peft.prompt.PromptTuningConfig;
import dev.lathe.tune.peft.prompt.PromptTuningModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test fixtures for every (method, family) pair: the tiny Llama and BERT bases (copies of the lathe-models
 * test models), each PEFT method on them behind one small {@link Row} interface, and the reference inputs
 * and losses of tools/reference/peft_methods.py.
 */
final class PeftRows {
    private PeftRows() {}

    static final int[][] LLAMA_IDS = {{1, 5, 9, 13, 40, 22, 7}, {1, 60, 2, 33, 17, 8, 30}};
    static final int[][] LLAMA_MASK = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 0}};
    static final int[][] BERT_IDS = {{2, 17, 5, 33, 9, 3, 3}, {2, 8, 39, 3, 0, 0, 0}};
    static final int[][] BERT_MASK = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}};
    static final int[][] BERT_TYPES = {{0, 0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 0, 0, 0}};
    static final int[] BERT_LABELS = {0, 3, 1, 4, 2, 2, 0, 1, 4, 0, 3, -100, -100, -100};

    static Path resource(String path) {
        try {
            return Path.of(PeftRows.class.getResource("/" + path).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + path, e);
        }
    }

    /** A base model and what must be closed after it. */
    record Base(AdapterBase adapterBase, AutoCloseable owned) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            owned.close();
        }

        /** Every parameter of the base model (none may get a gradient). */
        List<Tensor> parameters() {
            List<Tensor> out = new ArrayList<>();
            if (adapterBase instanceof AdapterBase.Bert b) {
                out.addAll(b.model().parameters().values());
            } else {
                DecoderModel m = ((AdapterBase.Decoder) adapterBase).model();
                out.add(m.weights().embed());
                out.add(m.weights().lmHead());
                for (var l : m.weights().layers()) {
                    for (LinearHook.Projection p : LinearHook.Projection.values()) {
                        if (p != LinearHook.Projection.GATE || l.gate() != null) {
                            var linear = DecoderModules.linear(l, p);
                            out.add(linear.conv1d() != null ? linear.conv1d().weight() : linear.weight());
                        }
                    }
                }
            }
            return out;
        }
    }

    static Base base(String family) {
        try {
            if (family.equals("bert")) {
                BertModel bert = BertModel.load(resource("tiny-models/bert-tiny"));
                return new Base(new AdapterBase.Bert(bert), bert);
            }
            Path dir = resource("tiny-models/" + (family.equals("llama") ? "llama-gqa" : family));
            Weights weights = Weights.open(dir);
            return new Base(new AdapterBase.Decoder(DecoderFamilies.load(dir, weights)), weights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One method on one base, as the suites see it. */
    interface Row {
        /** The adapter tensors under PEFT's saved names. */
        Map<String, Tensor> saved();

        /** The tensors an optimizer updates. */
        Map<String, Tensor> trainable();

        /** The hook of the adapter for the base's forward. */
        LinearHook hook();

        /** Positions the adapter adds before the real tokens' outputs. */
        int virtual();

        /** Turns the adapter off (the base output exactly) or on again. */
        void setEnabled(boolean on);

        /** Folding into the base weights, for the methods that can. */
        Optional<PeftAdapter.Mergeable> mergeable();
    }

    record Adapter(PeftAdapter adapter) implements Row {
        @Override
        public Map<String, Tensor> saved() {
            return adapter.adapterStateDict();
        }

        @Override
        public Map<String, Tensor> trainable() {
            return adapter.trainableParameters();
        }

        @Override
        public LinearHook hook() {
            return adapter.hook();
        }

        @Override
        public int virtual() {
            return adapter.virtualPositions();
        }

        @Override
        public void setEnabled(boolean on) {
            if (on) {
                adapter.enableAdapters();
            } else {
                adapter.disableAdapters();
            }
        }

        @Override
        public Optional<PeftAdapter.Mergeable> mergeable() {
            return adapter instanceof PeftAdapter.Mergeable m ? Optional.of(m) : Optional.empty();
        }
    }

    record Lora(LoraModel lora) implements Row {
        @Override
        public Map<String, Tensor> saved() {
            return lora.adapterStateDict("default");
        }

        @Override
        public Map<String, Tensor> trainable() {
            return lora.trainableParameters();
        }

        @Override
        public LinearHook hook() {
            return lora;
        }

        @Override
        public int virtual() {
            return 0;
        }

        @Override
        public void setEnabled(boolean on) {
            if (on) {
                lora.enableAdapters();
            } else {
                lora.disableAdapters();
            }
        }

        @Override
        public Optional<PeftAdapter.Mergeable> mergeable() {
            return Optional.of(new PeftAdapter.Mergeable() {
                @Override
                public void merge() {
                    lora.merge();
                }

                @Override
                public void unmerge() {
                    lora.unmerge();
                }
            });
        }
    }

    /** The method of a reference file (or a conformance row) built on {@code base}, with PEFT's default init. */
    static Row create(AdapterBase base, JsonNode c) {
        return switch (c.get("method").asText()) {
            case "prompt" -> new Adapter(PromptTuningModel.create(base,
                    PromptTuningConfig.of(base, c.get("num_virtual_tokens").intValue()), null, 1));
            case "prefix" -> new Adapter(PrefixTuningModel.create(base,
                    PrefixTuningConfig.of(base, c.get("num_virtual_tokens").intValue()), 1));
            case "ia3" -> new Adapter(new IA3Model(base, new IA3Config(names(c, "target_modules"),
                    names(c, "feedforward_modules"), c.path("fan_in_fan_out").asBoolean(false), true, null,
                    TaskType.CAUSAL_LM, false), 1));
            case "lora" -> new Lora(LoraModel.create(base, "default", LoraConfig.of(c.get("r").intValue(),
                    c.get("lora_alpha").doubleValue(), names(c, "target_modules"))
                    .withFanInFanOut(c.path("fan_in_fan_out").asBoolean(false)), 1));
            default -> throw new IllegalArgumentException("unknown method " + c.get("method"));
        };
    }

    private static TargetModules names(JsonNode c, String field) {
        List<String> out = new ArrayList<>();
        c.get(field).forEach(n -> out.add(n.asText()));
        return new TargetModules(out, null);
    }

    static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference loss of peft_methods.py: next-token cross entropy (decoders) or a fixed head (BERT). */
    static Tensor loss(AdapterBase base, Row row, Tensor bertHead) {
        if (base instanceof AdapterBase.Bert b) {
            Tensor hidden = b.model().forward(BERT_IDS, BERT_MASK, BERT_TYPES, row.hook()); // (B, P + T, C)
            hidden = Views.slice(hidden, 1, row.virtual(), row.virtual() + BERT_IDS[0].length);
            return Losses.crossEntropy(MatMul.linear(hidden, bertHead, null), BERT_LABELS);
        }
        return Losses.crossEntropy(logits(base, row), llamaTargets());
    }

    /** The decoder's logits (B, T, V) of the real tokens. */
    static Tensor logits(AdapterBase base, Row row) {
        DecoderModel m = ((AdapterBase.Decoder) base).model();
        int b = LLAMA_IDS.length;
        int t = LLAMA_IDS[0].length;
        int[] flat = new int[b * t];
        float[] mask = new float[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                flat[i * t + j] = LLAMA_IDS[i][j];
                mask[i * t + j] = LLAMA_MASK[i][j];
            }
        }
        Tensor logits = m.logits(flat, b, t, Tensor.of(mask, b, t), row.hook()); // (B, P + T, V)
        return Views.slice(logits, 1, row.virtual(), row.virtual() + t);
    }

    /** What the base computes for the fixed inputs: logits (B, T, V) or BERT's hidden states (B, T, C). */
    static Tensor output(AdapterBase base, Row row) {
        return base instanceof AdapterBase.Bert ? hidden(base, row) : logits(base, row);
    }

    /** BERT's last hidden state (B, T, C) of the real tokens. */
    static Tensor hidden(AdapterBase base, Row row) {
        Tensor hidden = ((AdapterBase.Bert) base).model().forward(BERT_IDS, BERT_MASK, BERT_TYPES, row.hook());
        return Views.slice(hidden, 1, row.virtual(), row.virtual() + BERT_IDS[0].length);
    }

    /** Next-token targets; the last position and predictions of padding ignored. */
    static int[] llamaTargets() {
        int t = LLAMA_IDS[0].length;
        int[] out = new int[LLAMA_IDS.length * t];
        for (int i = 0; i < LLAMA_IDS.length; i++) {
            for (int j = 0; j < t; j++) {
                boolean valid = j + 1 < t && LLAMA_MASK[i][j + 1] == 1;
                out[i * t + j] = valid ? LLAMA_IDS[i][j + 1] : Losses.DEFAULT_IGNORE_INDEX;
            }
        }
        return out;
    }

    /** The values of tensor {@code name} of a reference file. */
    static float[] values(JsonNode tensors, String name) {
        JsonNode t = tensors.get(name);
        if (t == null) {
            throw new AssertionError("reference file has no tensor " + name);
        }
        JsonNode data = t.get("data");
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) data.get(i).doubleValue();
        }
        return out;
    }

    static int[] shape(JsonNode tensors, String name) {
        JsonNode s = tensors.get(name).get("shape");
        int[] out = new int[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i).intValue();
        }
        return out;
    }

    /** Overwrites the elements of contiguous F32 {@code t} with {@code values}. */
    static void fill(Tensor t, float[] values) {
        if (values.length != t.numel()) {
            throw new IllegalArgumentException(values.length + " values for " + t.numel() + " elements");
        }
        for (int i = 0; i < values.length; i++) {
            t.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, values[i]);
        }
    }

    /** Largest |a - e| / max(1, |e|). */
    static double maxRelDiff(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError(actual.length + " values, expected " + expected.length);
        }
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
        }
        return worst;
    }
}
