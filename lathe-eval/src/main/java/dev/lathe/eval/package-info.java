/**
 * Evaluation: metrics that give the same numbers as their reference implementations (sacreBLEU's
 * BLEU and chrF, Google's rouge-score, the official SQuAD F1/EM, scikit-learn's classification
 * metrics) and perplexity of a model, with a harness and reports. Metric packages depend on nothing
 * but the JDK; only perplexity and the harness use models.
 */
package dev.lathe.eval;
