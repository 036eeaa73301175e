/**
 * BLEU exactly as sacreBLEU 2.x (2.6.0) computes it: {@link dev.lathe.eval.metrics.bleu.Bleu} (corpus and
 * sentence level), its options, statistics, score and signature records, and the 13a / intl / char / none
 * tokenizers. Depends on nothing but the JDK.
 */
package dev.lathe.eval.metrics.bleu;
