/**
 * Lathe's numerical engine: tensors over {@link java.lang.foreign.MemorySegment}, SIMD kernels on the
 * Vector API, reverse-mode autograd over coarse ops with hand-written backward passes, and optimizers.
 *
 * <p>Layering, bottom up: {@code kernel} (plain static functions over flat memory, forward/backward
 * pairs, each SIMD kernel with a scalar twin) ← {@code tensor} and {@code autograd} (shapes, storage,
 * the graph) ← {@code op} (autograd ops that only call kernels) ← {@code optim}.
 *
 * <p>Shape vocabulary used in comments throughout the engine:
 * <ul>
 *   <li>B batch, T sequence length (time), C channels / model width, V vocabulary size</li>
 *   <li>H attention heads, KVH key/value heads (grouped-query attention), D head dimension</li>
 *   <li>M, N, K the dimensions of a matrix product {@code (M,K) x (K,N) -> (M,N)}</li>
 *   <li>R rows and N columns of a row-wise kernel (norms, softmax), L layers</li>
 * </ul>
 * Gradients are named {@code dX} for the gradient of the loss with respect to {@code X}.
 */
package dev.lathe.engine;
