/**
 * Perplexity of a causal language model on a text, a token sequence or a dataset of texts, computed
 * as Hugging Face's guide "Perplexity of fixed-length models" does: a window of at most {@code window}
 * tokens slides by {@code stride}, each window scores only the tokens the previous one did not, and
 * perplexity is {@code exp} of the token-weighted mean negative log-likelihood over every scored token.
 * Entry point: {@link dev.lathe.eval.perplexity.Perplexity}.
 */
package dev.lathe.eval.perplexity;
