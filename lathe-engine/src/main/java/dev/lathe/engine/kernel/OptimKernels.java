package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused optimizer updates over one flat parameter: a single pass reads the parameter, its gradient
 * and its state buffers and writes them back, instead of one pass per PyTorch tensor op. The
 * arithmetic follows PyTorch's single-tensor CPU code op by op (same rounding points, FMA where
 * PyTorch's vectorised add-with-alpha uses one), so results match {@code torch.optim} to within an
 * ulp or so per step.
 *
 * <p>Each SIMD kernel has a scalar twin ({@code ...Scalar}) doing the same IEEE operations in the
 * same order; Java guarantees both round identically, so the twins agree bit for bit. The SIMD
 * kernels split long parameters across {@link Parallel} in blocks; elements are independent, so the
 * split cannot change results.
 */
public final class OptimKernels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int BLOCK = 1 << 14; // elements per parallel work item

    private OptimKernels() {}

    /**
     * The per-step scalars of one AdamW update, already rounded to F32 as PyTorch rounds them.
     *
     * @param decay        {@code 1 - lr * weight_decay} (decoupled weight decay)
     * @param beta1        first-moment decay; {@code oneMinusBeta1} its complement
     * @param beta2        second-moment decay; {@code oneMinusBeta2} its complement
     * @param bc2Sqrt      {@code sqrt(1 - beta2^step)}: second-moment bias correction
     * @param eps          added to the denominator after bias correction
     * @param negStepSize  {@code -lr / (1 - beta1^step)}: first-moment bias correction folded into the step
     * @param gradScale    each gradient element is first multiplied by this (gradient clipping's coefficient
     *                     folded into the update: the same bits as scaling the gradient in place first, one
     *                     pass over memory fewer); 1 = unscaled
     */
    public record AdamWScalars(float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
            float bc2Sqrt, float eps, float negStepSize, float gradScale) {

        /** Scalars with an unscaled gradient. */
        public AdamWScalars(float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                float bc2Sqrt, float eps, float negStepSize) {
            this(decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, bc2Sqrt, eps, negStepSize, 1f);
        }
    }

    /**
     * One AdamW step over {@code n} elements, in place: {@code p *= decay; m = b1*m + (1-b1)*g;
     * v = b2*v + (1-b2)*g*g; p += negStepSize * m / (sqrt(v)/bc2Sqrt + eps)}.
     */
    public static void adamwUpdate(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long n,
            AdamWScalars k) {
        if (!Simd.ENABLED) {
            adamwUpdateScalar(p, g, m, v, n, k);
            return;
        }
        Parallel.forBlocks(n, BLOCK, (start, end) -> adamwRange(p, g, m, v, start, end, k));
    }

    private static void adamwRange(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v,
            long start, long end, AdamWScalars k) {
        FloatVector decay = FloatVector.broadcast(S, k.decay());
        FloatVector b1 = FloatVector.broadcast(S, k.beta1());
        FloatVector omb1 = FloatVector.broadcast(S, k.oneMinusBeta1());
        FloatVector b2 = FloatVector.broadcast(S, k.beta2());
        FloatVector omb2 = FloatVector.broadcast(S, k.oneMinusBeta2());
        FloatVector bc2 = FloatVector.broadcast(S, k.bc2Sqrt());
        FloatVector eps = FloatVector.broadcast(S, k.eps());
        FloatVector step = FloatVector.broadcast(S, k.negStepSize());
        boolean scaled = k.gradScale() != 1f;
        float gradScale = k.gradScale();
        long i = start;
        long upper = start + (end - start) - (end - start) % S.length();
        for (; i < upper; i += S.length()) {
            long b = i * 4;
            FloatVector gv = FloatVector.fromMemorySegment(S, g, b, NATIVE);
            if (scaled) {
                gv = gv.mul(gradScale);
            }
            FloatVector mv = FloatVector.fromMemorySegment(S, m, b, NATIVE);
            FloatVector vv = FloatVector.fromMemorySegment(S, v, b, NATIVE);
            FloatVector pv = FloatVector.fromMemorySegment(S, p, b, NATIVE).mul(decay);
            mv = gv.fma(omb1, mv.mul(b1));
            vv = vv.mul(b2).add(omb2.mul(gv).mul(gv));
            FloatVector denom = vv.sqrt().div(bc2).add(eps);
            pv = pv.add(step.mul(mv).div(denom));
            mv.intoMemorySegment(m, b, NATIVE);
            vv.intoMemorySegment(v, b, NATIVE);
            pv.intoMemorySegment(p, b, NATIVE);
        }
        adamwScalarRange(p, g, m, v, i, end, k);
    }

    public static void adamwUpdateScalar(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v,
            long n, AdamWScalars k) {
        adamwScalarRange(p, g, m, v, 0, n, k);
    }

    private static void adamwScalarRange(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v,
            long start, long end, AdamWScalars k) {
        boolean scaled = k.gradScale() != 1f;
        for (long i = start; i < end; i++) {
            float gi = scaled ? k.gradScale() * g.getAtIndex(F32, i) : g.getAtIndex(F32, i);
            float pi = p.getAtIndex(F32, i) * k.decay();
            float mi = Math.fma(gi, k.oneMinusBeta1(), m.getAtIndex(F32, i) * k.beta1());
            float vi = v.getAtIndex(F32, i) * k.beta2() + k.oneMinusBeta2() * gi * gi;
            float denom = (float) Math.sqrt(vi) / k.bc2Sqrt() + k.eps();
            pi = pi + k.negStepSize() * mi / denom;
            m.setAtIndex(F32, i, mi);
            v.setAtIndex(F32, i, vi);
            p.setAtIndex(F32, i, pi);
        }
    }

    /**
     * The per-step scalars of one SGD update, rounded to F32.
     *
     * @param negLr              {@code -lr}
     * @param weightDecay        L2 penalty added to the gradient (0 = none)
     * @param momentum           momentum factor (0 = plain SGD, no buffer)
     * @param oneMinusDampening  {@code 1 - dampening}, the weight of the new gradient in the buffer
     * @param firstStep          the buffer does not exist yet: it starts as a copy of the gradient
     * @param nesterov           use Nesterov momentum ({@code d = d + momentum * buf})
     * @param gradScale          each gradient element is first multiplied by this (see {@link AdamWScalars})
     */
    public record SgdScalars(float negLr, float weightDecay, float momentum, float oneMinusDampening,
            boolean firstStep, boolean nesterov, float gradScale) {

        /** Scalars with an unscaled gradient. */
        public SgdScalars(float negLr, float weightDecay, float momentum, float oneMinusDampening,
                boolean firstStep, boolean nesterov) {
            this(negLr, weightDecay, momentum, oneMinusDampening, firstStep, nesterov, 1f);
        }
    }

    /**
     * One SGD step over {@code n} elements, in place: {@code d = g + wd*p}; with momentum
     * {@code buf = first ? d : momentum*buf + (1-dampening)*d} and {@code d = nesterov ? d + momentum*buf : buf};
     * then {@code p -= lr * d}. {@code buf} may be null when {@code momentum == 0}.
     */
    public static void sgdUpdate(MemorySegment p, MemorySegment g, MemorySegment buf, long n, SgdScalars k) {
        if (!Simd.ENABLED) {
            sgdUpdateScalar(p, g, buf, n, k);
            return;
        }
        Parallel.forBlocks(n, BLOCK, (start, end) -> sgdRange(p, g, buf, start, end, k));
    }

    private static void sgdRange(MemorySegment p, MemorySegment g, MemorySegment buf, long start, long end,
            SgdScalars k) {
        boolean decay = k.weightDecay() != 0;
        boolean hasMomentum = k.momentum() != 0;
        FloatVector wd = FloatVector.broadcast(S, k.weightDecay());
        FloatVector mom = FloatVector.broadcast(S, k.momentum());
        FloatVector omd = FloatVector.broadcast(S, k.oneMinusDampening());
        FloatVector negLr = FloatVector.broadcast(S, k.negLr());
        boolean scaled = k.gradScale() != 1f;
        float gradScale = k.gradScale();
        long i = start;
        long upper = start + (end - start) - (end - start) % S.length();
        for (; i < upper; i += S.length()) {
            long b = i * 4;
            FloatVector pv = FloatVector.fromMemorySegment(S, p, b, NATIVE);
            FloatVector d = FloatVector.fromMemorySegment(S, g, b, NATIVE);
            if (scaled) {
                d = d.mul(gradScale);
            }
            if (decay) {
                d = pv.fma(wd, d);
            }
            if (hasMomentum) {
                FloatVector bv = k.firstStep() ? d
                        : d.fma(omd, FloatVector.fromMemorySegment(S, buf, b, NATIVE).mul(mom));
                bv.intoMemorySegment(buf, b, NATIVE);
                d = k.nesterov() ? bv.fma(mom, d) : bv;
            }
            d.fma(negLr, pv).intoMemorySegment(p, b, NATIVE);
        }
        sgdScalarRange(p, g, buf, i, end, k);
    }

    public static void sgdUpdateScalar(MemorySegment p, MemorySegment g, MemorySegment buf, long n, SgdScalars k) {
        sgdScalarRange(p, g, buf, 0, n, k);
    }

    private static void sgdScalarRange(MemorySegment p, MemorySegment g, MemorySegment buf, long start, long end,
            SgdScalars k) {
        boolean decay = k.weightDecay() != 0;
        boolean hasMomentum = k.momentum() != 0;
        boolean scaled = k.gradScale() != 1f;
        for (long i = start; i < end; i++) {
            float pi = p.getAtIndex(F32, i);
            float d = scaled ? k.gradScale() * g.getAtIndex(F32, i) : g.getAtIndex(F32, i);
            if (decay) {
                d = Math.fma(pi, k.weightDecay(), d);
            }
            if (hasMomentum) {
                float bi = k.firstStep() ? d
                        : Math.fma(d, k.oneMinusDampening(), buf.getAtIndex(F32, i) * k.momentum());
                buf.setAtIndex(F32, i, bi);
                d = k.nesterov() ? Math.fma(bi, k.momentum(), d) : bi;
            }
            p.setAtIndex(F32, i, Math.fma(d, k.negLr(), pi));
        }
    }
}
