package dev.lathe.tune.peft;

import dev.lathe.models.config.ModelFamily;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.LinearHook.Projection;
import java.util.ArrayList;
import java.util.List;

/**
 * The linear modules of a {@link DecoderModel} under their Hugging Face (transformers) paths, which PEFT
 * uses in {@code target_modules} and in saved tensor names: {@code model.layers.<i>.self_attn.q_proj} ...
 * {@code model.layers.<i>.mlp.down_proj} for Llama/Mistral/Qwen2, {@code transformer.h.<i>.attn.c_attn}
 * (the fused q/k/v Conv1D), {@code attn.c_proj}, {@code mlp.c_fc}, {@code mlp.c_proj} for GPT-2.
 */
public final class DecoderModules {
    private DecoderModules() {}

    /**
     * One module: its path, block, the projections it computes (Q, K, V for GPT-2's fused c_attn, in
     * column order), its sizes and whether it is a Conv1D stored (in, out).
     */
    public record Module(String path, int layer, List<Projection> projections, int inFeatures, int outFeatures,
            boolean conv1d) {
        public Module {
            projections = List.copyOf(projections);
        }
    }

    /** Every linear module of the blocks of {@code model}, block by block. */
    public static List<Module> of(DecoderModel model) {
        ModelFamily family = model.config().family();
        List<Module> out = new ArrayList<>();
        List<DecoderWeights.Layer> layers = model.weights().layers();
        for (int i = 0; i < layers.size(); i++) {
            DecoderWeights.Layer l = layers.get(i);
            if (family == ModelFamily.GPT2) {
                String p = "transformer.h." + i + ".";
                int c = l.q().inFeatures();
                out.add(new Module(p + "attn.c_attn", i, List.of(Projection.Q, Projection.K, Projection.V), c,
                        l.q().conv1d().weight().dim(1), true));
                out.add(module(p + "attn.c_proj", i, Projection.O, l.o()));
                out.add(module(p + "mlp.c_fc", i, Projection.UP, l.up()));
                out.add(module(p + "mlp.c_proj", i, Projection.DOWN, l.down()));
            } else {
                String p = "model.layers." + i + ".";
                out.add(module(p + "self_attn.q_proj", i, Projection.Q, l.q()));
                out.add(module(p + "self_attn.k_proj", i, Projection.K, l.k()));
                out.add(module(p + "self_attn.v_proj", i, Projection.V, l.v()));
                out.add(module(p + "self_attn.o_proj", i, Projection.O, l.o()));
                if (l.gate() != null) {
                    out.add(module(p + "mlp.gate_proj", i, Projection.GATE, l.gate()));
                }
                out.add(module(p + "mlp.up_proj", i, Projection.UP, l.up()));
                out.add(module(p + "mlp.down_proj", i, Projection.DOWN, l.down()));
            }
        }
        return out;
    }

    /** The linear of {@code layer} that computes {@code p}. */
    public static DecoderWeights.Linear linear(DecoderWeights.Layer layer, Projection p) {
        return switch (p) {
            case Q -> layer.q();
            case K -> layer.k();
            case V -> layer.v();
            case O -> layer.o();
            case GATE -> layer.gate();
            case UP -> layer.up();
            case DOWN -> layer.down();
        };
    }

    private static Module module(String path, int layer, Projection p, DecoderWeights.Linear l) {
        return new Module(path, layer, List.of(p), l.inFeatures(), l.outFeatures(), l.conv1d() != null);
    }
}
