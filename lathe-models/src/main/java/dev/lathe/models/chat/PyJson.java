package dev.lathe.models.chat;

import java.lang.reflect.Array;
import java.util.Map;

/**
 * Python's {@code json.dumps(value, ensure_ascii=False, indent=indent)}, which HF's {@code tojson}
 * filter calls: separators {@code ", "} and {@code ": "} on one line, {@code ","} and {@code ": "}
 * with an indent; non-ASCII characters kept; keys in map order. Templates print tool schemas with
 * it, and the model was trained on exactly this spacing.
 */
final class PyJson {
    private PyJson() {}

    static String dumps(Object value, Integer indent) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object v, Integer indent, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float) {
            out.append(pythonFloat(((Number) v).doubleValue()));
        } else if (v instanceof Number n) {
            out.append(n);
        } else if (v instanceof CharSequence s) {
            string(out, s.toString());
        } else if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (var e : map.entrySet()) {
                separator(out, first, indent, depth + 1);
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), indent, depth + 1);
            }
            closing(out, indent, depth);
            out.append('}');
        } else if (v instanceof Iterable<?> || v.getClass().isArray()) {
            java.util.List<Object> items = new java.util.ArrayList<>();
            if (v instanceof Iterable<?> it) {
                it.forEach(items::add);
            } else {
                for (int i = 0; i < Array.getLength(v); i++) items.add(Array.get(v, i));
            }
            if (items.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < items.size(); i++) {
                separator(out, i == 0, indent, depth + 1);
                write(out, items.get(i), indent, depth + 1);
            }
            closing(out, indent, depth);
            out.append(']');
        } else {
            string(out, v.toString());
        }
    }

    private static void separator(StringBuilder out, boolean first, Integer indent, int depth) {
        if (!first) out.append(indent == null ? ", " : ",");
        if (indent != null) out.append('\n').append(" ".repeat(indent * depth));
    }

    private static void closing(StringBuilder out, Integer indent, int depth) {
        if (indent != null) out.append('\n').append(" ".repeat(indent * depth));
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    /** Python's float repr: shortest round-trip digits, "1.0" not "1", "1e-05" style exponents. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == Math.rint(d) && Math.abs(d) < 1e16) return String.format("%.1f", d);
        String s = Double.toString(d); // shortest round-trip, Java's exponent form "1.0E-5"
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e);
        int exp = Integer.parseInt(s.substring(e + 1));
        if (exp >= -4 && exp < 16) return new java.math.BigDecimal(s).toPlainString();
        if (mantissa.endsWith(".0")) mantissa = mantissa.substring(0, mantissa.length() - 2);
        return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
}
