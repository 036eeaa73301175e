package dev.lathe.tune.peft;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Writes JSON as PEFT writes {@code adapter_config.json}: Python's {@code json.dumps(d, indent=2,
 * sort_keys=True)} (keys sorted, two-space indent, {@code ": "} after keys, one array element per line,
 * empty objects and arrays as {@code {}} and {@code []}), so a saved config is byte-for-byte what PEFT
 * would write for the same values.
 */
public final class PeftJson {
    private PeftJson() {}

    /** {@code node} in PEFT's layout, without a trailing newline (PEFT writes none). */
    public static String write(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, 0, sb);
        return sb.toString();
    }

    private static void write(JsonNode n, int depth, StringBuilder sb) {
        if (n.isObject()) {
            List<String> keys = new ArrayList<>();
            n.fieldNames().forEachRemaining(keys::add);
            if (keys.isEmpty()) {
                sb.append("{}");
                return;
            }
            Collections.sort(keys);
            sb.append("{\n");
            for (int i = 0; i < keys.size(); i++) {
                indent(depth + 1, sb);
                sb.append(quote(keys.get(i))).append(": ");
                write(n.get(keys.get(i)), depth + 1, sb);
                sb.append(i + 1 < keys.size() ? ",\n" : "\n");
            }
            indent(depth, sb);
            sb.append('}');
        } else if (n.isArray()) {
            if (n.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            Iterator<JsonNode> it = n.elements();
            while (it.hasNext()) {
                indent(depth + 1, sb);
                write(it.next(), depth + 1, sb);
                sb.append(it.hasNext() ? ",\n" : "\n");
            }
            indent(depth, sb);
            sb.append(']');
        } else if (n.isTextual()) {
            sb.append(quote(n.textValue()));
        } else if (n.isDouble() || n.isFloat()) {
            sb.append(pythonFloat(n.doubleValue()));
        } else {
            sb.append(n.toString()); // null, booleans, integers
        }
    }

    /** Python's repr of a float for the values configs hold: 0.05, 0.0, 1e-05, 16.0. */
    static String pythonFloat(double v) {
        String s = Double.toString(v);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e).replaceAll("\\.0$", "");
        int exp = Integer.parseInt(s.substring(e + 1));
        if (exp >= -4 && exp < 16) {
            return new java.math.BigDecimal(s).toPlainString();
        }
        return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }

    private static void indent(int depth, StringBuilder sb) {
        sb.append("  ".repeat(depth));
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) { // ensure_ascii=True
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
