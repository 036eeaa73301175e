package dev.lathe.eval.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalDataTest {
    @TempDir
    Path dir;

    @Test
    void jsonlTakesPromptAndCompletionByDefaultAndListsAsSeveralTargets() throws Exception {
        Path f = dir.resolve("d.jsonl");
        Files.writeString(f, """
                {"prompt": "a", "completion": "b"}

                {"prompt": "c", "completion": ["d", "e"]}
                {"prompt": "f", "completion": {"text": ["g"]}}
                """);
        EvalData.Loaded d = EvalData.load(f, null, null, 0);
        assertThat(d.inputColumn()).isEqualTo("prompt");
        assertThat(d.targetColumn()).isEqualTo("completion");
        assertThat(d.examples()).extracting(EvalExample::input).containsExactly("a", "c", "f");
        assertThat(d.examples().get(1).targets()).containsExactly("d", "e");
        assertThat(d.examples().get(2).targets()).containsExactly("g");
        assertThat(EvalData.load(f, null, null, 2).examples()).hasSize(2);
    }

    @Test
    void instructionDataAppendsItsInput() throws Exception {
        Path f = dir.resolve("alpaca.jsonl");
        Files.writeString(f, "{\"instruction\": \"Translate\", \"input\": \"Hallo\", \"output\": \"Hello\"}\n");
        EvalExample e = EvalData.load(f, null, null, 0).examples().getFirst();
        assertThat(e.input()).isEqualTo("Translate\n\nHallo");
        assertThat(e.targets()).containsExactly("Hello");
    }

    @Test
    void csvHandlesQuotesCommasAndNewlinesWithChosenColumns() throws Exception {
        Path f = dir.resolve("d.csv");
        Files.writeString(f, "q,a,label\r\n\"say \"\"hi\"\", then\nbye\",x,pos\r\nplain,y,neg\r\n");
        EvalData.Loaded d = EvalData.load(f, "q", "label", 0);
        assertThat(d.examples()).extracting(EvalExample::input).containsExactly("say \"hi\", then\nbye", "plain");
        assertThat(d.examples()).extracting(e -> e.targets().getFirst()).containsExactly("pos", "neg");
    }

    @Test
    void missingColumnsAndBadLinesAreNamed() throws Exception {
        Path f = dir.resolve("d.jsonl");
        Files.writeString(f, "{\"question\": \"a\"}\n");
        assertThatThrownBy(() -> EvalData.load(f, null, null, 0)).hasMessageContaining("no input column")
                .hasMessageContaining("question");
        assertThatThrownBy(() -> EvalData.load(f, "question", "nope", 0)).hasMessageContaining("no target column 'nope'");
        Files.writeString(f, "{\"prompt\": \"a\"}\nnot json\n");
        assertThatThrownBy(() -> EvalData.load(f, null, null, 0)).hasMessageContaining("line 2 is not JSON");
        assertThatThrownBy(() -> EvalData.load(dir.resolve("none.jsonl"), null, null, 0))
                .hasMessageContaining("no such data file");
    }

    @Test
    void referenceStreamsRepeatTheFirstTargetWhereAnExampleHasFewer() {
        List<EvalExample> ex = List.of(new EvalExample(0, "a", List.of("x")), new EvalExample(1, "b", List.of("y", "z")));
        assertThat(Evaluation.referenceStreams(ex)).containsExactly(List.of("x", "y"), List.of("x", "z"));
        assertThatThrownBy(() -> Evaluation.referenceStreams(List.of(new EvalExample(0, "a", List.of()))))
                .hasMessageContaining("example 1 has no target");
    }
}
