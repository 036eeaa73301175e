package dev.lathe.cli.recipe;

/**
 * A value out of range or of the wrong kind, thrown while a recipe section is built; {@code field} is the
 * key within its section ({@code lr}), which the parser completes with the section's path and the line.
 */
final class InvalidField extends IllegalArgumentException {
    private final String field;

    InvalidField(String field, String problem) {
        super(problem);
        this.field = field;
    }

    String field() {
        return field;
    }

    static int atLeast(String field, Integer value, int min, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < min) {
            throw new InvalidField(field, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    static long atLeast(String field, Long value, long min, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < min) {
            throw new InvalidField(field, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    /** A finite number in [min, max] ({@code openMin}: in (min, max]). */
    static double within(String field, Double value, double min, boolean openMin, double max, double fallback) {
        if (value == null) {
            return fallback;
        }
        if (!Double.isFinite(value) || value < min || (openMin && value == min) || value > max) {
            throw new InvalidField(field, "must be in " + (openMin ? "(" : "[") + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** One of {@code choices} (compared lower-case), or {@code fallback} when absent. */
    static String oneOf(String field, String value, String fallback, String... choices) {
        if (value == null) {
            return fallback;
        }
        for (String c : choices) {
            if (c.equalsIgnoreCase(value.strip())) {
                return c;
            }
        }
        throw new InvalidField(field, "'" + value + "' is not one of " + String.join(", ", choices));
    }
}
