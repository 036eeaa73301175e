package dev.lathe.tune.data.read;

import dev.lathe.tune.data.ColumnMapping;
import dev.lathe.tune.data.DatasetFormatException;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.Shape;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads a dataset file by its extension: {@code .jsonl}/{@code .ndjson} (JSON Lines), {@code .json}
 * (a JSON array, or JSON Lines when the file starts with an object), {@code .csv} (RFC 4180). Files must be UTF-8 (a BOM is allowed); undecodable bytes are an error naming the file.
 */
public final class DatasetReader {
    /** The file formats understood. */
    public enum Format { JSONL, JSON_ARRAY, CSV }

    private DatasetReader() {}

    public static Format formatOf(Path file, String text) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return Format.JSONL;
        if (name.endsWith(".csv")) return Format.CSV;
        if (name.endsWith(".json")) {
            String t = text.stripLeading();
            if (t.startsWith("\uFEFF")) t = t.substring(1).stripLeading();
            return t.startsWith("{") ? Format.JSONL : Format.JSON_ARRAY;
        }
        throw new DatasetFormatException(file.toString(), "unknown dataset format: expected .jsonl, .ndjson, .json or .csv");
    }

    /** The raw rows of a file. */
    public static List<RawRow> readRows(Path file) {
        String name = file.toString();
        String text = readText(file);
        return switch (formatOf(file, text)) {
            case JSONL -> JsonReader.parseLines(name, text);
            case JSON_ARRAY -> JsonReader.parseArray(name, text);
            case CSV -> CsvReader.parse(name, text);
        };
    }

    /** Reads and converts a file; {@code shape} null means detect. */
    public static List<Example> read(Path file, ColumnMapping mapping, Shape shape) {
        return RecordConverter.convert(file.toString(), readRows(file), mapping, shape);
    }

    static String readText(Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new DatasetFormatException(file.toString(), "not valid UTF-8 (" + e + ")");
        } catch (IOException e) {
            throw new DatasetFormatException(file.toString(), "cannot read: " + e);
        }
    }
}
