package dev.lathe.models.chat;

/**
 * Rewrites a Jinja template's source where Jinjava would read it differently from Python's Jinja2.
 *
 * <ul>
 *   <li>Whitespace: transformers renders with {@code trim_blocks} (the newline after a block tag
 *       goes) and {@code lstrip_blocks} (indentation before a block tag goes). Jinjava's versions
 *       also eat spaces before a tag in mid-line ({@code ", {% endif %}"} loses its space), so both
 *       are applied here and Jinjava's are off. Comments are dropped.</li>
 *   <li>Whitespace-control markers {@code {{-}, {@code -}}}, {@code {%-}, {@code -%}}: Jinjava
 *       ignores them on {@code {{ }}} expressions, which HF templates use everywhere
 *       ({@code {{- bos_token }}} after an indented line). A marker strips all whitespace, newlines
 *       included, on its side of the tag and is removed. Quotes inside tags are skipped, so a
 *       {@code '-}}'} in a string literal is left alone.</li>
 *   <li>Jinja's precedence of {@code not} below a comparison ({@link #notPrecedence}).</li>
 *   <li>Loop filters {@code {% for k, v in d.items() if k != 'x' %}}, which Jinjava ignores
 *       ({@link #loopFilter}).</li>
 * </ul>
 * Not handled: {@code {% raw %}} blocks and the {@code +} markers, which chat templates do not use.
 */
final class JinjaCompat {
    private JinjaCompat() {}

    static String apply(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int n = source.length();
        int i = 0;
        int loops = 0;
        while (i < n) {
            char c = source.charAt(i);
            char next = i + 1 < n ? source.charAt(i + 1) : 0;
            if (c != '{' || (next != '{' && next != '%' && next != '#')) {
                out.append(c);
                i++;
                continue;
            }
            String close = next == '{' ? "}}" : next == '%' ? "%}" : "#}";
            boolean block = next != '{';
            int bodyStart = i + 2;
            if (bodyStart < n && source.charAt(bodyStart) == '-') {
                trimTrailingWhitespace(out);
                bodyStart++;
            } else if (block) {
                lstripBlock(out);
            }
            int end = findClose(source, bodyStart, close, next == '#');
            if (end < 0) { // unterminated: leave the rest for Jinjava to report
                out.append(source, i, n);
                break;
            }
            boolean stripAfter = end > bodyStart && source.charAt(end - 1) == '-';
            String body = source.substring(bodyStart, stripAfter ? end - 1 : end);
            if (next == '#') {
                // comments vanish
            } else if (next == '%') {
                String rewritten = loopFilter(notPrecedence(body), loops++);
                out.append(rewritten != null ? rewritten : "{%" + notPrecedence(body) + "%}");
            } else {
                out.append("{{").append(notPrecedence(body)).append("}}");
            }
            i = end + 2;
            if (stripAfter) {
                while (i < n && Character.isWhitespace(source.charAt(i))) i++;
            } else if (block) { // trim_blocks: the first newline after a block tag goes
                if (i < n && source.charAt(i) == '\n') i++;
                else if (i + 1 < n && source.charAt(i) == '\r' && source.charAt(i + 1) == '\n') i += 2;
            }
        }
        return out.toString();
    }

    // "not a == b" is "not (a == b)" in Jinja; Jinjava binds "not" to "a" first. An operand here is a
    // string or list literal or a dotted/subscripted name, with optional filters.
    private static final String OPERAND =
            "(?:'[^']*'|\"[^\"]*\"|\\[[^\\]]*\\]|[\\w.]+(?:\\[[^\\]]*\\])*)(?:\\s*\\|\\s*\\w+)*";
    private static final java.util.regex.Pattern NOT_COMPARISON = java.util.regex.Pattern.compile(
            "\\bnot\\s+(" + OPERAND + ")\\s*(==|!=|<=|>=|<|>|\\bin\\b)\\s*(" + OPERAND + ")");

    /** Rewrites {@code not x|length == 1} to {@code not (x|length == 1)}, Jinja's precedence. */
    static String notPrecedence(String body) {
        return NOT_COMPARISON.matcher(body).replaceAll("not ($1 $2 $3)");
    }

    private static final java.util.regex.Pattern FILTERED_FOR =
            java.util.regex.Pattern.compile("^\\s*for\\s+(.+?)\\s+in\\s+(.+?)\\s+if\\s+(.+?)\\s*$", java.util.regex.Pattern.DOTALL);

    /**
     * {@code for VARS in SEQ if COND} becomes a first loop collecting the items that pass COND and a
     * second loop over them, so that {@code loop.last} and {@code loop.index} count only those, as in
     * Jinja. Returns the replacement tags, or null when the tag is not a filtered for.
     */
    static String loopFilter(String body, int serial) {
        java.util.regex.Matcher m = FILTERED_FOR.matcher(body);
        if (!m.matches()) return null;
        String vars = m.group(1).trim();
        String list = "__lathe_loop" + serial;
        String item = vars.contains(",") ? "[" + vars + "]" : vars;
        return "{% set " + list + " = [] %}{% for " + vars + " in " + m.group(2) + " %}{% if " + m.group(3)
                + " %}{% do " + list + ".append(" + item + ") %}{% endif %}{% endfor %}{% for " + vars + " in "
                + list + " %}";
    }

    private static int findClose(String s, int from, String close, boolean comment) {
        char quote = 0;
        for (int k = from; k < s.length() - 1; k++) {
            char c = s.charAt(k);
            if (quote != 0) {
                if (c == '\\') k++;
                else if (c == quote) quote = 0;
            } else if (!comment && (c == '\'' || c == '"')) {
                quote = c;
            } else if (c == close.charAt(0) && s.charAt(k + 1) == close.charAt(1)) {
                return k;
            }
        }
        return -1;
    }

    /** lstrip_blocks: spaces and tabs between the line start and a block tag go. */
    private static void lstripBlock(StringBuilder out) {
        int k = out.length();
        while (k > 0 && (out.charAt(k - 1) == ' ' || out.charAt(k - 1) == '\t')) k--;
        if (k == 0 || out.charAt(k - 1) == '\n') out.setLength(k);
    }

    private static void trimTrailingWhitespace(StringBuilder out) {
        int len = out.length();
        while (len > 0 && Character.isWhitespace(out.charAt(len - 1))) len--;
        out.setLength(len);
    }
}
