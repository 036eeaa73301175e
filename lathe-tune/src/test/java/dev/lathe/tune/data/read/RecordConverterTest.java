package dev.lathe.tune.data.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.ChatExample;
import dev.lathe.tune.data.ColumnMapping;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.PromptCompletionExample;
import dev.lathe.tune.data.Shape;
import dev.lathe.tune.data.TextExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordConverterTest {
    @TempDir Path dir;

    private List<Example> jsonl(String text, ColumnMapping m) {
        return RecordConverter.convert("t.jsonl", JsonReader.parseLines("t.jsonl", text), m, null);
    }

    @Test
    void eachShapeIsDetectedFromItsFieldNames() {
        assertThat(jsonl("{\"instruction\":\"i\",\"input\":null,\"output\":\"o\"}", ColumnMapping.IDENTITY).getFirst())
                .isEqualTo(new AlpacaExample("i", "", "o", null, new dev.lathe.tune.data.Origin("t.jsonl", 1, 1)));
        assertThat(jsonl("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"}]}",
                ColumnMapping.IDENTITY).getFirst()).isInstanceOfSatisfying(ChatExample.class,
                c -> assertThat(c.messages()).extracting(ChatExample.Message::role).containsExactly("user", "assistant"));
        assertThat(jsonl("{\"prompt\":\"p\",\"completion\":\"c\"}", ColumnMapping.IDENTITY).getFirst())
                .isInstanceOf(PromptCompletionExample.class);
        Example labelled = jsonl("{\"text\":\"t\",\"label\":3}", ColumnMapping.IDENTITY).getFirst();
        assertThat(labelled.shape()).isEqualTo(Shape.TEXT_LABEL);
        assertThat(labelled.label()).isEqualTo("3");
        assertThat(jsonl("{\"text\":\"t\"}", ColumnMapping.IDENTITY).getFirst().shape()).isEqualTo(Shape.TEXT);
    }

    @Test
    void whenNoShapeFitsTheErrorListsTheColumnsFoundAndTheShapesKnown() {
        assertThatThrownBy(() -> jsonl("{\"question\":\"q\",\"answer\":\"a\"}", ColumnMapping.IDENTITY))
                .hasMessageContaining("t.jsonl: no record shape fits the columns [question, answer]")
                .hasMessageContaining("alpaca (instruction, output[, input])")
                .hasMessageContaining("column mapping");
    }

    @Test
    void aColumnMappingRenamesOtherNames() {
        Example e = jsonl("{\"question\":\"q\",\"answer\":\"a\",\"topic\":\"x\"}",
                ColumnMapping.parse("question->prompt, answer->completion, topic->label")).getFirst();
        assertThat(e).isEqualTo(new PromptCompletionExample("q", "a", "x", new dev.lathe.tune.data.Origin("t.jsonl", 1, 1)));
    }

    @Test
    void aMappingThatNamesAMissingColumnSaysWhichColumnsExist() {
        assertThatThrownBy(() -> jsonl("{\"text\":\"t\"}", ColumnMapping.of("body", "text")))
                .hasMessage("t.jsonl: the column mapping names 'body', but the columns are [text]");
    }

    @Test
    void aMappingMayKeepANameButMayNotRenameOntoAColumnThatStays() {
        assertThat(jsonl("{\"instruction\":\"i\",\"response\":\"r\",\"intent\":\"x\"}",
                ColumnMapping.parse("instruction->instruction, response->output, intent->label")).getFirst().label()).isEqualTo("x");
        assertThatThrownBy(() -> jsonl("{\"question\":\"q\",\"text\":\"t\"}", ColumnMapping.of("question", "text")))
                .hasMessageContaining("renames 'question' to 'text', but the file already has a column 'text'");
        assertThat(jsonl("{\"question\":\"q\",\"text\":\"t\"}", ColumnMapping.of("question", "text", "text", "notes"))
                .getFirst().joinedText()).isEqualTo("q");
        assertThatThrownBy(() -> ColumnMapping.of("a", "text", "b", "text")).hasMessageContaining("both map to 'text'");
        assertThatThrownBy(() -> ColumnMapping.parse("a->")).hasMessageContaining("'a->' is not source->target");
    }

    @Test
    void aRecordMissingARequiredFieldIsReportedWithItsRecordNumber() {
        assertThatThrownBy(() -> jsonl("{\"text\":\"a\"}\n{\"body\":\"b\"}", ColumnMapping.IDENTITY))
                .hasMessage("t.jsonl: line 2 (record 2): field 'text' is missing; the record has [body]");
        assertThatThrownBy(() -> jsonl("{\"text\":{\"x\":1}}", ColumnMapping.IDENTITY))
                .hasMessageContaining("field 'text' must be a string, found object");
        assertThatThrownBy(() -> jsonl("{\"messages\":[{\"role\":\"user\"}]}", ColumnMapping.IDENTITY))
                .hasMessageContaining("message 1 must be an object with string 'role' and 'content'");
    }

    @Test
    void chatMessagesMayComeAsJsonInsideACsvCell() {
        var rows = CsvReader.parse("c.csv", "messages\n\"[{\"\"role\"\":\"\"user\"\",\"\"content\"\":\"\"hi\"\"}]\"\n");
        assertThat(RecordConverter.convert("c.csv", rows, ColumnMapping.IDENTITY, null).getFirst())
                .isInstanceOfSatisfying(ChatExample.class, c -> assertThat(c.messages().getFirst().content()).isEqualTo("hi"));
    }

    @Test
    void bitextReadsAsAlpacaWithIntentLabelsThroughAMapping() throws Exception {
        Path csv = dir.resolve("bitext.csv");
        try (var in = getClass().getResourceAsStream("/data/bitext-excerpt.csv")) {
            Files.copy(in, csv);
        }
        List<Example> rows = DatasetReader.read(csv, ColumnMapping.parse("response->output, intent->label"), null);
        assertThat(rows).hasSize(50).allSatisfy(e -> assertThat(e).isInstanceOf(AlpacaExample.class));
        AlpacaExample first = (AlpacaExample) rows.getFirst();
        assertThat(first.label()).isEqualTo("cancel_order");
        assertThat(first.output()).contains("\n").contains("{{Purchase ID Anonymized}}");
        assertThat(rows.stream().map(Example::label).distinct().count()).isEqualTo(27);
    }

    @Test
    void theFormatFollowsTheExtensionAndAJsonFileMayHoldJsonLines() throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), "[{\"text\":\"x\"}]");
        Path b = Files.writeString(dir.resolve("b.json"), "{\"text\":\"x\"}\n{\"text\":\"y\"}\n");
        assertThat(DatasetReader.read(a, ColumnMapping.IDENTITY, null)).hasSize(1);
        assertThat(DatasetReader.read(b, ColumnMapping.IDENTITY, null)).hasSize(2);
        Path c = Files.writeString(dir.resolve("c.txt"), "x");
        assertThatThrownBy(() -> DatasetReader.readRows(c)).hasMessageContaining("unknown dataset format");
        Path d = Files.write(dir.resolve("d.jsonl"), new byte[] {'{', (byte) 0xC3, '}'});
        assertThatThrownBy(() -> DatasetReader.readRows(d)).hasMessageContaining("not valid UTF-8");
        assertThat(new TextExample("t", null, dev.lathe.tune.data.Origin.NONE).shape()).isEqualTo(Shape.TEXT);
    }
}
