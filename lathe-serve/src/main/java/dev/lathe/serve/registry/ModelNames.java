package dev.lathe.serve.registry;

import java.util.regex.Pattern;

/**
 * What a served model may be called: letters, digits and {@code . _ - :}, starting with a letter or digit,
 * at most 128 characters, never {@code ..}. Names come from clients and only ever index a map, but keeping
 * them path-free means no name can be mistaken for a file path anywhere.
 */
public final class ModelNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private ModelNames() {}

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..");
    }

    /** {@code name}, or an IllegalArgumentException saying what is allowed. */
    public static String require(String name, String what) {
        if (!valid(name)) {
            throw new IllegalArgumentException(what + " name '" + name + "' is not allowed: use 1-128 letters, digits,"
                    + " '.', '_', '-' or ':', starting with a letter or digit, without '..'");
        }
        return name;
    }

    /** A valid name made from a model folder or file name (other characters become '-'). */
    public static String fromPath(String fileName) {
        String base = fileName.replaceAll("\\.(gguf|bin)$", "").replaceAll("[^A-Za-z0-9._:-]", "-")
                .replaceAll("\\.{2,}", ".").replaceAll("^[^A-Za-z0-9]+", "");
        if (base.isEmpty()) base = "model";
        return base.length() > 128 ? base.substring(0, 128) : base;
    }
}
