/**
 * ROUGE as Google's rouge-score package computes it: ROUGE-N, ROUGE-L and ROUGE-Lsum with its
 * default tokenizer and NLTK's Porter stemmer ({@link dev.lathe.eval.metrics.rouge.RougeScorer}),
 * multiple references ({@code scoreMulti}) and bootstrap confidence intervals over a corpus
 * ({@link dev.lathe.eval.metrics.rouge.BootstrapAggregator}). Depends on nothing but the JDK.
 */
package dev.lathe.eval.metrics.rouge;
