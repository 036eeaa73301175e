package dev.lathe.serve.registry;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.DecoderWeights;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A view of a served base model whose projection weights are read-only. LoRA merging writes into writable
 * F32 weights in place and copies read-only ones; the base keeps serving its own requests while an
 * adapter is merged, so the merge must always copy. Nothing is copied here: only the views change.
 */
final class ReadOnlyWeights {
    private ReadOnlyWeights() {}

    static DecoderModel of(DecoderModel base) {
        Map<Tensor, Tensor> views = new IdentityHashMap<>();
        List<DecoderWeights.Layer> layers = new ArrayList<>();
        for (DecoderWeights.Layer l : base.weights().layers()) {
            layers.add(new DecoderWeights.Layer(l.attnNorm(), ro(l.q(), views), ro(l.k(), views), ro(l.v(), views),
                    ro(l.o(), views), l.mlpNorm(), ro(l.gate(), views), ro(l.up(), views), ro(l.down(), views)));
        }
        DecoderWeights w = base.weights();
        return new DecoderModel(base.architecture(),
                new DecoderWeights(w.embed(), w.positions(), layers, w.finalNorm(), w.lmHead()));
    }

    static DecoderWeights.Linear[] linears(DecoderWeights.Layer l) {
        return new DecoderWeights.Linear[] {l.q(), l.k(), l.v(), l.o(), l.gate(), l.up(), l.down()};
    }

    private static DecoderWeights.Linear ro(DecoderWeights.Linear linear, Map<Tensor, Tensor> views) {
        if (linear == null) return null;
        DecoderWeights.Conv1dColumns c = linear.conv1d();
        if (c != null) {
            // Fused Conv1D (GPT-2's c_attn) shares one stored matrix between q, k and v: one view for all.
            return DecoderWeights.Linear.conv1d(views.computeIfAbsent(c.weight(), ReadOnlyWeights::view), c.bias(),
                    c.start(), c.end());
        }
        return new DecoderWeights.Linear(views.computeIfAbsent(linear.weight(), ReadOnlyWeights::view), linear.bias());
    }

    private static Tensor view(Tensor t) {
        if (t.storage().isReadOnly()) return t;
        long elements = t.storage().byteSize() / t.dtype().byteSize();
        Tensor flat = Tensor.wrap(t.storage().asReadOnly(), t.dtype(), Math.toIntExact(elements));
        return flat.view(t.shape(), t.strides(), t.offset());
    }
}
