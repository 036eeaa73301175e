package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code lathe eval} in-process on lathe-models' TinyStories-656K with a four-example JSONL: generation,
 * perplexity, the model compared with itself (identical metrics, p-value 1), classification from
 * prediction files, and the reports it writes.
 */
class EvalCommandTest {
    static final String MODEL = ModelCommandsTest.TINY_STORIES.toString();
    static final String DATA = Path.of("src/test/resources/eval/stories.jsonl").toAbsolutePath().toString();

    @TempDir
    static Path dir;

    @BeforeAll
    static void isolateTheCache() {
        System.setProperty("lathe.cache", dir.resolve("cache").toString());
    }

    @AfterAll
    static void restore() {
        System.clearProperty("lathe.cache");
    }

    static JsonNode readJson(Path p) throws Exception {
        return new ObjectMapper().readTree(p.toFile());
    }

    static Document parseStrictly(Path html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(html)));
    }

    @Test
    void generationScoresGreedyOutputsAndRecordsSettingsAndFingerprints() throws Exception {
        Path json = dir.resolve("gen.json");
        Path html = dir.resolve("gen.html");
        ModelCommandsTest.Result r = ModelCommandsTest.ok("eval", "--model", MODEL, "--data", DATA, "--task",
                "generation", "--metrics", "bleu,rouge", "--max-tokens", "12", "--batch-size", "3",
                "--bootstrap-samples", "200", "--json", json.toString(), "--html", html.toString());
        assertThat(r.out()).contains("BLEU", "rouge1", "rouge2", "rougeL");
        JsonNode j = readJson(json);
        assertThat(j.get("settings").get("decoding").asText()).isEqualTo("greedy");
        assertThat(j.get("settings").get("max_tokens").asInt()).isEqualTo(12);
        assertThat(j.get("data").get("examples").asInt()).isEqualTo(4);
        assertThat(j.get("data").get("sha256").asText()).hasSize(64);
        JsonNode sys = j.get("systems").get(0);
        assertThat(sys.get("fingerprint").get("model.safetensors").asText()).hasSize(64);
        assertThat(sys.get("metrics")).hasSize(4);
        assertThat(sys.get("metrics").get(0).get("line").asText()).startsWith("BLEU|nrefs:1|");
        assertThat(sys.get("metrics").get(0).get("interval").get("samples").asInt()).isEqualTo(200);
        assertThat(sys.get("timings").get("generated_tokens").asInt()).isBetween(4, 48);
        // Greedy: the first example continues as the recorded reference continuation does.
        assertThat(j.get("examples").get(0).get("outputs").get(0).asText()).startsWith(", a little girl named");
        Document doc = parseStrictly(html);
        assertThat(doc.getElementsByTagName("svg").getLength()).isEqualTo(4);
        // Batch size does not change greedy outputs.
        Path json1 = dir.resolve("gen1.json");
        ModelCommandsTest.ok("eval", "--model", MODEL, "--data", DATA, "--metrics", "bleu", "--max-tokens", "12",
                "--batch-size", "1", "--bootstrap-samples", "0", "--tokenize", "char", "--json", json1.toString());
        JsonNode one = readJson(json1);
        assertThat(one.get("systems").get(0).get("metrics").get(0).get("line").asText()).contains("tok:char");
        assertThat(one.get("systems").get(0).get("metrics").get(0).get("interval").isNull()).isTrue();
        for (int i = 0; i < 4; i++) {
            assertThat(one.get("examples").get(i).get("outputs")).isEqualTo(j.get("examples").get(i).get("outputs"));
        }
    }

    @Test
    void perplexityOfTheModelComparedWithItselfIsIdenticalWithPValueOne() throws Exception {
        Path json = dir.resolve("ppl.json");
        Path html = dir.resolve("ppl.html");
        ModelCommandsTest.Result r = ModelCommandsTest.ok("eval", "--model", MODEL, "--compare", MODEL, "--data", DATA,
                "--task", "perplexity", "--limit", "3", "--bootstrap-samples", "100", "--json", json.toString(),
                "--html", html.toString());
        assertThat(r.out()).contains("perplexity", "p-value");
        JsonNode j = readJson(json);
        assertThat(j.get("data").get("examples").asInt()).isEqualTo(3);
        double a = j.get("systems").get(0).get("metrics").get(0).get("value").asDouble();
        double b = j.get("systems").get(1).get("metrics").get(0).get("value").asDouble();
        assertThat(a).isEqualTo(b).isGreaterThan(1).isLessThan(200);
        assertThat(j.get("systems").get(0).get("name").asText()).isEqualTo("base TinyStories-656K");
        JsonNode cmp = j.get("comparison").get(0);
        assertThat(cmp.get("delta").asDouble()).isZero();
        assertThat(cmp.get("pValue").asDouble()).isEqualTo(1.0);
        Document doc = parseStrictly(html);
        assertThat(doc.getElementsByTagName("svg").getLength()).isEqualTo(1);
        assertThat(Files.readString(html)).contains("Comparison", "base TinyStories-656K", "compare TinyStories-656K");
    }

    @Test
    void perplexitySkipsTextsTooShortToScore() throws Exception {
        Path data = dir.resolve("texts.jsonl");
        Files.writeString(data, "{\"text\": \"Once upon a time there was a girl.\"}\n{\"text\": \"\"}\n");
        Path json = dir.resolve("short.json");
        ModelCommandsTest.ok("eval", "--model", MODEL, "--data", data.toString(), "--task", "perplexity",
                "--bootstrap-samples", "20", "--json", json.toString());
        JsonNode m = readJson(json).get("systems").get(0).get("metrics").get(0);
        assertThat(m.get("value").asDouble()).isGreaterThan(1);
        // The empty text is BOS alone: nothing to predict, so only the first text's tokens count.
        assertThat(m.get("statistics").get("tokens_scored").asInt()).isBetween(5, 20);
        Files.writeString(data, "{\"text\": \"\"}\n");
        assertThat(ModelCommandsTest.run("eval", "--model", MODEL, "--data", data.toString(), "--task", "perplexity")
                .err()).contains("no token could be scored");
    }

    @Test
    void generationComparedWithItselfHasIdenticalMetrics() throws Exception {
        Path json = dir.resolve("cmp.json");
        ModelCommandsTest.ok("eval", "--model", MODEL, "--compare", MODEL, "--data", DATA, "--metrics", "chrf,squad",
                "--max-tokens", "8", "--limit", "3", "--bootstrap-samples", "100", "--json", json.toString());
        JsonNode j = readJson(json);
        assertThat(j.get("systems").get(0).get("metrics").toString().replaceAll("\"load_seconds\":[^,]*", ""))
                .isEqualTo(j.get("systems").get(1).get("metrics").toString().replaceAll("\"load_seconds\":[^,]*", ""));
        for (JsonNode c : j.get("comparison")) {
            assertThat(c.get("pValue").asDouble()).as(c.get("metric").asText()).isEqualTo(1.0);
        }
    }

    @Test
    void classificationComesFromPredictionFilesWithAConfusionHeatMap() throws Exception {
        Path data = dir.resolve("labels.csv");
        Files.writeString(data, "text,label\na,pos\nb,neg\nc,neg\nd,pos\ne,pos\n");
        Path base = dir.resolve("base.txt");
        Files.writeString(base, "pos\nneg\npos\npos\nneg\n");
        Path tuned = dir.resolve("tuned.txt");
        Files.writeString(tuned, "pos\nneg\nneg\npos\npos\n");
        Path html = dir.resolve("cls.html");
        Path json = dir.resolve("cls.json");
        ModelCommandsTest.ok("eval", "--task", "classification", "--data", data.toString(), "--predictions",
                base.toString(), "--predictions", tuned.toString(), "--bootstrap-samples", "100", "--html",
                html.toString(), "--json", json.toString());
        JsonNode j = readJson(json);
        assertThat(j.get("systems").get(0).get("metrics").get(0).get("value").asDouble()).isEqualTo(0.6);
        assertThat(j.get("systems").get(1).get("metrics").get(0).get("value").asDouble()).isEqualTo(1.0);
        assertThat(j.get("systems").get(0).get("confusion").get("counts").toString()).isEqualTo("[[1,1],[1,2]]");
        Document doc = parseStrictly(html);
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg").getLength()).isEqualTo(4 + 2);
        assertThat(Files.readString(html)).contains("Confusion matrix: base.txt", "Examples that changed most");
    }

    @Test
    void qaTaskScoresSquadAndHonoursStopSequences() throws Exception {
        Path data = dir.resolve("qa.jsonl");
        Files.writeString(data, """
                {"question": "Once upon a time", "answers": {"text": [", a little girl", "there was a girl"]}}
                {"question": "Tom and Lily", "answers": {"text": ["are friends"]}}
                """);
        Path json = dir.resolve("qa.json");
        ModelCommandsTest.Result r = ModelCommandsTest.ok("eval", "--model", MODEL, "--data", data.toString(), "--task",
                "qa", "--input-column", "question", "--target-column", "answers", "--max-tokens", "20", "--stop", ".",
                "--bootstrap-samples", "50", "--json", json.toString());
        assertThat(r.out()).contains("exact_match", "f1");
        JsonNode j = readJson(json);
        assertThat(j.get("settings").get("stop").get(0).asText()).isEqualTo(".");
        assertThat(j.get("examples").get(0).get("outputs").get(0).asText()).doesNotContain(".");
        assertThat(j.get("examples").get(0).get("targets")).hasSize(2);
        JsonNode f1 = j.get("systems").get(0).get("metrics").get(1);
        assertThat(f1.get("name").asText()).isEqualTo("f1");
        assertThat(f1.get("value").asDouble()).isBetween(1.0, 100.0);
    }

    @Test
    void errorsAreOneLineOnStderr() throws Exception {
        ModelCommandsTest.Result noModel = ModelCommandsTest.run("eval", "--data", DATA);
        assertThat(noModel.code()).isEqualTo(1);
        assertThat(noModel.err()).isEqualTo("lathe eval: --model is required for --task generation\n");
        ModelCommandsTest.Result cls = ModelCommandsTest.run("eval", "--model", MODEL, "--data", DATA, "--task",
                "classification");
        assertThat(cls.err()).contains("needs one --predictions file");
        ModelCommandsTest.Result col = ModelCommandsTest.run("eval", "--model", MODEL, "--data", DATA,
                "--target-column", "answer");
        assertThat(col.err()).contains("no target column 'answer'");
        ModelCommandsTest.Result metric = ModelCommandsTest.run("eval", "--model", MODEL, "--data", DATA, "--metrics",
                "meteor");
        assertThat(metric.err()).contains("unknown metric 'meteor'");
        ModelCommandsTest.Result misplaced = ModelCommandsTest.run("eval", "--model", MODEL, "--data", DATA,
                "--metrics", "rouge,chrf", "--tokenize", "intl");
        assertThat(misplaced.err()).isEqualTo("lathe eval: --tokenize applies to --metric bleu, not rouge,chrf\n");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\": 1}\n[1]\n", StandardCharsets.UTF_8);
        assertThat(ModelCommandsTest.run("eval", "--model", MODEL, "--data", bad.toString()).err())
                .contains("line 2 is not a JSON object");
    }
}
