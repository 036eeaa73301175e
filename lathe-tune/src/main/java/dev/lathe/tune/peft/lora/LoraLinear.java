package dev.lathe.tune.peft.lora;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.Dropout;
import dev.lathe.engine.op.MatMul;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.LinearHook.Projection;
import dev.lathe.tune.peft.DecoderModules;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One base module wrapped by LoRA adapters, as PEFT's {@code lora.Linear}: each adapter adds
 * {@code dropout(x) A^T B^T * scaling} to the frozen base output, with {@code A} (R, K) and {@code B} (N, R)
 * the only tensors that require gradients. Adapters can be merged into the base weight
 * ({@code W += scaling * B A}, transposed for a Conv1D stored (in, out)): in place when the stored weight is
 * a writable F32 tensor, else into a new F32 copy, so memory-mapped (read-only) weights are never written;
 * unmerging subtracts again, or drops the copy once nothing is merged, which restores the base exactly.
 */
public final class LoraLinear {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** One adapter's matrices: {@code a} (R, K), {@code b} (N, R), both F32 and requiring gradients. */
    public record Adapter(LoraConfig config, Tensor a, Tensor b) {
        public float scaling() {
            return (float) config.scaling();
        }
    }

    private final DecoderModules.Module module;
    private final Map<Projection, DecoderWeights.Linear> original; // the model's own linears
    private final Map<String, Adapter> adapters = new LinkedHashMap<>();
    private final List<String> merged = new ArrayList<>();
    private Tensor copy; // merged stored weight (N, K) or Conv1D (K, N_all) when the original was not writable
    private Map<Projection, DecoderWeights.Linear> effective; // linears over `copy`, or null

    LoraLinear(DecoderModules.Module module, Map<Projection, DecoderWeights.Linear> original) {
        this.module = module;
        this.original = new EnumMap<>(original);
    }

    public DecoderModules.Module module() {
        return module;
    }

    public Map<String, Adapter> adapters() {
        return java.util.Collections.unmodifiableMap(adapters);
    }

    /** Names of the adapters merged into the base weight, in merge order. */
    public List<String> merged() {
        return List.copyOf(merged);
    }

    void put(String name, Adapter adapter) {
        adapters.put(name, adapter);
    }

    void remove(String name) {
        adapters.remove(name);
    }

    /** The base linear computing {@code p}, with the merged adapters in it. */
    DecoderWeights.Linear base(Projection p) {
        return effective != null ? effective.get(p) : original.get(p);
    }

    /**
     * {@code sum over names of dropout(x) A^T B^T * scaling}: (..., N_all) for input (..., K); for a fused
     * module the columns of every projection. Each adapter draws its own dropout mask, as PEFT's per-adapter
     * {@code lora_dropout} modules do: a pure function of {@code seed} (this module's seed for this forward)
     * and the adapter's name, so it does not depend on which other adapters are active.
     */
    Tensor delta(Tensor x, List<String> names, boolean training, long seed) {
        Tensor sum = null;
        for (String n : names) {
            Adapter ad = adapters.get(n);
            Tensor h = Dropout.apply(x, (float) ad.config().loraDropout(), LoraModel.mix(seed, n.hashCode()), training);
            Tensor d = MatMul.linear(MatMul.linear(h, ad.a(), null), ad.b(), null); // (..., R) then (..., N_all)
            d = Arithmetic.scale(d, ad.scaling());
            sum = sum == null ? d : Arithmetic.add(sum, d);
        }
        return sum;
    }

    /** {@code scaling * B A} (N_all, K), F32, outside the graph. */
    Tensor deltaWeight(String name) {
        Adapter ad = adapters.get(name);
        return Autograd.noGrad(() -> Arithmetic.scale(MatMul.matmul(ad.b().detach(), ad.a().detach()), ad.scaling()));
    }

    void merge(String name) {
        if (merged.contains(name)) {
            return;
        }
        Tensor target = copy != null ? copy : stored();
        if (copy == null && !writable(target)) {
            copy = target.dtype() == DType.F32 ? target.copyContiguous() : target.to(DType.F32);
            target = copy;
            effective = linearsOver(copy);
        }
        addInPlace(target, deltaWeight(name), 1f);
        merged.add(name);
    }

    void unmerge(String name) {
        if (!merged.remove(name)) {
            return;
        }
        if (copy != null && merged.isEmpty()) {
            copy = null; // back to the untouched original, exactly
            effective = null;
            return;
        }
        addInPlace(copy != null ? copy : stored(), deltaWeight(name), -1f);
    }

    /**
     * The stored weight with the merged adapters in it, in the checkpoint's layout: (N, K) for nn.Linear,
     * (K, N_all) for Conv1D; the base's own tensor while nothing is merged.
     */
    Tensor storedWeight() {
        return copy != null ? copy : stored();
    }

    /** The stored parameter merging writes to: (N, K) for nn.Linear, (K, N_all) for Conv1D. */
    private Tensor stored() {
        DecoderWeights.Linear l = original.get(module.projections().get(0));
        return module.conv1d() ? l.conv1d().weight() : l.weight();
    }

    private static boolean writable(Tensor t) {
        return t.dtype() == DType.F32 && t.isContiguous() && !t.storage().isReadOnly();
    }

    private Map<Projection, DecoderWeights.Linear> linearsOver(Tensor weight) {
        Map<Projection, DecoderWeights.Linear> m = new EnumMap<>(Projection.class);
        for (Map.Entry<Projection, DecoderWeights.Linear> e : original.entrySet()) {
            DecoderWeights.Linear l = e.getValue();
            m.put(e.getKey(), module.conv1d()
                    ? DecoderWeights.Linear.conv1d(weight, l.conv1d().bias(), l.conv1d().start(), l.conv1d().end())
                    : new DecoderWeights.Linear(weight, l.bias()));
        }
        return m;
    }

    /** {@code target += sign * delta} with delta (N_all, K), transposed first for a Conv1D (K, N_all) target. */
    private void addInPlace(Tensor target, Tensor delta, float sign) {
        Tensor d = module.conv1d() ? Autograd.noGrad(() -> Views.contiguous(Views.transpose(delta, 0, 1))) : delta;
        MemorySegment t = target.data();
        MemorySegment s = d.data();
        long n = target.numel();
        for (long i = 0; i < n; i++) {
            long at = i * Float.BYTES;
            t.set(F32, at, t.get(F32, at) + sign * s.get(F32, at));
        }
    }
}
