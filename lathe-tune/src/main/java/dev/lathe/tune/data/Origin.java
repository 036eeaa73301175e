package dev.lathe.tune.data;

/**
 * Where a record came from, so that every error and every report can point at the file, the
 * 1-based record number and the 1-based line on which the record starts.
 */
public record Origin(String file, long record, long line) {
    public static final Origin NONE = new Origin("<memory>", 0, 0);

    @Override
    public String toString() {
        return file + ": record " + record + " (line " + line + ")";
    }
}
