package dev.lathe.tune.data;

/**
 * A dataset file that cannot be read as asked: the message names the file, the record and line
 * (when known) and the defect, e.g. {@code data.csv: line 12 (record 11): 9 fields, the header has 11}.
 */
public final class DatasetFormatException extends IllegalArgumentException {
    private final String file;
    private final long line;
    private final long record;

    public DatasetFormatException(String file, long line, long record, String problem) {
        super(format(file, line, record, problem));
        this.file = file;
        this.line = line;
        this.record = record;
    }

    public DatasetFormatException(Origin origin, String problem) {
        this(origin.file(), origin.line(), origin.record(), problem);
    }

    public DatasetFormatException(String file, String problem) {
        this(file, 0, 0, problem);
    }

    private static String format(String file, long line, long record, String problem) {
        StringBuilder sb = new StringBuilder(file).append(": ");
        if (line > 0) sb.append("line ").append(line);
        if (record > 0) sb.append(line > 0 ? " (record " : "record ").append(record).append(line > 0 ? ")" : "");
        if (line > 0 || record > 0) sb.append(": ");
        return sb.append(problem).toString();
    }

    public String file() { return file; }

    /** 1-based line, 0 when unknown. */
    public long line() { return line; }

    /** 1-based record number, 0 when unknown. */
    public long record() { return record; }
}
