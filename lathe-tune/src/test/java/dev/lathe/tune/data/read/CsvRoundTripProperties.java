package dev.lathe.tune.data.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Whatever RFC 4180 writes, the reader reads back: commas, quotes, CR, LF in any field. */
class CsvRoundTripProperties {
    private static String quote(String f) {
        return "\"" + f.replace("\"", "\"\"") + "\"";
    }

    @Property(tries = 200)
    void fieldsWrittenByTheRfcReadBackUnchanged(
            @ForAll @Size(min = 1, max = 8) List<@StringLength(max = 12) @Chars({',', '"', '\n', '\r', ' ', 'a', 'é'}) @CharRange(from = 'x', to = 'z') String> values,
            @ForAll @IntRange(min = 1, max = 4) int columns, @ForAll boolean crlf, @ForAll boolean quoteAll) {
        String eol = crlf ? "\r\n" : "\n";
        StringBuilder csv = new StringBuilder();
        List<String> header = new ArrayList<>();
        for (int c = 0; c < columns; c++) header.add("c" + c);
        csv.append(String.join(",", header)).append(eol);
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r * columns < values.size(); r++) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                String v = values.get((r * columns + c) % values.size());
                row.add(v);
                boolean needs = quoteAll || v.isEmpty() && columns == 1 || v.matches("(?s).*[,\"\r\n].*");
                csv.append(c > 0 ? "," : "").append(needs ? quote(v) : v);
            }
            rows.add(row);
            csv.append(eol);
        }
        List<RawRow> read = CsvReader.parse("p.csv", csv.toString());
        assertThat(read).hasSize(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            assertThat(List.copyOf(read.get(r).values().values())).isEqualTo(rows.get(r));
        }
    }
}
