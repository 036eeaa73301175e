package dev.lathe.cli.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.serve.LatheServer;
import dev.lathe.serve.ServerConfig;
import dev.lathe.serve.assistant.EscalationPolicy;
import dev.lathe.serve.assistant.Ticket;
import dev.lathe.serve.registry.ModelRegistry;
import dev.lathe.tune.classify.BertEncoder;
import dev.lathe.tune.classify.ClassifierFiles;
import dev.lathe.tune.classify.SequenceClassifier;
import dev.lathe.tune.classify.TextClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Step 6: serves a finished quickstart run: the base generator as {@code generator}, generator + the run's
 * LoRA adapter as {@code support-generator}, and the {@code support-bot} pipeline over them (see
 * {@link SupportBot}), all on the OpenAI-compatible Lathe server. Escalation tickets (redacted) are
 * appended to the run's {@code tickets.jsonl} and announced on the log by id, intent and reasons only.
 */
public final class SupportBotServer implements AutoCloseable {
    public static final String PIPELINE = "support-bot";
    public static final String BASE = "generator";
    public static final String TUNED = "support-generator";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LatheServer server;
    private final Tokenizer encoderTokenizer;

    private SupportBotServer(LatheServer server, Tokenizer encoderTokenizer) {
        this.server = server;
        this.encoderTokenizer = encoderTokenizer;
    }

    /**
     * Starts the run in {@code runDir}; {@code port} (0: any free port) and {@code host} replace the
     * config's when not null. {@code log} gets startup and ticket lines, {@code accessLog} one JSON line per
     * request (no message text).
     */
    public static SupportBotServer start(Path runDir, String host, Integer port, LatheServer.ModelSource models,
            Consumer<String> log, Consumer<String> accessLog) throws IOException {
        SupportBotConfig c = SupportBotConfig.read(runDir);
        Path encoderDir = Path.of(c.encoderCache()).resolve(dev.lathe.models.family.bert.MiniLm.FOLDER);
        BertEncoder encoder;
        try (BertModel base = BertModel.load(encoderDir)) {
            encoder = BertEncoder.of(base);
        }
        Tokenizer tokenizer = Tokenizer.load(encoderDir);
        try {
            SequenceClassifier classifier = ClassifierFiles.load(runDir.resolve(c.classifier()), encoder);
            classifier.train(false);
            int pad = tokenizer.pad().map(p -> p.id()).orElse(0);
            TextClassifier text = new TextClassifier(classifier, tokenizer, c.classifierMaxLength(), pad);
            EscalationPolicy policy = new EscalationPolicy(c.confidenceThreshold(), Set.copyOf(c.personIntents()),
                    c.escalateOnPersonalData());
            ServerConfig config = ServerConfig.defaults()
                    .withOverrides(host != null ? host : c.host(), port != null ? port : c.port(), null, null)
                    .with(List.of(new ServerConfig.ModelEntry(BASE, c.generator(),
                            c.generatorTokenizer() == null ? null : Path.of(c.generatorTokenizer()))), List.of());
            config = config.with(List.of(), List.of(new ServerConfig.AdapterEntry(TUNED, BASE,
                    runDir.resolve(c.adapter()))));
            LatheServer server = LatheServer.start(config, null, models, log, accessLog);
            try {
                dev.lathe.tune.data.tokenize.PromptFormat format;
                try (ModelRegistry.Lease lease = server.registry().acquire(BASE).orElseThrow()) {
                    format = GeneratorPrompt.format(lease.model().model());
                }
                server.registry().addPipeline(PIPELINE, new SupportBot(text, policy, format, TUNED,
                        ticket -> record(ticket, runDir.resolve("tickets.jsonl"), log)));
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return new SupportBotServer(server, tokenizer);
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** Appends the (redacted) ticket to the run's tickets file and logs its id, intent and reasons. */
    private static synchronized void record(Ticket ticket, Path file, Consumer<String> log) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", ticket.id());
        row.put("created", ticket.created().toString());
        row.put("intent", ticket.intent());
        row.put("confidence", ticket.confidence());
        row.put("reasons", ticket.reasons());
        row.put("personal_data", ticket.personalData());
        row.put("conversation", ticket.conversation());
        try {
            Files.writeString(file, JSON.writeValueAsString(row) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append the ticket to " + file, e);
        }
        log.accept("escalated to a person: ticket " + ticket.id() + " (intent " + ticket.intent() + ", reasons "
                + ticket.reasons() + ")");
    }

    public String url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            encoderTokenizer.close();
        }
    }
}
