package dev.lathe.tune.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.tune.data.read.DatasetReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetWriterTest {
    @TempDir Path dir;

    private static List<Example> readBack(Path p) {
        return DatasetReader.read(p, ColumnMapping.IDENTITY, null).stream().map(DatasetWriterTest::withoutOrigin).toList();
    }

    private static Example withoutOrigin(Example e) {
        return switch (e) {
            case AlpacaExample a -> new AlpacaExample(a.instruction(), a.input(), a.output(), a.label(), Origin.NONE);
            case ChatExample c -> new ChatExample(c.messages(), c.label(), Origin.NONE);
            case PromptCompletionExample p -> new PromptCompletionExample(p.prompt(), p.completion(), p.label(), Origin.NONE);
            case TextExample t -> new TextExample(t.text(), t.label(), Origin.NONE);
        };
    }

    @Test
    void everyShapeWrittenAsJsonLinesReadsBackAsTheSameRecords() {
        List<List<Example>> sets = List.of(
                List.of(new AlpacaExample("Do \"this\"", "", "Done.\n1. step", "intent_a", Origin.NONE)),
                List.of(new ChatExample(List.of(new ChatExample.Message("system", "Be brief."),
                        new ChatExample.Message("user", "hi"), new ChatExample.Message("assistant", "hello")), null, Origin.NONE)),
                List.of(new PromptCompletionExample("2+2=", "4", null, Origin.NONE)),
                List.of(new TextExample("unicode ✓ {{Order Number}}", null, Origin.NONE)),
                List.of(new TextExample("great", "positive", Origin.NONE)));
        int i = 0;
        for (List<Example> set : sets) {
            Path p = dir.resolve("set" + i++ + ".jsonl");
            DatasetWriter.writeJsonl(set, p);
            assertThat(readBack(p)).isEqualTo(set);
        }
    }
}
