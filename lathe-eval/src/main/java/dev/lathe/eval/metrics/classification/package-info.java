/**
 * Classification metrics that give scikit-learn's numbers: accuracy, precision, recall, F1 and
 * F-beta with micro / macro / weighted / binary / per-class averaging, the {@code labels} and
 * {@code zero_division} options, the confusion matrix and the classification report.
 *
 * <p>Labels are strings. With no explicit label list the labels are the union of {@code yTrue} and
 * {@code yPred} sorted by {@link dev.lathe.eval.metrics.classification.Labels#sorted}: as integers
 * when every label is an integer (so "2" comes before "10", as sklearn sorts int labels), otherwise
 * by Unicode code point (as numpy sorts str labels). Semantics follow current scikit-learn (1.3+):
 * {@code zero_division=nan} is supported and averages skip NaN classes. Debian's sklearn 1.2.1,
 * used for the test vectors, lacks NaN; it also differs for a weighted average whose classes all
 * have zero support (see {@link dev.lathe.eval.metrics.classification.ClassificationMetrics}).
 */
package dev.lathe.eval.metrics.classification;
