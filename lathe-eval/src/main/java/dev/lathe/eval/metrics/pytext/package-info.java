/**
 * Python string semantics (whitespace splitting, code points, lowercasing, fixed-point formatting) and
 * sacreBLEU signature layout shared by the metrics that must match Python reference tools exactly.
 */
package dev.lathe.eval.metrics.pytext;
