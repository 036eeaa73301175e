/**
 * Prompt tuning (Lester et al. 2021, https://arxiv.org/abs/2104.08691) as Hugging Face PEFT implements it:
 * {@link dev.lathe.tune.peft.prompt.PromptTuningConfig} (PEFT's fields, random, vocabulary-sampled or
 * text-initialised virtual tokens), {@link dev.lathe.tune.peft.prompt.PromptTuningModel} (the trainable
 * virtual-token embeddings the base model prepends) and {@link dev.lathe.tune.peft.prompt.PromptTuningAdapters}
 * (PEFT's adapter folder: {@code prompt_embeddings}).
 */
package dev.lathe.tune.peft.prompt;
