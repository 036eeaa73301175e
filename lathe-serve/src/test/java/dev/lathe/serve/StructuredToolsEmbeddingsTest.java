package dev.lathe.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.lathe.models.family.bert.MiniLm;
import dev.lathe.serve.structured.TestTokenizerFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the OpenAI SDK: JSON-schema output that always parses and validates (constrained decoding), a
 * forced function call read back as {@code tool_calls} on a model whose chat template is Qwen2.5's, and
 * embeddings (also through LangChain4j's embedding model).
 */
class StructuredToolsEmbeddingsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        // TinyStories' weights with a byte-level tokenizer (its own vocabulary has no '{' and no byte
        // fallback, so it cannot spell JSON) and Qwen2.5's chat template, which renders tools and writes
        // <tool_call> blocks. The model's extra ids are never sampled under a constraint.
        Path model = dir.resolve("tiny-qwen-template");
        Files.createDirectories(model);
        for (String f : List.of("generation_config.json", "model.safetensors")) {
            Files.copy(TestServer.TINY_STORIES.resolve(f), model.resolve(f));
        }
        // One token per byte makes Qwen's tool prompt long: RoPE has no learned positions, so widen the context.
        Files.writeString(model.resolve("config.json"), Files.readString(TestServer.TINY_STORIES.resolve("config.json"))
                .replace("\"max_position_embeddings\": 512", "\"max_position_embeddings\": 2048"));
        TestTokenizerFolders.byteLevel(model);
        Files.writeString(model.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|endoftext|>\"}");
        Files.copy(Path.of("src/test/resources/chat-templates/Qwen-Qwen2.5-7B-Instruct.jinja"),
                model.resolve("chat_template.jinja"));
        Path minilm = MiniLm.ensureImported(dir.resolve("cache")); // imported from the langchain4j artifact's ONNX
        server = new TestServer(ServerConfig.defaults().withOverrides(null, 0, null, null).with(List.of(
                new ServerConfig.ModelEntry("tiny", model.toString(), null)), List.of())
                .withEmbeddingModels(List.of(new ServerConfig.ModelEntry("minilm", minilm.toString(), null))));
        client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    @Test
    void aJsonSchemaResponseAlwaysParsesAndValidates() throws Exception {
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of(
                "mood", Map.of("type", "string", "enum", List.of("happy", "sad")),
                "done", Map.of("type", "boolean")), "required", List.of("mood", "done"), "additionalProperties", false);
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("tiny")
                .addUserMessage("How is the dog?").maxCompletionTokens(150).temperature(0.8).seed(3L).n(3)
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema
                        .builder().name("mood").schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .additionalProperties(toJsonValues(schema)).build()).strict(true).build()).build())
                .build());
        for (ChatCompletion.Choice choice : c.choices()) {
            String content = choice.message().content().orElseThrow();
            assertThat(choice.finishReason().asString()).as(content).isEqualTo("stop");
            JsonNode answer = JSON.readTree(content);
            assertThat(answer.get("mood").asText()).isIn("happy", "sad");
            assertThat(answer.get("done").isBoolean()).isTrue();
            assertThat(answer.size()).isEqualTo(2);
        }
    }

    @Test
    void aNamedToolChoiceComesBackAsAToolCallWithValidArguments() throws Exception {
        ChatCompletionFunctionTool tool = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Weather in a city").parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city",
                                Map.of("type", "string", "enum", List.of("Paris", "Oslo")))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build()).build()).build();
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("tiny")
                .addUserMessage("Weather in Paris?").addTool(tool).maxCompletionTokens(300)
                .toolChoice(ChatCompletionNamedToolChoice.builder().function(ChatCompletionNamedToolChoice.Function
                        .builder().name("get_weather").build()).build()).build());
        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.finishReason().asString()).isEqualTo("tool_calls");
        ChatCompletionMessageToolCall call = choice.message().toolCalls().orElseThrow().get(0);
        assertThat(call.function().orElseThrow().function().name()).isEqualTo("get_weather");
        String arguments = call.function().orElseThrow().function().arguments();
        assertThat(JSON.readTree(arguments).get("city").asText()).isIn("Paris", "Oslo");
        assertThat(call.function().orElseThrow().id()).isNotBlank();
    }

    static final String TOOL = "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\":"
            + " {\"type\": \"object\", \"properties\": {\"city\": {\"enum\": [\"Paris\", \"Oslo\"]}},"
            + " \"required\": [\"city\"], \"additionalProperties\": false}}}";

    @Test
    void aStreamedForcedCallArrivesWholeWithFinishReasonToolCallsAndTheNextTurnRendersItsResult() throws Exception {
        String body = "{\"model\": \"tiny\", \"stream\": true, \"max_tokens\": 300, \"tools\": [" + TOOL + "],"
                + " \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}},"
                + " \"messages\": [{\"role\": \"user\", \"content\": \"Weather in Oslo?\"}]}";
        var r = server.post("/v1/chat/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode call = null;
        String finish = null;
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode ch = JSON.readTree(line.substring(6)).path("choices").path(0);
            if (ch.path("delta").has("tool_calls")) call = ch.path("delta").path("tool_calls").get(0);
            if (ch.hasNonNull("finish_reason")) finish = ch.get("finish_reason").asText();
        }
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(call.get("index").asInt()).isZero();
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        String arguments = call.at("/function/arguments").asText();
        assertThat(JSON.readTree(arguments).get("city").asText()).isIn("Paris", "Oslo");

        // The call and its result go back in the next turn, rendered by Qwen's template as <tool_call>/<tool_response>.
        String next = "{\"model\": \"tiny\", \"max_tokens\": 3, \"tools\": [" + TOOL + "], \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Weather in Oslo?\"},"
                + "{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"" + call.get("id").asText()
                + "\", \"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": "
                + JSON.writeValueAsString(arguments) + "}}]},"
                + "{\"role\": \"tool\", \"tool_call_id\": \"" + call.get("id").asText() + "\", \"content\": \"-3 C\"}]}";
        var answer = server.post("/v1/chat/completions", next);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        var bad = server.post("/v1/chat/completions", next.replace(JSON.writeValueAsString(arguments), "\"not json\""));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).at("/error/param").asText()).contains("tool_calls");
    }

    @Test
    void embeddingsComeBackUnitLengthThroughTheSdkAndLangChain4j() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("tiny")
                .inputOfArrayOfStrings(List.of("a red ball", "a blue sky")).build());
        assertThat(r.data()).hasSize(2);
        List<Float> v = r.data().get(1).embedding();
        assertThat(v).hasSize(128); // TinyStories' hidden size
        double norm = Math.sqrt(v.stream().mapToDouble(x -> x * x).sum());
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(r.usage().promptTokens()).isPositive();

        OpenAiEmbeddingModel lc4j = OpenAiEmbeddingModel.builder().baseUrl(server.url() + "/v1").apiKey("unused")
                .modelName("tiny").build();
        float[] e = lc4j.embed("a blue sky").content().vector();
        assertThat(e).hasSize(128);
        for (int i = 0; i < e.length; i++) assertThat(e[i]).isCloseTo(v.get(i), org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void aBertEmbeddingModelServesEmbeddingsOnlyAndRanksAParaphraseAboveAnUnrelatedSentence() throws Exception {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("minilm")
                .inputOfArrayOfStrings(List.of("The cat sits on the mat.", "A cat is sitting on a rug.",
                        "Quarterly revenue grew by four percent.")).build());
        List<List<Float>> v = r.data().stream().map(d -> d.embedding()).toList();
        assertThat(v.get(0)).hasSize(384);
        assertThat(dot(v.get(0), v.get(1))).isGreaterThan(dot(v.get(0), v.get(2)) + 0.2);
        assertThat(JSON.readTree(server.get("/v1/models").body()).findValuesAsText("id")).contains("tiny", "minilm");
        var chat = server.post("/v1/chat/completions", "{\"model\": \"minilm\", \"messages\": [{\"role\": \"user\","
                + " \"content\": \"hi\"}]}");
        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(chat.body()).contains("/v1/embeddings");
        // Hugging Face feature extraction on the same model gives the same vectors
        JsonNode hf = JSON.readTree(server.post("/models/minilm", "{\"inputs\": [\"The cat sits on the mat.\"]}").body());
        assertThat(hf.get(0).size()).isEqualTo(384);
        assertThat(hf.get(0).get(5).floatValue()).isCloseTo(v.get(0).get(5), org.assertj.core.data.Offset.offset(1e-6f));
    }

    static double dot(List<Float> a, List<Float> b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += a.get(i) * b.get(i);
        return s;
    }

    static Map<String, JsonValue> toJsonValues(Map<String, Object> m) {
        java.util.LinkedHashMap<String, JsonValue> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, JsonValue.from(v)));
        return out;
    }
}
