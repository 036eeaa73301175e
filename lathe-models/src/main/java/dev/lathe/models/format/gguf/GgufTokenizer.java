package dev.lathe.models.format.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer as GGUF stores it ({@code tokenizer.ggml.*} metadata), convertible to and from a
 * Hugging Face {@code tokenizer.json} + {@code tokenizer_config.json}.
 *
 * <p>Two kinds: {@code "llama"}, a SentencePiece BPE vocabulary (pieces with "▁" for spaces, a score
 * per piece, byte pieces {@code <0xXX>} for byte fallback), and {@code "gpt2"}, a byte-level BPE with
 * explicit merges. SentencePiece BPE merges pieces greedily by the score of the merged piece; a
 * Hugging Face BPE applies merges by rank. So, when a file has no merges, they are derived from the
 * scores as Hugging Face's own converter does: every split of a piece into two pieces of the
 * vocabulary is a merge, merges ordered by the merged piece's score (highest first), the splits of one
 * piece by the ids of their halves. Token types: 1 normal, 2 unknown, 3 control, 4 user defined,
 * 5 unused, 6 byte.
 *
 * @param model    "llama" or "gpt2"
 * @param pre      the pre-tokenizer name for gpt2 ("default", "qwen2", "llama-bpe", ...), or null
 * @param scores   one per token, or null
 * @param types    one per token, or null (all normal)
 * @param merges   "left right" strings, or null (derived from scores for llama)
 * @param bos      token ids, -1 when absent
 */
public record GgufTokenizer(String model, String pre, List<String> tokens, float[] scores, int[] types,
        List<String> merges, int bos, int eos, int unk, int pad, boolean addBos, boolean addEos,
        String chatTemplate) {
    public static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
            + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
            + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    public GgufTokenizer {
        tokens = List.copyOf(tokens);
        if (scores != null && scores.length != tokens.size()) {
            throw new IllegalArgumentException(scores.length + " scores for " + tokens.size() + " tokens");
        }
        if (types != null && types.length != tokens.size()) {
            throw new IllegalArgumentException(types.length + " token types for " + tokens.size() + " tokens");
        }
        for (int id : new int[] {bos, eos, unk, pad}) {
            if (id < -1 || id >= tokens.size()) {
                throw new IllegalArgumentException("special token id " + id + " is outside the vocabulary of "
                        + tokens.size());
            }
        }
        if (!model.equals("llama") && !model.equals("gpt2")) {
            throw new IllegalArgumentException("tokenizer model '" + model + "' is not supported (llama, gpt2)");
        }
        merges = merges == null ? null : List.copyOf(merges);
    }

    // ---- GGUF metadata ----

    /** Reads {@code tokenizer.ggml.*} and {@code tokenizer.chat_template} of a GGUF file. */
    public static GgufTokenizer fromGguf(GgufFile f) {
        String model = f.checked("tokenizer.ggml.model", f.require("tokenizer.ggml.model"),
                () -> f.require("tokenizer.ggml.model").asString());
        GgufValue tv = f.require("tokenizer.ggml.tokens");
        List<String> tokens = f.checked("tokenizer.ggml.tokens", tv, tv::asStrings);
        float[] scores = optional(f, "tokenizer.ggml.scores", v -> v.asFloats());
        int[] types = optional(f, "tokenizer.ggml.token_type", v -> v.asInts());
        List<String> merges = optional(f, "tokenizer.ggml.merges", v -> v.asStrings());
        try {
            return new GgufTokenizer(model, f.string("tokenizer.ggml.pre", null), tokens, scores, types, merges,
                    (int) f.integer("tokenizer.ggml.bos_token_id", -1), (int) f.integer("tokenizer.ggml.eos_token_id", -1),
                    (int) f.integer("tokenizer.ggml.unknown_token_id", -1),
                    (int) f.integer("tokenizer.ggml.padding_token_id", -1),
                    f.bool("tokenizer.ggml.add_bos_token", model.equals("llama")),
                    f.bool("tokenizer.ggml.add_eos_token", false), f.string("tokenizer.chat_template", null));
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(f.path() + ": tokenizer metadata: " + e.getMessage(), e);
        }
    }

    private static <T> T optional(GgufFile f, String key, java.util.function.Function<GgufValue, T> get) {
        GgufValue v = f.metadata().get(key);
        return v == null ? null : f.checked(key, v, () -> get.apply(v));
    }

    /** Adds this tokenizer's metadata to a writer, with the types llama.cpp expects. */
    public void toGguf(GgufWriter w) {
        w.put("tokenizer.ggml.model", GgufValue.string(model));
        if (pre != null) {
            w.put("tokenizer.ggml.pre", GgufValue.string(pre));
        }
        w.put("tokenizer.ggml.tokens", GgufValue.strings(tokens));
        if (scores != null) {
            w.put("tokenizer.ggml.scores", GgufValue.floats(scores));
        }
        if (types != null) {
            w.put("tokenizer.ggml.token_type", GgufValue.ints(types));
        }
        if (merges != null) {
            w.put("tokenizer.ggml.merges", GgufValue.strings(merges));
        }
        String[] keys = {"bos_token_id", "eos_token_id", "unknown_token_id", "padding_token_id"};
        int[] ids = {bos, eos, unk, pad};
        for (int i = 0; i < keys.length; i++) {
            if (ids[i] >= 0) {
                w.put("tokenizer.ggml." + keys[i], GgufValue.u32(ids[i]));
            }
        }
        w.put("tokenizer.ggml.add_bos_token", GgufValue.bool(addBos));
        w.put("tokenizer.ggml.add_eos_token", GgufValue.bool(addEos));
        if (chatTemplate != null) {
            w.put("tokenizer.chat_template", GgufValue.string(chatTemplate));
        }
    }

    // ---- Hugging Face files ----

    int type(int id) {
        return types == null ? NORMAL : types[id];
    }

    private String token(int id) {
        return id < 0 ? null : tokens.get(id);
    }

    /** The merges to use: the file's, or for llama those derived from the scores. */
    public List<String> effectiveMerges() {
        if (merges != null) {
            return merges;
        }
        if (model.equals("gpt2")) {
            throw new IllegalArgumentException("a gpt2 tokenizer needs tokenizer.ggml.merges");
        }
        return SentencePieceMerges.fromScores(tokens, scores);
    }

    /** A Hugging Face {@code tokenizer.json}. */
    public ObjectNode tokenizerJson() {
        boolean llama = model.equals("llama");
        ObjectNode root = JSON.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < tokens.size(); id++) {
            int t = type(id);
            if (t == UNKNOWN || t == CONTROL || t == USER_DEFINED) {
                ObjectNode a = added.addObject();
                a.put("id", id);
                a.put("content", tokens.get(id));
                a.put("single_word", false);
                a.put("lstrip", false);
                a.put("rstrip", false);
                a.put("normalized", t == USER_DEFINED && llama);
                a.put("special", t != USER_DEFINED);
            }
        }
        if (llama) {
            ObjectNode norm = root.putObject("normalizer");
            norm.put("type", "Sequence");
            ArrayNode ns = norm.putArray("normalizers");
            ns.addObject().put("type", "Prepend").put("prepend", "▁");
            ObjectNode rep = ns.addObject().put("type", "Replace");
            rep.putObject("pattern").put("String", " ");
            rep.put("content", "▁");
            root.putNull("pre_tokenizer");
        } else {
            root.putNull("normalizer");
            root.set("pre_tokenizer", gpt2PreTokenizer());
        }
        root.set("post_processor", postProcessor(llama));
        if (llama) {
            ObjectNode dec = root.putObject("decoder");
            dec.put("type", "Sequence");
            ArrayNode ds = dec.putArray("decoders");
            ObjectNode rep = ds.addObject().put("type", "Replace");
            rep.putObject("pattern").put("String", "▁");
            rep.put("content", " ");
            ds.addObject().put("type", "ByteFallback");
            ds.addObject().put("type", "Fuse");
            ds.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        } else {
            root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true)
                    .put("trim_offsets", true).put("use_regex", true);
        }
        ObjectNode m = root.putObject("model");
        m.put("type", "BPE");
        m.putNull("dropout");
        if (unk >= 0) {
            m.put("unk_token", tokens.get(unk));
        } else {
            m.putNull("unk_token");
        }
        m.putNull("continuing_subword_prefix");
        m.putNull("end_of_word_suffix");
        m.put("fuse_unk", llama);
        m.put("byte_fallback", llama);
        m.put("ignore_merges", false);
        ObjectNode vocab = m.putObject("vocab");
        for (int id = 0; id < tokens.size(); id++) {
            if (!vocab.has(tokens.get(id))) {
                vocab.put(tokens.get(id), id);
            }
        }
        ArrayNode ms = m.putArray("merges");
        for (String merge : effectiveMerges()) {
            ms.add(merge);
        }
        return root;
    }

    private JsonNode gpt2PreTokenizer() {
        String split = switch (pre == null ? "default" : pre) {
            case "qwen2" -> QWEN2_SPLIT;
            case "llama-bpe", "llama3", "smaug-bpe" -> LLAMA3_SPLIT;
            default -> null;
        };
        if (split == null) {
            return JSON.objectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                    .put("trim_offsets", true).put("use_regex", true);
        }
        ObjectNode seq = JSON.objectNode().put("type", "Sequence");
        ArrayNode ps = seq.putArray("pretokenizers");
        ObjectNode s = ps.addObject().put("type", "Split");
        s.putObject("pattern").put("Regex", split);
        s.put("behavior", "Isolated").put("invert", false);
        ps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false)
                .put("use_regex", false);
        return seq;
    }

    private JsonNode postProcessor(boolean llama) {
        boolean bosOn = addBos && bos >= 0;
        boolean eosOn = addEos && eos >= 0;
        if (!bosOn && !eosOn) {
            return llama ? JSON.nullNode() : JSON.objectNode().put("type", "ByteLevel").put("add_prefix_space", true)
                    .put("trim_offsets", false).put("use_regex", true);
        }
        ObjectNode p = JSON.objectNode().put("type", "TemplateProcessing");
        ArrayNode single = p.putArray("single");
        ArrayNode pair = p.putArray("pair");
        for (int part = 0; part < 2; part++) { // sequence A in both templates, B in the pair only
            for (ArrayNode t : part == 0 ? List.of(single, pair) : List.of(pair)) {
                if (bosOn) {
                    t.addObject().putObject("SpecialToken").put("id", token(bos)).put("type_id", part);
                }
                t.addObject().putObject("Sequence").put("id", part == 0 ? "A" : "B").put("type_id", part);
                if (eosOn) {
                    t.addObject().putObject("SpecialToken").put("id", token(eos)).put("type_id", part);
                }
            }
        }
        ObjectNode specials = p.putObject("special_tokens");
        for (int id : new int[] {bosOn ? bos : -1, eosOn ? eos : -1}) {
            if (id >= 0) {
                ObjectNode s = specials.putObject(token(id));
                s.put("id", token(id));
                s.putArray("ids").add(id);
                s.putArray("tokens").add(token(id));
            }
        }
        return p;
    }

    /** A Hugging Face {@code tokenizer_config.json}. */
    public ObjectNode tokenizerConfig() {
        ObjectNode c = JSON.objectNode();
        c.put("add_bos_token", addBos);
        c.put("add_eos_token", addEos);
        ObjectNode decoder = c.putObject("added_tokens_decoder");
        for (int id = 0; id < tokens.size(); id++) {
            int t = type(id);
            if (t == UNKNOWN || t == CONTROL || t == USER_DEFINED) {
                decoder.putObject(Integer.toString(id)).put("content", tokens.get(id)).put("lstrip", false)
                        .put("normalized", t == USER_DEFINED && model.equals("llama")).put("rstrip", false)
                        .put("single_word", false).put("special", t != USER_DEFINED);
            }
        }
        String[] names = {"bos_token", "eos_token", "unk_token", "pad_token"};
        int[] ids = {bos, eos, unk, pad};
        for (int i = 0; i < names.length; i++) {
            if (ids[i] >= 0) {
                c.put(names[i], tokens.get(ids[i]));
            } else {
                c.putNull(names[i]);
            }
        }
        if (chatTemplate != null) {
            c.put("chat_template", chatTemplate);
        }
        c.put("clean_up_tokenization_spaces", false);
        if (model.equals("llama")) {
            c.put("legacy", false);
        }
        c.put("tokenizer_class", model.equals("llama") ? "LlamaTokenizer" : "PreTrainedTokenizerFast");
        return c;
    }

    /**
     * The tokenizer of a Hugging Face BPE {@code tokenizer.json} (+ optional {@code tokenizer_config.json}),
     * for writing GGUF. SentencePiece-style files (byte fallback) become "llama" with scores that rank
     * pieces in merge order (the merges are written too, so reading back is exact); byte-level files
     * become "gpt2".
     */
    public static GgufTokenizer fromHuggingFace(JsonNode tokenizerJson, JsonNode tokenizerConfig) {
        JsonNode m = tokenizerJson.path("model");
        if (!"BPE".equals(m.path("type").asText())) {
            throw new IllegalArgumentException("tokenizer.json model type '" + m.path("type").asText()
                    + "' cannot be written to GGUF (BPE only)");
        }
        boolean llama = m.path("byte_fallback").asBoolean(false);
        Map<Integer, String> byId = new HashMap<>();
        m.path("vocab").properties().forEach(e -> byId.put(e.getValue().asInt(), e.getKey()));
        Map<Integer, Boolean> added = new HashMap<>();
        for (JsonNode a : tokenizerJson.path("added_tokens")) {
            byId.put(a.path("id").asInt(), a.path("content").asText());
            added.put(a.path("id").asInt(), a.path("special").asBoolean(false));
        }
        int n = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<String> tokens = new ArrayList<>(n);
        int[] types = new int[n];
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < n; id++) {
            String t = byId.get(id);
            types[id] = t == null ? UNUSED : added.containsKey(id) ? (added.get(id) ? CONTROL : USER_DEFINED)
                    : llama && t.length() == 6 && t.matches("<0x[0-9A-F]{2}>") ? BYTE : NORMAL;
            tokens.add(t == null ? "[PAD" + id + "]" : t);
            ids.putIfAbsent(tokens.get(id), id);
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode merge : m.path("merges")) {
            merges.add(merge.isArray() ? merge.get(0).asText() + " " + merge.get(1).asText() : merge.asText());
        }
        String unkToken = m.path("unk_token").isTextual() ? m.path("unk_token").asText() : null;
        int unk = unkToken == null ? -1 : ids.getOrDefault(unkToken, -1);
        if (unk >= 0) {
            types[unk] = UNKNOWN;
        }
        float[] scores = null;
        if (llama) {
            // Rank pieces by the first merge that makes them; pieces no merge makes come after all merges.
            scores = new float[n];
            Arrays.fill(scores, Float.NaN);
            for (int r = 0; r < merges.size(); r++) {
                Integer id = ids.get(merges.get(r).replace(" ", ""));
                if (id != null && Float.isNaN(scores[id])) {
                    scores[id] = -r;
                }
            }
            for (int id = 0; id < n; id++) {
                if (Float.isNaN(scores[id])) {
                    scores[id] = types[id] == NORMAL ? -merges.size() - id : 0f;
                }
            }
        }
        JsonNode cfg = tokenizerConfig == null ? JSON.objectNode() : tokenizerConfig;
        return new GgufTokenizer(llama ? "llama" : "gpt2", llama ? null : "default", tokens, scores, types, merges,
                special(cfg, "bos_token", ids), special(cfg, "eos_token", ids), unk, special(cfg, "pad_token", ids),
                cfg.path("add_bos_token").asBoolean(llama), cfg.path("add_eos_token").asBoolean(false),
                cfg.path("chat_template").isTextual() ? cfg.path("chat_template").asText() : null);
    }

    private static int special(JsonNode cfg, String name, Map<String, Integer> ids) {
        JsonNode v = cfg.path(name);
        String s = v.isTextual() ? v.asText() : v.path("content").isTextual() ? v.path("content").asText() : null;
        return s == null ? -1 : ids.getOrDefault(s, -1);
    }
}
