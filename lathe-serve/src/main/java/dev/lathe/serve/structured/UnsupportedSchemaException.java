package dev.lathe.serve.structured;

/**
 * A JSON Schema that structured output cannot enforce: a keyword outside the supported subset, a
 * malformed value, or a reference that does not resolve. Names the keyword and where it is (a JSON
 * pointer into the schema) so an API error can point the caller at the exact spot.
 */
public final class UnsupportedSchemaException extends IllegalArgumentException {
    private final String keyword;
    private final String pointer;

    public UnsupportedSchemaException(String keyword, String pointer, String message) {
        super("response schema at '" + (pointer.isEmpty() ? "#" : "#" + pointer) + "': " + message);
        this.keyword = keyword;
        this.pointer = pointer;
    }

    /** The offending keyword (e.g. {@code "pattern"}), or null when the problem is not one keyword. */
    public String keyword() {
        return keyword;
    }

    /** JSON pointer (RFC 6901) of the offending spot in the schema, "" for the root. */
    public String pointer() {
        return pointer;
    }
}
