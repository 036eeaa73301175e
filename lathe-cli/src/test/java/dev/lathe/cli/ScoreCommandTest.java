package dev.lathe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code lathe score} in-process on small files, standard output and error captured. */
class ScoreCommandTest {
    static final Path DIR = Path.of("src/test/resources/score").toAbsolutePath();
    static final String HYP = DIR.resolve("hyp.txt").toString();
    static final String REF1 = DIR.resolve("ref1.txt").toString();
    static final String REF2 = DIR.resolve("ref2.txt").toString();

    record Result(int code, String out, String err) {}

    static Result run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        if (stdin != null) {
            ((ScoreCommand) cli.getSubcommands().get("score").getCommand()).stdin =
                    new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static Result ok(String... args) {
        Result r = run(null, args);
        assertThat(r.code()).as("exit code; stderr: " + r.err()).isZero();
        return r;
    }

    static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void bleuPrintsSacrebleusLineWithItsSignature() {
        Result r = ok("score", "--metric", "bleu", "--hyp", HYP, "--ref", REF1, "--ref", REF2);
        assertThat(r.out()).startsWith("BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:")
                .contains(" = 48.5 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)");
    }

    @Test
    void bleuJsonHasEveryStatistic() throws Exception {
        JsonNode j = json(ok("score", "--metric", "bleu", "--hyp", HYP, "--ref", REF1, "--ref", REF2, "--json").out());
        assertThat(j.get("score").asDouble()).isCloseTo(48.530827, within(1e-4));
        assertThat(j.get("counts").toString()).isEqualTo("[14,7,5,3]");
        assertThat(j.get("totals").toString()).isEqualTo("[17,14,11,8]");
        assertThat(j.get("bp").asDouble()).isCloseTo(0.9428, within(1e-4));
        assertThat(j.get("sys_len").asInt()).isEqualTo(17);
        assertThat(j.get("ref_len").asInt()).isEqualTo(18);
        assertThat(j.get("signature").asText()).contains("nrefs:2");
    }

    @Test
    void bleuOptionsAndSentenceLevelAndStdin() {
        Result lc = ok("score", "--metric", "bleu", "--hyp", HYP, "--ref", REF1, "--lowercase", "--tokenize", "none",
                "--smooth-method", "floor", "--smooth-value", "0.2", "--max-ngram-order", "2", "-w", "2");
        assertThat(lc.out()).contains("case:lc", "tok:none", "smooth:floor[0.20]");
        Result sentences = ok("score", "--metric", "bleu", "--hyp", HYP, "--ref", REF1, "--sentence");
        assertThat(sentences.out().lines()).hasSize(3).allMatch(l -> l.contains("eff:yes"));
        assertThat(sentences.out().lines().findFirst().orElseThrow()).contains("= 100.0 ");
        Result piped = run("The dog bit the man.\nIt wasn't surprising.\nThe man had just bitten him.\n", "score",
                "--metric", "bleu", "--hyp", "-", "--ref", REF1, "--ref", REF2);
        assertThat(piped.code()).isZero();
        assertThat(piped.out()).contains(" = 48.5 ");
    }

    @Test
    void chrfMatchesSacrebleusReadme() throws Exception {
        Result r = ok("score", "--metric", "chrf", "--hyp", HYP, "--ref", REF1, "--ref", REF2);
        assertThat(r.out()).startsWith("chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:").contains(" = 59.7");
        JsonNode j = json(ok("score", "--metric", "chrf", "--hyp", HYP, "--ref", REF1, "--ref", REF2, "--json").out());
        assertThat(j.get("score").asDouble()).isCloseTo(59.73, within(0.005)); // the README prints 59.73
        Result plus = ok("score", "--metric", "chrf", "--hyp", HYP, "--ref", REF1, "--chrf-word-order", "2");
        assertThat(plus.out()).startsWith("chrF2++|").contains("nw:2");
    }

    @Test
    void rougePrintsPrecisionRecallAndFPerType() throws Exception {
        Result r = ok("score", "--metric", "rouge", "--hyp", HYP, "--ref", REF1, "--rouge-types", "rouge1,rougeL",
                "--use-stemmer");
        assertThat(r.out().lines()).hasSize(2);
        assertThat(r.out()).contains("rouge1: P = ", "rougeL: P = ", " R = ", " F = ");
        JsonNode j = json(ok("score", "--metric", "rouge", "--hyp", HYP, "--ref", REF1, "--ref", REF2, "--json").out());
        assertThat(j.fieldNames()).toIterable().containsExactly("rouge1", "rouge2", "rougeL");
        // The first line is identical to its first reference: the multi-reference maximum keeps its 1.0.
        assertThat(j.get("rouge1").get("fmeasure").asDouble()).isBetween(0.5, 1.0);
        Result boot = ok("score", "--metric", "rouge", "--hyp", HYP, "--ref", REF1, "--bootstrap", "--n-samples", "50",
                "--confidence-interval", "0.9");
        assertThat(boot.out().lines().findFirst().orElseThrow()).isEqualTo("score_type,low,mid,high");
        assertThat(boot.out()).contains("rouge1-P,", "rouge2-R,", "rougeL-F,");
    }

    @Test
    void squadPrintsTheOfficialScriptsDictionary() throws Exception {
        Result r = ok("score", "--metric", "squad", "--hyp", DIR.resolve("squad-pred.txt").toString(), "--ref",
                DIR.resolve("squad-gold.txt").toString());
        assertThat(r.out().strip()).startsWith("{\"exact_match\": 33.33333333333").contains("\"f1\": 55.5555555555");
        JsonNode j = json(ok("score", "--metric", "squad", "--hyp", DIR.resolve("squad-pred.txt").toString(), "--ref",
                DIR.resolve("squad-gold.txt").toString(), "--json").out());
        assertThat(j.get("f1").asDouble()).isCloseTo(500.0 / 9, within(1e-9));
        assertThat(j.get("total").asInt()).isEqualTo(3);
    }

    @Test
    void classificationMatchesScikitLearn() throws Exception {
        String pred = DIR.resolve("pred.txt").toString();
        String gold = DIR.resolve("gold.txt").toString();
        Result r = ok("score", "--metric", "classification", "--hyp", pred, "--ref", gold);
        assertThat(r.out()).contains("accuracy = 0.6000 precision = 0.5833 recall = 0.5833 f1 = 0.5833 (average=macro)");
        JsonNode j = json(ok("score", "--metric", "classification", "--hyp", pred, "--ref", gold, "--average", "binary",
                "--pos-label", "pos", "--json").out());
        assertThat(j.get("f1").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(j.get("confusion_matrix").get("counts").toString()).isEqualTo("[[1,1],[1,2]]");
        Result none = ok("score", "--metric", "classification", "--hyp", pred, "--ref", gold, "--average", "none",
                "--labels", "pos,neg", "--zero-division", "0");
        assertThat(none.out()).contains("pos: precision = 0.6667", "neg: precision = 0.5000");
    }

    @Test
    void mismatchedLineCountsNameBothFilesAndCounts() {
        String shortFile = DIR.resolve("short.txt").toString();
        Result r = run(null, "score", "--metric", "bleu", "--hyp", HYP, "--ref", REF1, "--ref", shortFile);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("lathe score: line counts differ: " + HYP + " has 3 lines, " + shortFile
                + " has 1\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void wrongOptionsAreClearErrors() {
        Result misplaced = run(null, "score", "--metric", "rouge", "--hyp", HYP, "--ref", REF1, "--tokenize", "intl");
        assertThat(misplaced.code()).isEqualTo(1);
        assertThat(misplaced.err()).contains("--tokenize applies to --metric bleu, not rouge");
        Result tok = run(null, "score", "--metric", "bleu", "--hyp", HYP, "--ref", REF1, "--tokenize", "zz");
        assertThat(tok.err()).contains("unknown tokenizer 'zz'");
        Result missing = run(null, "score", "--metric", "bleu", "--hyp", "/no/such/file", "--ref", REF1);
        assertThat(missing.err()).contains("no such file: /no/such/file");
        Result metric = run(null, "score", "--metric", "meteor", "--hyp", HYP, "--ref", REF1);
        assertThat(metric.code()).isEqualTo(2);
        assertThat(metric.err()).contains("meteor");
        Result avg = run(null, "score", "--metric", "classification", "--hyp", HYP, "--ref", REF1, "--average", "mean");
        assertThat(avg.err()).contains("average: got 'mean'");
    }
}
