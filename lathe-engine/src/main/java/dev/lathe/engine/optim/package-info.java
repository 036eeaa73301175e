/**
 * Optimizers over named parameters ({@link dev.lathe.engine.optim.AdamW}, {@link dev.lathe.engine.optim.Sgd}),
 * learning-rate {@linkplain dev.lathe.engine.optim.Schedule schedules}, global gradient-norm
 * {@linkplain dev.lathe.engine.optim.GradClip clipping}, and the versioned binary
 * {@linkplain dev.lathe.engine.optim.OptimizerState state format} for checkpoints. Each matches its
 * PyTorch / Hugging Face counterpart step for step; the fused update loops are in
 * {@link dev.lathe.engine.kernel.OptimKernels}.
 */
package dev.lathe.engine.optim;
