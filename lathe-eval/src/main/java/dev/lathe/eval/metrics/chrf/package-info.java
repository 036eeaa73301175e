/**
 * chrF and chrF++ exactly as sacreBLEU 2.x (2.6.0) computes them: {@link dev.lathe.eval.metrics.chrf.Chrf}
 * (corpus and sentence level) with its options, statistics, score and signature records. Depends on
 * nothing but the JDK.
 */
package dev.lathe.eval.metrics.chrf;
