package dev.lathe.eval.report;

import dev.lathe.engine.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link EvalReport} as one self-contained HTML page: inline CSS and SVG, no scripts, no
 * external assets, so it can be mailed or archived as a single file. The markup is also well-formed
 * XML (every element closed, every attribute quoted, text escaped), which the tests check with an XML
 * parser. Sections: settings and fingerprints, the metric table with bootstrap intervals, the paired
 * comparison, one bar chart per metric (systems side by side, interval whiskers), the confusion
 * matrix as a heat map for classification, and the examples side by side.
 */
public final class HtmlReport {
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759"};
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:70em;\
            color:#222;padding:0 1em}
            h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.3em .6em;\
            text-align:left;vertical-align:top}
            th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
            .small{color:#666;font-size:.85em}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;\
            font-size:.85em;word-break:break-all}
            .sig{color:#0a7d27;font-weight:bold}pre{white-space:pre-wrap;margin:0;font-family:inherit}
            .charts{display:flex;flex-wrap:wrap;gap:1em}
            """;

    private HtmlReport() {}

    /** Writes the page to {@code file} atomically. */
    public static void write(EvalReport report, Path file) throws IOException {
        AtomicFile.write(file, render(report).getBytes(StandardCharsets.UTF_8));
    }

    /** The page as a string. */
    public static String render(EvalReport r) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>")
                .append(esc(r.title())).append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(r.title())).append("</h1>\n");
        settings(h, r);
        metricTable(h, r);
        if (!r.comparison().isEmpty()) {
            comparison(h, r);
        }
        charts(h, r);
        for (EvalReport.SystemResult s : r.systems()) {
            if (s.confusion() != null) {
                h.append("<h2>Confusion matrix: ").append(esc(s.name())).append("</h2>\n");
                confusion(h, s.confusion());
            }
        }
        examples(h, r);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void settings(StringBuilder h, EvalReport r) {
        h.append("<h2>Settings</h2>\n<table>\n");
        row(h, "task", r.task());
        for (Map.Entry<String, Object> e : r.settings().entrySet()) {
            row(h, e.getKey(), String.valueOf(e.getValue()));
        }
        for (Map.Entry<String, Object> e : r.data().entrySet()) {
            row(h, "data " + e.getKey(), String.valueOf(e.getValue()));
        }
        for (EvalReport.SystemResult s : r.systems()) {
            h.append("<tr><th>system ").append(esc(s.name())).append("</th><td>").append(esc(s.model()))
                    .append("<div class=\"mono\">");
            for (Map.Entry<String, String> f : s.fingerprint().entrySet()) {
                h.append(esc(f.getKey())).append(": ").append(esc(f.getValue())).append("<br/>");
            }
            h.append("</div>");
            if (s.adapter() != null) {
                h.append("<div>adapter ").append(esc(s.adapter().path())).append("</div><div class=\"mono\">");
                for (Map.Entry<String, String> f : s.adapter().fingerprint().entrySet()) {
                    h.append(esc(f.getKey())).append(": ").append(esc(f.getValue())).append("<br/>");
                }
                h.append("</div>");
            }
            if (!s.timings().isEmpty()) {
                h.append("<div class=\"small\">").append(esc(s.timings().toString())).append("</div>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void metricTable(StringBuilder h, EvalReport r) {
        h.append("<h2>Metrics</h2>\n<table>\n<tr><th>metric</th>");
        for (EvalReport.SystemResult s : r.systems()) {
            h.append("<th>").append(esc(s.name())).append("</th>");
        }
        h.append("</tr>\n");
        for (int m = 0; m < r.systems().getFirst().metrics().size(); m++) {
            h.append("<tr><td>").append(esc(r.systems().getFirst().metrics().get(m).name())).append("</td>");
            for (EvalReport.SystemResult s : r.systems()) {
                EvalReport.MetricEntry e = s.metrics().get(m);
                h.append("<td class=\"num\">").append(fmt(e.value()));
                if (e.interval() != null) {
                    h.append(" <span class=\"small\">[").append(fmt(e.interval().low())).append(", ")
                            .append(fmt(e.interval().high())).append("]</span>");
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        EvalReport.MetricEntry any = r.systems().getFirst().metrics().stream().filter(e -> e.interval() != null)
                .findFirst().orElse(null);
        if (any != null) {
            h.append("<p class=\"small\">Brackets: ").append(fmt(any.interval().confidence() * 100))
                    .append("% bootstrap percentile interval over ").append(any.interval().samples())
                    .append(" resamples of the examples (seed ").append(any.interval().seed()).append(").</p>\n");
        }
        for (EvalReport.SystemResult s : r.systems()) {
            for (EvalReport.MetricEntry e : s.metrics()) {
                h.append("<div class=\"mono\">").append(esc(s.name())).append(": ").append(esc(e.line()))
                        .append("</div>\n");
            }
        }
    }

    private static void comparison(StringBuilder h, EvalReport r) {
        String base = r.systems().get(0).name();
        String sys = r.systems().get(1).name();
        h.append("<h2>Comparison: ").append(esc(sys)).append(" vs ").append(esc(base)).append("</h2>\n")
                .append("<table>\n<tr><th>metric</th><th>").append(esc(base)).append("</th><th>").append(esc(sys))
                .append("</th><th>delta</th><th>p-value</th></tr>\n");
        for (EvalReport.PairedMetric p : r.comparison()) {
            boolean better = p.higherIsBetter() ? p.delta() > 0 : p.delta() < 0;
            h.append("<tr><td>").append(esc(p.metric())).append("</td><td class=\"num\">").append(fmt(p.baseline()))
                    .append("</td><td class=\"num\">").append(fmt(p.system())).append("</td><td class=\"num\">")
                    .append(p.delta() >= 0 ? "+" : "").append(fmt(p.delta())).append("</td><td class=\"num")
                    .append(p.pValue() < 0.05 && better ? " sig" : "").append("\">").append(fmt(p.pValue()))
                    .append("</td></tr>\n");
        }
        EvalReport.PairedMetric first = r.comparison().getFirst();
        h.append("</table>\n<p class=\"small\">Paired bootstrap resampling (Koehn 2004), ").append(first.samples())
                .append(" resamples, seed ").append(first.seed())
                .append("; two-sided p-value of no difference. Bold green: significant improvement at 0.05.</p>\n");
    }

    /** One small SVG bar chart per metric: a bar per system, whiskers at the interval. */
    private static void charts(StringBuilder h, EvalReport r) {
        h.append("<h2>Scores</h2>\n<div class=\"charts\">\n");
        int n = r.systems().size();
        int barW = 48;
        int gap = 24;
        int width = 40 + n * (barW + gap);
        int height = 190;
        int plotTop = 30;
        int plotBottom = 150;
        for (int m = 0; m < r.systems().getFirst().metrics().size(); m++) {
            String name = r.systems().getFirst().metrics().get(m).name();
            double max = 0;
            for (EvalReport.SystemResult s : r.systems()) {
                EvalReport.MetricEntry e = s.metrics().get(m);
                max = Math.max(max, finite(e.value()));
                if (e.interval() != null) {
                    max = Math.max(max, finite(e.interval().high()));
                }
            }
            double scale = max > 0 ? (plotBottom - plotTop) / max : 0;
            h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(width)
                    .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                    .append(height).append("\" role=\"img\" aria-label=\"").append(esc(name)).append("\">");
            h.append("<text x=\"").append(width / 2).append("\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" "
                    + "font-weight=\"bold\">").append(esc(name)).append("</text>");
            h.append("<line x1=\"20\" y1=\"").append(plotBottom).append("\" x2=\"").append(width - 10)
                    .append("\" y2=\"").append(plotBottom).append("\" stroke=\"#999\"/>");
            for (int si = 0; si < n; si++) {
                EvalReport.MetricEntry e = r.systems().get(si).metrics().get(m);
                int x = 30 + si * (barW + gap);
                double bh = finite(e.value()) * scale;
                h.append("<rect class=\"bar\" x=\"").append(x).append("\" y=\"").append(num(plotBottom - bh))
                        .append("\" width=\"").append(barW).append("\" height=\"").append(num(bh))
                        .append("\" fill=\"").append(COLORS[si % COLORS.length]).append("\"><title>")
                        .append(esc(r.systems().get(si).name() + ": " + fmt(e.value()))).append("</title></rect>");
                if (e.interval() != null && scale > 0) {
                    double lo = plotBottom - finite(e.interval().low()) * scale;
                    double hi = plotBottom - finite(e.interval().high()) * scale;
                    int cx = x + barW / 2;
                    h.append("<path d=\"M").append(cx).append(' ').append(num(lo)).append("V").append(num(hi))
                            .append("M").append(cx - 6).append(' ').append(num(lo)).append("h12M").append(cx - 6)
                            .append(' ').append(num(hi)).append("h12\" stroke=\"#222\" fill=\"none\"/>");
                }
                h.append("<text x=\"").append(x + barW / 2).append("\" y=\"").append(num(plotBottom - bh - 4))
                        .append("\" text-anchor=\"middle\" font-size=\"11\">").append(fmt(e.value())).append("</text>");
                h.append("<text x=\"").append(x + barW / 2).append("\" y=\"").append(plotBottom + 16)
                        .append("\" text-anchor=\"middle\" font-size=\"11\">")
                        .append(esc(shorten(r.systems().get(si).name(), 12))).append("</text>");
            }
            h.append("</svg>\n");
        }
        h.append("</div>\n");
    }

    /** A heat map: cell shade proportional to the count's share of its true-label row. */
    private static void confusion(StringBuilder h, EvalReport.Confusion c) {
        int k = c.labels().size();
        int cell = 44;
        int left = 90;
        int top = 80;
        int w = left + k * cell + 10;
        int ht = top + k * cell + 10;
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"confusion\" width=\"").append(w)
                .append("\" height=\"").append(ht).append("\" viewBox=\"0 0 ").append(w).append(' ').append(ht)
                .append("\" role=\"img\" aria-label=\"confusion matrix\">");
        h.append("<text x=\"").append(left + k * cell / 2).append("\" y=\"14\" text-anchor=\"middle\" "
                + "font-size=\"12\">predicted</text>");
        h.append("<text x=\"12\" y=\"").append(top + k * cell / 2).append("\" font-size=\"12\" transform=\"rotate(-90 12 ")
                .append(top + k * cell / 2).append(")\" text-anchor=\"middle\">true</text>");
        for (int j = 0; j < k; j++) {
            int x = left + j * cell + cell / 2;
            h.append("<text x=\"").append(x).append("\" y=\"").append(top - 8)
                    .append("\" text-anchor=\"end\" font-size=\"11\" transform=\"rotate(-45 ").append(x).append(' ')
                    .append(top - 8).append(")\">").append(esc(shorten(c.labels().get(j), 10))).append("</text>");
        }
        for (int i = 0; i < k; i++) {
            long rowSum = 0;
            for (long v : c.counts()[i]) {
                rowSum += v;
            }
            int y = top + i * cell;
            h.append("<text x=\"").append(left - 6).append("\" y=\"").append(y + cell / 2 + 4)
                    .append("\" text-anchor=\"end\" font-size=\"11\">").append(esc(shorten(c.labels().get(i), 10)))
                    .append("</text>");
            for (int j = 0; j < k; j++) {
                long v = c.counts()[i][j];
                double share = rowSum > 0 ? (double) v / rowSum : 0;
                int shade = (int) Math.round(255 - share * 200);
                String fill = String.format(Locale.ROOT, "#%02x%02x%02x", shade, shade, 255);
                h.append("<rect class=\"cell\" x=\"").append(left + j * cell).append("\" y=\"").append(y)
                        .append("\" width=\"").append(cell).append("\" height=\"").append(cell).append("\" fill=\"")
                        .append(fill).append("\" stroke=\"#fff\"/>");
                h.append("<text x=\"").append(left + j * cell + cell / 2).append("\" y=\"").append(y + cell / 2 + 4)
                        .append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").append(share > 0.6 ? "#fff" : "#222")
                        .append("\">").append(v).append("</text>");
            }
        }
        h.append("</svg>\n");
    }

    private static void examples(StringBuilder h, EvalReport r) {
        if (r.examples().isEmpty()) {
            return;
        }
        boolean two = r.systems().size() > 1;
        h.append("<h2>").append(two ? "Examples that changed most" : "Examples").append("</h2>\n<table>\n<tr><th>#</th>"
                + "<th>input</th><th>reference</th>");
        for (EvalReport.SystemResult s : r.systems()) {
            h.append("<th>").append(esc(s.name())).append("</th>");
        }
        h.append("</tr>\n");
        for (EvalReport.ExampleRow e : r.examples()) {
            h.append("<tr><td class=\"num\">").append(e.index() + 1).append("</td><td><pre>").append(esc(e.input()))
                    .append("</pre></td><td><pre>").append(esc(String.join("\n---\n", e.targets()))).append("</pre></td>");
            for (int s = 0; s < e.outputs().size(); s++) {
                h.append("<td><pre>").append(esc(e.outputs().get(s))).append("</pre>");
                if (s < e.scores().size()) {
                    h.append("<div class=\"small\">").append(esc(e.metric())).append(' ')
                            .append(fmt(e.scores().get(s))).append("</div>");
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 1000 ? "%.1f" : "%.4f", v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Escapes text and attribute values (XML's five), and drops characters XML 1.0 forbids. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        if (c != 0xFFFE && c != 0xFFFF) {
                            b.append(c);
                        }
                    }
                }
            }
        }
        return b.toString();
    }
}
