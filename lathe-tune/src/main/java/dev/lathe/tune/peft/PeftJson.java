package dev.lathe.tune.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * The {@code adapter_config.json} text of a saved adapter: {@code config} (a config's {@code toJson()}) with
     * {@code "inference_mode": true}, as PEFT's {@code PeftModel.save_pretrained} always writes it (whatever the
     * in-memory value; training sets it false), in PEFT's layout. Reading accepts either value: PEFT's
     * {@code from_pretrained} sets it from its {@code is_trainable} argument and Lathe from how the adapter is used.
     */
    public static String writeAdapterConfig(ObjectNode config) {
        ObjectNode saved = config.deepCopy();
        saved.put("inference_mode", true);
        return write(saved);
    }

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

    /**
     * Python's {@code repr} of a float (what {@code json.dumps} writes): the shortest digits that round-trip
     * (as {@link Double#toString} gives them), then Python's layout: scientific when the decimal exponent is
     * below -4 or at least 16 ({@code 1e-05}, {@code 1.5e+16}), otherwise plain with at least one digit after
     * the point ({@code 0.0001}, {@code 10000000.0}). Non-finite values as {@code json.dumps} writes them.
     */
    static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        String sign = (v < 0 || (v == 0 && 1 / v < 0)) ? "-" : "";
        if (v == 0) {
            return sign + "0.0";
        }
        java.math.BigDecimal bd = new java.math.BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        if (bd.precision() == 2) {
            // Java prints at least two significant digits where one would round-trip (4.9E-324 for
            // Double.MIN_VALUE); Python prints the shortest, so try the one-digit neighbours, nearest first.
            for (java.math.RoundingMode mode : new java.math.RoundingMode[] {java.math.RoundingMode.HALF_EVEN,
                java.math.RoundingMode.DOWN, java.math.RoundingMode.UP}) {
                java.math.BigDecimal one = bd.round(new java.math.MathContext(1, mode));
                if (one.doubleValue() == Math.abs(v)) {
                    bd = one.stripTrailingZeros();
                    break;
                }
            }
        }
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        if (exp < -4 || exp >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }
        String plain = bd.toPlainString();
        return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
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
