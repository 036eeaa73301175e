package dev.lathe.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.eval.harness.Bootstrap;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class HtmlReportTest {
    @TempDir
    Path dir;

    /** Parses the page as XML (no DTD loading): fails on any unclosed tag, bad attribute or stray '&' / '<'. */
    static Document parseStrictly(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    static EvalReport sample() {
        Bootstrap.Interval iv = new Bootstrap.Interval(40, 40.2, 30, 50, 0.95, 100, 1);
        var m1 = new EvalReport.MetricEntry("accuracy", 40, true, iv, Map.of("x", 1), "accuracy = 0.4 <&>");
        var m2 = new EvalReport.MetricEntry("accuracy", 60, true, iv, Map.of(), "accuracy = 0.6");
        var cm = new EvalReport.Confusion(List.of("neg", "p&\"q\""), new long[][] {{3, 1}, {2, 4}});
        var a = new EvalReport.SystemResult("base", "m1", Map.of("model.safetensors", "ab12"), List.of(m1), cm, Map.of());
        var b = new EvalReport.SystemResult("tuned", "m2", Map.of(), List.of(m2), cm, Map.of("load_seconds", 1.0));
        var p = new EvalReport.PairedMetric("accuracy", true, 40, 60, 20, 0.01, 100, 1);
        var row = new EvalReport.ExampleRow(0, "if a < b && c", List.of("ref"), List.of("x\u0001y", "z"), "accuracy",
                List.of(0.0, 1.0));
        return new EvalReport("report <title>", "classification", Map.of("seed", 0), Map.of("file", "d.jsonl"),
                List.of(a, b), List.of(p), List.of(row), Map.of("total_seconds", 1.0));
    }

    @Test
    void theReportIsWellFormedAndSelfContainedWithItsFigures() throws Exception {
        Path file = dir.resolve("r.html");
        HtmlReport.write(sample(), file);
        String html = Files.readString(file);
        Document doc = parseStrictly(html);
        assertThat(doc.getElementsByTagName("svg").getLength()).isEqualTo(3); // one chart, two heat maps
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength())
                .isEqualTo(2 + 2 * 4); // two bars, 2x2 cells twice
        assertThat(html).contains("p-value", "0.0100", "Examples that changed most", "if a &lt; b &amp;&amp; c",
                "p&amp;&quot;q&quot;", "ab12", "<style>").doesNotContain("http://www.w3.org/1999", "<script",
                "src=", "href=", "\u0001");
        assertThat(Files.list(dir)).containsExactly(file); // atomic write leaves no temporary file
    }

    @Test
    void jsonCarriesEveryField() throws Exception {
        String json = JsonReport.render(sample());
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertThat(tree.get("systems").get(1).get("metrics").get(0).get("interval").get("high").asDouble()).isEqualTo(50);
        assertThat(tree.get("comparison").get(0).get("pValue").asDouble()).isEqualTo(0.01);
        assertThat(tree.get("systems").get(0).get("confusion").get("counts").get(1).get(1).asInt()).isEqualTo(4);
    }
}
