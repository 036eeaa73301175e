/**
 * Step 1's last part: turning prepared records into {@link dev.lathe.tune.train.TokenizedExample}s for
 * causal-LM fine-tuning. A {@link dev.lathe.tune.data.tokenize.PromptFormat} renders a record as text
 * segments that are trained (the completion, the assistant's turns) or not (the prompt): through the
 * model's own chat template when it has one, else through a documented plain format. The
 * {@link dev.lathe.tune.data.tokenize.ExampleTokenizer} tokenizes the segments, masks the loss on the
 * untrained ones (or not, by configuration), applies the maximum length with a truncation policy,
 * optionally packs plain text into fixed-length chunks, and reports the token lengths.
 */
package dev.lathe.tune.data.tokenize;
