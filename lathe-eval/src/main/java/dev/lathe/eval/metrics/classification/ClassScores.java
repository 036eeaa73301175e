package dev.lathe.eval.metrics.classification;

/**
 * Precision, recall and F-beta of one label, with the counts they come from: {@code support} is
 * the number of samples whose true label it is, {@code predicted} the number predicted as it,
 * {@code truePositives} both.
 */
public record ClassScores(String label, double precision, double recall, double fScore, long support,
                          long predicted, long truePositives) {}
