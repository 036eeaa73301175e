/**
 * Prefix tuning (Li and Liang 2021, https://arxiv.org/abs/2101.00190) as Hugging Face PEFT implements it
 * without projection: {@link dev.lathe.tune.peft.prefix.PrefixTuningConfig},
 * {@link dev.lathe.tune.peft.prefix.PrefixTuningModel} (trainable per-layer key/value prefixes the base
 * model's attention layers put before their own) and {@link dev.lathe.tune.peft.prefix.PrefixTuningAdapters}
 * (PEFT's adapter folder: {@code prompt_embeddings}).
 */
package dev.lathe.tune.peft.prefix;
