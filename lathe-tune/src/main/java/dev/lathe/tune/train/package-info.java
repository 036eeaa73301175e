/**
 * The training loop for causal-LM fine-tuning: {@link dev.lathe.tune.train.Trainer} over
 * {@link dev.lathe.tune.train.TokenizedExample}s, training a {@link dev.lathe.tune.train.TrainableModel}
 * (all parameters of a decoder, or a LoRA adapter) with AdamW, a warmup schedule, gradient clipping and
 * accumulation, evaluation with early stopping, a JSONL metrics log and atomic checkpoints that resume
 * bit for bit.
 */
package dev.lathe.tune.train;
