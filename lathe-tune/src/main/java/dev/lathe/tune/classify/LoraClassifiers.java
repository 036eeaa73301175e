package dev.lathe.tune.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import dev.lathe.tune.peft.AdapterConfigs;
import dev.lathe.tune.peft.PeftJson;
import dev.lathe.tune.peft.TaskType;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.train.FullFineTuning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier trained with a LoRA encoder, saved as PEFT saves a {@code PeftModelForSequenceClassification}:
 * {@code adapter_config.json} with {@code task_type} SEQ_CLS and {@code modules_to_save} ["classifier",
 * "score"] (the head names PEFT adds for sequence classification), and {@code adapter_model.safetensors}
 * holding the LoRA matrices and the head under the name PEFT saves a module-to-save with (its wrapper's
 * {@code modules_to_save.default} removed). On a BERT encoder ({@code BertForSequenceClassification}) those
 * are {@code base_model.model.bert.encoder.layer.<i>...lora_A.weight} and {@code base_model.model.classifier.weight}
 * and {@code .bias}; on a decoder ({@code LlamaForSequenceClassification}) {@code
 * base_model.model.model.layers.<i>.self_attn.q_proj.lora_A.weight} and {@code base_model.model.score.weight}.
 * The labels go into a {@code config.json} beside them (PEFT keeps them in the base model's config); a folder
 * Python PEFT wrote has none, and loads with transformers' default names {@code LABEL_0} ... {@code LABEL_<K-1>}.
 */
public final class LoraClassifiers {
    /** PEFT's default adapter name. */
    static final String ADAPTER = "default";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MODULES_TO_SAVE = List.of("classifier", "score");

    private LoraClassifiers() {}

    /** Writes the adapter, the head and the labels of {@code classifier} (whose encoder has a LoRA adapter) into {@code dir}. */
    public static void save(SequenceClassifier classifier, Path dir) throws IOException {
        Encoder encoder = loraEncoder(classifier.encoder());
        Map<String, Tensor> tensors = new LinkedHashMap<>(encoder.lora().adapterStateDict(ADAPTER));
        classifier.headParameters().forEach((n, t) -> tensors.put("base_model.model." + n, t));
        ObjectNode config = encoder.lora().config(ADAPTER).withTaskType(TaskType.SEQ_CLS).toJson();
        ArrayNode modules = config.putArray("modules_to_save");
        MODULES_TO_SAVE.forEach(modules::add);
        AtomicFolder.replace(dir, tmp -> {
            SafetensorsWriter.write(tmp.resolve(AdapterConfigs.WEIGHTS_FILE), tensors, Map.of("format", "pt"));
            // config.json with the labels, and the head for plain loaders
            ClassifierFiles.writeInto(classifier, tmp, false);
            AtomicFile.write(tmp.resolve(AdapterConfigs.CONFIG_FILE),
                    PeftJson.writeAdapterConfig(config).getBytes(StandardCharsets.UTF_8));
        });
    }

    /**
     * The classifier saved by {@link #save} in {@code dir}, on {@code base} (the pretrained encoder, without an
     * adapter): the adapter, the head and the labels.
     */
    public static SequenceClassifier load(Path dir, Encoder base, long seed) throws IOException {
        Path configFile = dir.resolve(AdapterConfigs.CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(dir + ": no " + AdapterConfigs.CONFIG_FILE + " (not a PEFT adapter folder)");
        }
        boolean hasLabels = Files.isRegularFile(dir.resolve(ClassifierFiles.CONFIG));
        if (hasLabels) {
            ClassifierFiles.readConfig(dir, base); // a clear error for the wrong base before the adapter is built
        }
        ObjectNode root = (ObjectNode) JSON.readTree(configFile.toFile());
        JsonNode saved = root.remove("modules_to_save");
        boolean hasHead = false;
        if (saved != null) {
            for (JsonNode n : saved) {
                hasHead |= n.asText().equals(base.headName());
            }
        }
        if (!hasHead) {
            throw new IllegalArgumentException(configFile + ": modules_to_save " + saved + " does not hold the head '"
                    + base.headName() + "'; not a sequence-classification adapter");
        }
        LoraConfig config = LoraConfig.fromJson(root, configFile.toString());
        if (config.taskType() != TaskType.SEQ_CLS) {
            throw new IllegalArgumentException(configFile + ": task_type is " + config.taskType() + ", expected SEQ_CLS");
        }
        if (base.lora() != null) {
            throw new IllegalArgumentException("the encoder given already has a LoRA adapter; pass the pretrained"
                    + " encoder without one");
        }
        Encoder encoder = base.withLora(config, seed);
        Path file = dir.resolve(AdapterConfigs.WEIGHTS_FILE);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            SequenceClassifier classifier = hasLabels ? ClassifierFiles.load(dir, encoder) // labels, dropout, head
                    : SequenceClassifier.create(encoder, LabelMap.unnamed(headRows(f, file, base.headName())),
                            base instanceof BertEncoder ? SequenceClassifier.BERT_DROPOUT : 0f, seed);
            Map<String, Tensor> wanted = new LinkedHashMap<>(encoder.lora().adapterStateDict(ADAPTER));
            classifier.headParameters().forEach((n, t) -> wanted.put("base_model.model." + n, t));
            for (Map.Entry<String, Tensor> e : wanted.entrySet()) {
                if (!f.names().contains(e.getKey())) {
                    throw new IllegalArgumentException(file + ": no tensor " + e.getKey());
                }
                FullFineTuning.copyInto(file, e.getKey(), f.tensor(e.getKey()), e.getValue());
            }
            return classifier;
        }
    }

    /** K, the head's rows as saved in the adapter file (a folder Python PEFT wrote has no config.json with labels). */
    private static int headRows(SafetensorsFile f, Path file, String head) {
        String name = "base_model.model." + head + ".weight";
        if (!f.names().contains(name)) {
            throw new IllegalArgumentException(file + ": no tensor " + name + " (the classification head)");
        }
        return f.tensor(name).shape()[0];
    }

    private static Encoder loraEncoder(Encoder encoder) {
        if (encoder.lora() == null) {
            throw new IllegalArgumentException("the classifier's encoder has no LoRA adapter; save it with"
                    + " ClassifierFiles.save instead");
        }
        return encoder;
    }
}
