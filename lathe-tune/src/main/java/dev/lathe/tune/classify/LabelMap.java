package dev.lathe.tune.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The class labels of a classifier, in id order: transformers' {@code id2label} (and its inverse
 * {@code label2id}), written into and read from {@code config.json} the way transformers does
 * ({@code "id2label": {"0": "negative", ...}, "label2id": {"negative": 0, ...}}).
 */
public record LabelMap(List<String> labels) {

    public LabelMap {
        labels = List.copyOf(labels);
        if (labels.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 labels, got " + labels);
        }
        if (new TreeSet<>(labels).size() != labels.size()) {
            throw new IllegalArgumentException("labels must be distinct, got " + labels);
        }
    }

    /** The distinct labels of a dataset, sorted (so the ids do not depend on the order of the rows). */
    public static LabelMap fromData(Collection<String> labelsOfRows) {
        return new LabelMap(new ArrayList<>(new TreeSet<>(labelsOfRows)));
    }

    /** transformers' default names for {@code k} labels with no {@code id2label}: LABEL_0 ... LABEL_<k-1>. */
    public static LabelMap unnamed(int k) {
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            names.add("LABEL_" + i);
        }
        return new LabelMap(names);
    }

    public int size() {
        return labels.size();
    }

    public String label(int id) {
        if (id < 0 || id >= labels.size()) {
            throw new IllegalArgumentException("label id " + id + " is out of range [0, " + labels.size() + ")");
        }
        return labels.get(id);
    }

    /** The id of {@code label}; an unknown label is an error naming the known ones (first few). */
    public int id(String label) {
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("unknown label '" + label + "'; the classifier knows " + labels.size()
                    + " labels: " + (labels.size() <= 10 ? labels : labels.subList(0, 10) + "..."));
        }
        return i;
    }

    /** Adds {@code id2label} and {@code label2id} to a config object. */
    void writeTo(ObjectNode config) {
        ObjectNode id2label = config.putObject("id2label");
        ObjectNode label2id = config.putObject("label2id");
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
    }

    /** Reads {@code id2label} from a config object ({@code source} names it in errors). */
    static LabelMap readFrom(JsonNode config, String source) {
        JsonNode id2label = config.get("id2label");
        if (id2label == null || !id2label.isObject()) {
            throw new IllegalArgumentException(source + ": no id2label object; not a sequence-classification config");
        }
        Map<Integer, String> byId = new HashMap<>();
        id2label.fields().forEachRemaining(e -> {
            try {
                byId.put(Integer.parseInt(e.getKey()), e.getValue().asText());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(source + ": id2label key '" + e.getKey() + "' is not an integer");
            }
        });
        List<String> out = new ArrayList<>();
        for (int i = 0; i < byId.size(); i++) {
            if (!byId.containsKey(i)) {
                throw new IllegalArgumentException(source + ": id2label has no id " + i + " (ids must be 0.."
                        + (byId.size() - 1) + ")");
            }
            out.add(byId.get(i));
        }
        return new LabelMap(out);
    }
}
