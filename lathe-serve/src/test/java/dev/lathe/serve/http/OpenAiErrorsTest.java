package dev.lathe.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.serve.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw HTTP: every client mistake gets OpenAI's error object, status and, where it applies, the param. */
class OpenAiErrorsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.shared();
    }

    static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).as(r.body()).isTrue();
        return e;
    }

    @Test
    void malformedJsonIs400InvalidJson() throws Exception {
        JsonNode e = error(server.post("/v1/chat/completions", "{\"model\": \"tiny\", \"messages\": ["), 400);
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("code").asText()).isEqualTo("invalid_json");
        JsonNode notObject = error(server.post("/v1/completions", "[1, 2]"), 400);
        assertThat(notObject.get("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void anUnknownModelIs404ModelNotFound() throws Exception {
        JsonNode e = error(server.post("/v1/chat/completions",
                "{\"model\": \"gpt-17\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"), 404);
        assertThat(e.get("code").asText()).isEqualTo("model_not_found");
        assertThat(e.get("param").asText()).isEqualTo("model");
        assertThat(e.get("message").asText()).contains("gpt-17");
        error(server.get("/v1/models/gpt-17"), 404);
    }

    @Test
    void aModelNameThatLooksLikeAPathIsRefusedBeforeAnyLookup() throws Exception {
        JsonNode e = error(server.post("/v1/completions", "{\"model\": \"../../etc/passwd\", \"prompt\": \"x\"}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("model");
        error(server.post("/models/..%2F..%2Fetc", "{\"inputs\": \"x\"}"), 400);
    }

    @Test
    void aRequestPastTheContextIs400ContextLengthExceeded() throws Exception {
        JsonNode e = error(server.post("/v1/completions",
                "{\"model\": \"tiny\", \"prompt\": \"Once upon a time\", \"max_tokens\": 600}"), 400);
        assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(e.get("param").asText()).isEqualTo("prompt");
        assertThat(e.get("message").asText()).contains("maximum context length is 512 tokens");
        String longChat = "{\"model\": \"tiny\", \"max_tokens\": 10, \"messages\": [{\"role\": \"user\", \"content\": \""
                + "the cat sat on the mat. ".repeat(120) + "\"}]}";
        JsonNode chat = error(server.post("/v1/chat/completions", longChat), 400);
        assertThat(chat.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(chat.get("param").asText()).isEqualTo("messages");
    }

    @Test
    void aBadParameterIs400NamingIt() throws Exception {
        String[][] cases = {
            {"{\"model\": \"tiny\", \"prompt\": \"x\", \"temperature\": 5}", "temperature"},
            {"{\"model\": \"tiny\", \"prompt\": \"x\", \"n\": \"two\"}", "n"},
            {"{\"model\": \"tiny\", \"prompt\": \"x\", \"top_p\": 0}", "top_p"},
            {"{\"model\": \"tiny\", \"prompt\": \"x\", \"logprobs\": 9}", "logprobs"},
            {"{\"model\": \"tiny\", \"prompt\": \"x\", \"stop\": [1]}", "stop"},
            {"{\"model\": \"tiny\", \"prompt\": \"x\", \"logit_bias\": {\"abc\": 1}}", "logit_bias"},
            {"{\"model\": \"tiny\", \"prompt\": \"x\", \"logit_bias\": {\"999999\": 1}}", "logit_bias"},
            {"{\"model\": \"tiny\", \"prompt\": [99999]}", "prompt"},
            {"{\"model\": \"tiny\", \"prompt\": \"x\", \"frobnicate\": true}", "frobnicate"},
            {"{\"model\": \"tiny\", \"prompt\": \"x\", \"stream_options\": {\"include_usage\": true}}", "stream_options"},
            {"{\"prompt\": \"x\"}", "model"},
        };
        for (String[] c : cases) {
            JsonNode e = error(server.post("/v1/completions", c[0]), 400);
            assertThat(e.get("param").asText()).as(c[0]).isEqualTo(c[1]);
        }
        JsonNode role = error(server.post("/v1/chat/completions",
                "{\"model\": \"tiny\", \"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}"), 400);
        assertThat(role.get("param").asText()).isEqualTo("messages[0].role");
        JsonNode top = error(server.post("/v1/chat/completions",
                "{\"model\": \"tiny\", \"top_logprobs\": 3, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"), 400);
        assertThat(top.get("param").asText()).isEqualTo("top_logprobs");
    }

    @Test
    void parametersThisModelCannotHonourAre400NamingThemNotIgnored() throws Exception {
        String[][] cases = {
            // TinyStories' template (ChatML default) writes no tool-call format: auto tool choice cannot be read back
            {"tools", "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {}}}]",
                "unsupported_parameter"},
            {"tool_choice", "\"tool_choice\": \"required\"", "invalid_value"},
            {"response_format", "\"response_format\": {\"type\": \"xml\"}", "invalid_value"},
            {"functions", "\"functions\": [{\"name\": \"f\"}]", "unsupported_parameter"},
        };
        for (String[] c : cases) {
            JsonNode e = error(server.post("/v1/chat/completions", "{\"model\": \"tiny\", " + c[1]
                    + ", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"), 400);
            assertThat(e.get("param").asText()).as(c[1]).isEqualTo(c[0]);
            assertThat(e.get("code").asText()).as(c[1]).isEqualTo(c[2]);
        }
        JsonNode suffix = error(server.post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": \"x\", \"suffix\": \"y\"}"),
                400);
        assertThat(suffix.get("param").asText()).isEqualTo("suffix");
        assertThat(suffix.get("message").asText()).contains("not supported yet");
    }

    @Test
    void anUnknownRouteIsAJson404() throws Exception {
        JsonNode e = error(server.get("/v1/engines"), 404);
        assertThat(e.get("message").asText()).contains("/v1/engines");
    }
}
