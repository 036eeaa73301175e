package dev.lathe.tune.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.train.FullFineTuning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trained classifier on disk, as a transformers {@code *ForSequenceClassification} folder:
 * {@code config.json} (the encoder's config plus {@code architectures}, {@code id2label}, {@code label2id},
 * {@code problem_type} and {@code classifier_dropout}) and {@code model.safetensors} with the head
 * ({@code classifier.*} or {@code score.weight}) and, when the encoder was trained, every encoder weight
 * under its checkpoint name ({@code bert.*} or {@code model.*}). A head-only folder is small and loads onto
 * the same pretrained encoder. Two keys are Lathe's own: {@code lathe_pooling} (transformers pools BERT
 * through its pooler; this classifier uses the mean) and {@code lathe_encoder_included}.
 */
public final class ClassifierFiles {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassifierFiles() {}

    /**
     * Writes {@code classifier} as folder {@code dir} (replacing any folder there as a whole): the head, plus the
     * encoder when {@code includeEncoder}.
     */
    public static void save(SequenceClassifier classifier, Path dir, boolean includeEncoder) throws IOException {
        AtomicFolder.replace(dir, tmp -> writeInto(classifier, tmp, includeEncoder));
    }

    /** The files of {@link #save}, written into the existing folder {@code dir} that the caller publishes. */
    static void writeInto(SequenceClassifier classifier, Path dir, boolean includeEncoder) throws IOException {
        Encoder encoder = classifier.encoder();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        if (includeEncoder) {
            tensors.putAll(encoder.parameters());
        }
        tensors.putAll(classifier.headParameters());
        SafetensorsWriter.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
        ObjectNode config = (ObjectNode) JSON.readTree(encoder.config().toJson());
        config.putArray("architectures").add(encoder.architecture());
        classifier.labels().writeTo(config);
        config.put("problem_type", "single_label_classification");
        config.put("classifier_dropout", classifier.dropout());
        config.put("lathe_pooling", encoder.pooling().name().toLowerCase(java.util.Locale.ROOT));
        config.put("lathe_encoder_included", includeEncoder);
        // Written last: a folder with a config.json is complete.
        AtomicFile.write(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    }

    /**
     * The classifier saved in {@code dir}, on {@code encoder} (built from the same pretrained model): the
     * labels, dropout and head from the folder, and the encoder's weights too when they were saved.
     */
    public static SequenceClassifier load(Path dir, Encoder encoder) throws IOException {
        Path configFile = dir.resolve(CONFIG);
        JsonNode config = readConfig(dir, encoder);
        LabelMap labels = LabelMap.readFrom(config, configFile.toString());
        float dropout = (float) config.path("classifier_dropout").asDouble(0);
        ClassificationHead head = ClassificationHead.create(encoder.headName(), encoder.hiddenSize(), labels.size(),
                encoder.headBias(), dropout, 0);
        Path file = dir.resolve(WEIGHTS);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, Tensor> wanted = new LinkedHashMap<>(head.parameters());
            if (config.path("lathe_encoder_included").asBoolean(false)) {
                wanted.putAll(encoder.parameters());
            }
            for (Map.Entry<String, Tensor> e : wanted.entrySet()) {
                if (!f.names().contains(e.getKey())) {
                    throw new IllegalArgumentException(file + ": no tensor " + e.getKey());
                }
                FullFineTuning.copyInto(file, e.getKey(), f.tensor(e.getKey()), e.getValue());
            }
        }
        return new SequenceClassifier(encoder, head, labels);
    }

    /** The saved {@code config.json} in {@code dir}, checked to be for {@code encoder}'s architecture. */
    static JsonNode readConfig(Path dir, Encoder encoder) throws IOException {
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(dir + ": no " + CONFIG + "; not a saved classifier");
        }
        JsonNode config = JSON.readTree(configFile.toFile());
        String architecture = config.path("architectures").path(0).asText("");
        if (!architecture.equals(encoder.architecture())) {
            throw new IllegalArgumentException(configFile + ": architectures is [" + architecture + "] but the encoder"
                    + " given is for " + encoder.architecture() + "; load it onto the model it was trained from");
        }
        return config;
    }
}
