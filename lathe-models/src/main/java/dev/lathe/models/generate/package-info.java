/**
 * Sampling and the generation loop over a {@link dev.lathe.models.CausalLanguageModel}: {@link
 * dev.lathe.models.generate.SamplingParams} (temperature, top-k/top-p/min-p, penalties, logit bias,
 * seed, stop sequences and ids, logprobs), the {@link dev.lathe.models.generate.Generator} for one
 * request or a batch, and the per-step unit {@link dev.lathe.models.generate.BatchStep} /
 * {@link dev.lathe.models.generate.SequenceState} that continuous batching builds on.
 *
 * <p>Logit processing order, the HF/vLLM one: logit bias, repetition penalty, frequency and presence
 * penalties, then temperature, top-k, top-p, min-p, and the draw (temperature 0: argmax after the
 * penalties). Reported logprobs are the log-softmax of the logits after bias and penalties, before
 * temperature and truncation (vLLM's "processed logprobs").
 *
 * <p>A request may carry a {@link dev.lathe.models.generate.TokenConstraint} (structured output, forced
 * tool calls): it masks the logits before the processors above and decides when EOS may come.
 *
 * <p>Text is produced through a caller-supplied {@link dev.lathe.models.generate.TokenDecoder}, so this
 * package does not depend on any tokenizer implementation.
 */
package dev.lathe.models.generate;
