package dev.lathe.cli.quickstart;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lathe.engine.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The support-bot's server config, {@code support_bot.json} in the run folder: everything needed to serve
 * the run's assistant again (the generator and its adapter, the classifier, the escalation policy, where
 * to listen). {@code adapter} and {@code classifier} are relative to the run folder.
 *
 * @param generator           the base model spec ({@code --base}, or the bundled stories260K's path)
 * @param generatorTokenizer  its tokenizer file when separate (llama2.c checkpoints), else null
 * @param encoderCache        where all-MiniLM-L6-v2 was imported
 */
public record SupportBotConfig(String generator, String generatorTokenizer, String adapter, String classifier,
        String encoderCache, int classifierMaxLength, double confidenceThreshold, List<String> personIntents,
        boolean escalateOnPersonalData, String host, int port) {
    public static final String FILE = "support_bot.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    public SupportBotConfig {
        personIntents = List.copyOf(personIntents);
    }

    public void write(Path runDir) throws IOException {
        AtomicFile.write(runDir.resolve(FILE), (JSON.writeValueAsString(this) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public static SupportBotConfig read(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(runDir + " has no " + FILE + ": it is not a finished quickstart run folder");
        }
        return JSON.readValue(file.toFile(), SupportBotConfig.class);
    }
}
