package dev.lathe.cli.quickstart;

import dev.lathe.models.hub.ProgressBar;
import dev.lathe.tune.classify.TextClassifier;
import dev.lathe.tune.data.AlpacaExample;
import java.util.ArrayList;
import java.util.List;

/** The intent classifier's predictions for a split's messages, in batches, with a progress bar. */
final class Predictions {
    private static final int BATCH = 32;

    private Predictions() {}

    static List<TextClassifier.Prediction> of(TextClassifier classifier, List<AlpacaExample> rows, String label,
            StepConsole console) {
        List<TextClassifier.Prediction> out = new ArrayList<>(rows.size());
        try (ProgressBar bar = console.bar(label, rows.size(), "messages")) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<String> texts = rows.subList(from, Math.min(rows.size(), from + BATCH)).stream()
                        .map(AlpacaExample::instruction).toList();
                out.addAll(classifier.predict(texts));
                bar.update(out.size());
            }
            bar.finish();
        }
        return out;
    }
}
