package dev.lathe.tune.data.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.tune.data.DatasetFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {
    @Test
    void aHeaderRowNamesTheColumnsOfEveryRecord() {
        List<RawRow> rows = CsvReader.parse("t.csv", "a,b\n1,2\n3,4\n");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).values()).containsExactly(java.util.Map.entry("a", "3"), java.util.Map.entry("b", "4"));
        assertThat(rows.get(1).origin().record()).isEqualTo(2);
        assertThat(rows.get(1).origin().line()).isEqualTo(3);
    }

    @Test
    void quotedFieldsMayHoldCommasDoubledQuotesAndLineBreaks() {
        String csv = "q,r\n\"a, b\",\"she said \"\"hi\"\"\"\n\"line 1\nline 2\r\nline 3\",x\nlast,y\n";
        List<RawRow> rows = CsvReader.parse("t.csv", csv);
        assertThat(rows.get(0).values().get("q")).isEqualTo("a, b");
        assertThat(rows.get(0).values().get("r")).isEqualTo("she said \"hi\"");
        assertThat(rows.get(1).values().get("q")).isEqualTo("line 1\nline 2\r\nline 3");
        assertThat(rows.get(2).origin().line()).as("line counting continues after a multi-line field").isEqualTo(6);
    }

    @Test
    void aByteOrderMarkCrlfLineEndsAndBlankLinesAreAccepted() {
        List<RawRow> rows = CsvReader.parse("t.csv", "\uFEFFtext,label\r\nhello,greet\r\n\r\nbye,leave");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).values()).containsKey("text");
        assertThat(rows.get(1).values().get("label")).isEqualTo("leave");
    }

    @Test
    void emptyFieldsAreEmptyStrings() {
        assertThat(CsvReader.parse("t.csv", "a,b,c\n,,\n").getFirst().values().values()).containsExactly("", "", "");
    }

    @Test
    void anUnterminatedQuoteIsReportedAtTheLineWhereTheFieldStarts() {
        assertThatThrownBy(() -> CsvReader.parse("bad.csv", "a,b\n1,2\n3,\"never closed\n4,5\n"))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("bad.csv: line 3").hasMessageContaining("never closed");
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsAnError() {
        assertThatThrownBy(() -> CsvReader.parse("bad.csv", "a,b\n1,x\"y\n"))
                .hasMessageContaining("bad.csv: line 2").hasMessageContaining("quote character inside unquoted field 2");
    }

    @Test
    void textAfterAClosingQuoteIsAnError() {
        assertThatThrownBy(() -> CsvReader.parse("bad.csv", "a,b\n\"x\"y,1\n"))
                .hasMessageContaining("bad.csv: line 2").hasMessageContaining("after the closing quote of field 1");
    }

    @Test
    void aRecordWithTheWrongNumberOfFieldsNamesLineRecordAndHeader() {
        assertThatThrownBy(() -> CsvReader.parse("bad.csv", "a,b,c\n1,2,3\n4,5\n"))
                .hasMessage("bad.csv: line 3 (record 2): 2 fields, but the header has 3 [a, b, c]");
    }

    @Test
    void duplicateColumnNamesAreRejected() {
        assertThatThrownBy(() -> CsvReader.parse("bad.csv", "a,a\n1,2\n")).hasMessageContaining("column 'a' appears twice");
    }

    @Test
    void anEmptyFileHasNoHeader() {
        assertThatThrownBy(() -> CsvReader.parse("e.csv", "")).hasMessageContaining("e.csv: empty CSV");
    }
}
