package dev.lathe.tune.data.read;

import dev.lathe.tune.data.DatasetFormatException;
import dev.lathe.tune.data.Origin;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CSV as RFC 4180 writes it, which is what Bitext and spreadsheet exports are: a header row, comma
 * separators, fields quoted with {@code "} when they hold commas, quotes ({@code ""}) or line
 * breaks (a quoted field may span lines), CRLF or LF line ends, an optional UTF-8 BOM. Anything
 * else is an error naming the line: an unterminated quote, a quote inside an unquoted field, text
 * after a closing quote, or a record whose field count differs from the header's. Blank lines
 * between records are skipped.
 */
public final class CsvReader {
    private CsvReader() {}

    /** Parses CSV text (already decoded) whose first record is the header. */
    public static List<RawRow> parse(String file, String text) {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        Parser p = new Parser(file, text);
        List<String> header = null;
        List<RawRow> rows = new ArrayList<>();
        long record = 0;
        while (p.pos < text.length()) {
            long line = p.line;
            List<String> fields = p.record();
            if (fields == null) continue; // blank line
            if (header == null) {
                header = fields;
                var seen = new HashSet<String>();
                for (String h : header) {
                    if (h.isBlank()) throw new DatasetFormatException(file, line, 0, "empty column name in header " + header);
                    if (!seen.add(h)) throw new DatasetFormatException(file, line, 0, "column '" + h + "' appears twice in the header");
                }
                continue;
            }
            record++;
            if (fields.size() != header.size()) {
                throw new DatasetFormatException(file, line, record, fields.size() + " fields, but the header has "
                        + header.size() + " " + header);
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) values.put(header.get(i), fields.get(i));
            rows.add(new RawRow(values, new Origin(file, record, line)));
        }
        if (header == null) throw new DatasetFormatException(file, "empty CSV: no header row");
        return rows;
    }

    /** The header of CSV text: the columns a mapping may name. */
    public static List<String> header(String file, String text) {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        Parser p = new Parser(file, text);
        while (p.pos < text.length()) {
            List<String> fields = p.record();
            if (fields != null) return fields;
        }
        throw new DatasetFormatException(file, "empty CSV: no header row");
    }

    private static final class Parser {
        final String file;
        final String s;
        int pos;
        long line = 1;

        Parser(String file, String s) {
            this.file = file;
            this.s = s;
        }

        /** Reads one record; null for a blank line. Leaves pos after the record's line end. */
        List<String> record() {
            if (atLineEnd()) { // a blank line
                skipLineEnd();
                return null;
            }
            List<String> fields = new ArrayList<>();
            while (true) {
                fields.add(pos < s.length() && s.charAt(pos) == '"' ? quoted(fields.size() + 1) : unquoted(fields.size() + 1));
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                skipLineEnd();
                return fields;
            }
        }

        private boolean atLineEnd() {
            return pos >= s.length() || s.charAt(pos) == '\n' || s.charAt(pos) == '\r';
        }

        private void skipLineEnd() {
            if (pos < s.length() && s.charAt(pos) == '\r') pos++;
            if (pos < s.length() && s.charAt(pos) == '\n') pos++;
            line++;
        }

        private String unquoted(int field) {
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ',' || c == '\n' || c == '\r') break;
                if (c == '"') {
                    throw new DatasetFormatException(file, line, 0, "quote character inside unquoted field "
                            + field + " (quote the whole field and double the quote: \"\")");
                }
                pos++;
            }
            return s.substring(start, pos);
        }

        private String quoted(int field) {
            long startLine = line;
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw new DatasetFormatException(file, startLine, 0, "quoted field " + field
                            + " is never closed (unterminated quote)");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    if (pos + 1 < s.length() && s.charAt(pos + 1) == '"') {
                        sb.append('"');
                        pos += 2;
                        continue;
                    }
                    pos++;
                    break;
                }
                if (c == '\n') line++;
                sb.append(c);
                pos++;
            }
            if (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ',' && c != '\n' && c != '\r') {
                    throw new DatasetFormatException(file, line, 0, "unexpected '" + c + "' after the closing quote of field "
                            + field + " (a quote inside a quoted field must be doubled)");
                }
            }
            return sb.toString();
        }
    }
}
