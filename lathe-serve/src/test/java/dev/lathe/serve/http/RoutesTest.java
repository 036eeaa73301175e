package dev.lathe.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.serve.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw HTTP over the routes the SDK tests do not reach: health, metrics, logprobs, echo, HF and TGI. */
class RoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.shared();
    }

    @Test
    void healthAndReadinessAnswerAndMetricsAreInPrometheusFormat() throws Exception {
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = server.get("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).at("/models/tiny/queue_depth").isInt()).isTrue();
        server.post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": \"Hi\", \"max_tokens\": 2}");
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("lathe_http_requests_seconds_count{method=\"POST\",route=\"/v1/completions\","
                + "status=\"200\"}");
        assertThat(metrics).contains("lathe_scheduler_queue_depth").contains("lathe_scheduler_batch_size")
                .contains("lathe_scheduler_time_to_first_token").contains("lathe_scheduler_completion_tokens");
    }

    @Test
    void chatLogprobsCarryTheTokenItsBytesAndAlternatives() throws Exception {
        JsonNode r = JSON.readTree(server.post("/v1/chat/completions", "{\"model\": \"tiny\", \"max_tokens\": 4,"
                + " \"temperature\": 0, \"logprobs\": true, \"top_logprobs\": 3,"
                + " \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}").body());
        JsonNode content = r.at("/choices/0/logprobs/content");
        assertThat(content.size()).isEqualTo(r.at("/usage/completion_tokens").asInt());
        JsonNode first = content.get(0);
        assertThat(first.get("logprob").asDouble()).isLessThanOrEqualTo(0);
        assertThat(first.get("bytes").isArray()).isTrue();
        assertThat(first.get("top_logprobs").size()).isEqualTo(3);
        // greedy: the sampled token is the most likely one
        assertThat(first.get("top_logprobs").get(0).get("token").asText()).isEqualTo(first.get("token").asText());
    }

    @Test
    void legacyEchoPrefixesThePromptAndLogprobsListTheTokens() throws Exception {
        JsonNode echo = JSON.readTree(server.post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": \"Once upon\","
                + " \"max_tokens\": 3, \"temperature\": 0, \"echo\": true}").body());
        assertThat(echo.at("/choices/0/text").asText()).startsWith("Once upon");
        JsonNode lp = JSON.readTree(server.post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": [\"Once upon\","
                + " \"Tom and\"], \"n\": 2, \"max_tokens\": 3, \"temperature\": 0, \"logprobs\": 2}").body());
        assertThat(lp.get("choices").size()).isEqualTo(4);
        JsonNode l = lp.at("/choices/3/logprobs");
        assertThat(l.get("tokens").size()).isEqualTo(l.get("token_logprobs").size());
        assertThat(l.get("top_logprobs").get(0).size()).isEqualTo(2);
        assertThat(lp.at("/choices/3/index").asInt()).isEqualTo(3);
    }

    @Test
    void theSameSeedGivesTheSameSampledText() throws Exception {
        String body = "{\"model\": \"tiny\", \"prompt\": \"Once upon a time\", \"max_tokens\": 12, \"temperature\": 1,"
                + " \"seed\": 42}";
        String a = JSON.readTree(server.post("/v1/completions", body).body()).at("/choices/0/text").asText();
        String b = JSON.readTree(server.post("/v1/completions", body).body()).at("/choices/0/text").asText();
        assertThat(a).isEqualTo(b).isNotEmpty();
    }

    @Test
    void huggingFaceInferenceAndTgiRoutesGenerate() throws Exception {
        HttpResponse<String> hf = server.post("/models/tiny", "{\"inputs\": \"Once upon a time\","
                + " \"parameters\": {\"max_new_tokens\": 5, \"do_sample\": false}}");
        assertThat(hf.statusCode()).as(hf.body()).isEqualTo(200);
        assertThat(JSON.readTree(hf.body()).at("/0/generated_text").asText()).startsWith("Once upon a time");

        JsonNode tgi = JSON.readTree(server.post("/generate", "{\"inputs\": \"Once upon a time\","
                + " \"parameters\": {\"max_new_tokens\": 5, \"details\": true}}").body());
        String text = tgi.get("generated_text").asText();
        assertThat(tgi.at("/details/generated_tokens").asInt()).isBetween(1, 5);
        assertThat(tgi.at("/details/tokens").size()).isEqualTo(tgi.at("/details/generated_tokens").asInt());

        HttpResponse<String> stream = server.post("/generate_stream", "{\"inputs\": \"Once upon a time\","
                + " \"parameters\": {\"max_new_tokens\": 5}}");
        List<JsonNode> events = new ArrayList<>();
        for (String line : stream.body().split("\n")) {
            if (line.startsWith("data: ")) events.add(JSON.readTree(line.substring(6)));
        }
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("generated_text").asText()).isEqualTo(text);
        StringBuilder joined = new StringBuilder();
        events.subList(0, events.size() - 1).forEach(e -> joined.append(e.at("/token/text").asText()));
        assertThat(events.size() - 1).isEqualTo(tgi.at("/details/generated_tokens").asInt());
        assertThat(last.at("/details/finish_reason").asText()).isIn("length", "eos_token", "stop_sequence");
    }
}
