package dev.lathe.tune.data.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    @Test
    void jsonLinesHaveOneObjectPerLineAndSkipBlankLines() {
        List<RawRow> rows = JsonReader.parseLines("t.jsonl", "{\"text\":\"a\"}\n\n{\"text\":\"b\",\"label\":1}\n");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).origin().line()).isEqualTo(3);
        assertThat(rows.get(1).origin().record()).isEqualTo(2);
        assertThat(((JsonNode) rows.get(1).values().get("label")).asInt()).isEqualTo(1);
    }

    @Test
    void malformedJsonLinesNameFileLineAndRecord() {
        assertThatThrownBy(() -> JsonReader.parseLines("bad.jsonl", "{\"text\":\"a\"}\n{\"text\": oops}\n"))
                .hasMessageStartingWith("bad.jsonl: line 2 (record 2): malformed JSON");
    }

    @Test
    void aJsonLineThatIsNotAnObjectIsAnError() {
        assertThatThrownBy(() -> JsonReader.parseLines("bad.jsonl", "[1,2]\n"))
                .hasMessage("bad.jsonl: line 1 (record 1): expected a JSON object, found array");
    }

    @Test
    void aJsonArrayOfObjectsIsReadWithTheLineEachRecordStartsOn() {
        List<RawRow> rows = JsonReader.parseArray("t.json", "[\n {\"text\": \"a\"},\n {\"text\": \"b\"}\n]");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).origin().line()).isEqualTo(3);
    }

    @Test
    void malformedJsonArraysNameTheLineAndRecord() {
        assertThatThrownBy(() -> JsonReader.parseArray("bad.json", "[\n {\"text\": \"a\"},\n {\"text\" \"b\"}\n]"))
                .hasMessageStartingWith("bad.json: line 3 (record 2): malformed JSON");
        assertThatThrownBy(() -> JsonReader.parseArray("bad.json", "[\n {\"text\": \"a\"}\n"))
                .hasMessageStartingWith("bad.json:").hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> JsonReader.parseArray("bad.json", "{\"text\": \"a\"}"))
                .hasMessageContaining("expected a JSON array");
        assertThatThrownBy(() -> JsonReader.parseArray("bad.json", "[1]"))
                .hasMessage("bad.json: line 1 (record 1): expected a JSON object, found number");
    }
}
