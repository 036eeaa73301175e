package dev.lathe.engine.op;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;

/** Argument checks shared by the element-wise ops, so every op words its errors alike. */
final class OpChecks {
    private OpChecks() {}

    /** Compute ops read F32; storage types (F16/BF16) must be converted with {@code to(F32)} first. */
    static Tensor requireF32(String op, String argument, Tensor t) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException(op + ": " + argument + " " + Arrays.toString(t.shape()) + " is "
                    + t.dtype() + ", expected F32 (convert storage tensors with to(DType.F32))");
        }
        return t;
    }
}
