package dev.lathe.tune.peft.lora;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test resources: the tiny reference models (copies of lathe-models' tiny-models) and small tensor helpers. */
final class TinyModels {
    private TinyModels() {}

    record Loaded(DecoderModel model, Weights weights) implements AutoCloseable {
        @Override
        public void close() {
            weights.close();
        }
    }

    static Path resource(String path) {
        try {
            return Path.of(TinyModels.class.getResource("/" + path).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + path, e);
        }
    }

    /** A tiny model memory-mapped from its safetensors file (read-only weights). */
    static Loaded load(String name) {
        Path dir = resource("tiny-models/" + name);
        try {
            Weights weights = Weights.open(dir);
            return new Loaded(DecoderFamilies.load(dir, weights), weights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same Llama model over writable heap copies of its projection weights. */
    static DecoderModel heapCopy(DecoderModel m) {
        List<DecoderWeights.Layer> layers = new ArrayList<>();
        for (DecoderWeights.Layer l : m.weights().layers()) {
            layers.add(new DecoderWeights.Layer(l.attnNorm(), copy(l.q()), copy(l.k()), copy(l.v()), copy(l.o()),
                    l.mlpNorm(), copy(l.gate()), copy(l.up()), copy(l.down())));
        }
        DecoderWeights w = m.weights();
        return new DecoderModel(m.architecture(),
                new DecoderWeights(w.embed(), w.positions(), layers, w.finalNorm(), w.lmHead()));
    }

    private static DecoderWeights.Linear copy(DecoderWeights.Linear l) {
        return new DecoderWeights.Linear(l.weight().copyContiguous(), l.bias());
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
