package dev.lathe.eval.harness;

import java.util.List;

/** A metric that also scores each line on its own, as sacreBLEU's sentence-level mode prints it. */
public interface SentenceLevelMetric extends TextMetric {
    /** One line per hypothesis. */
    List<String> sentenceLines(List<String> hypotheses, List<List<String>> references);
}
