package dev.lathe.serve.structured;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small but real Hugging Face {@code tokenizer.json} files for tests, in the two layouts
 * generation models use: byte-level BPE (GPT-2/Llama 3/Qwen2) and SentencePiece-style BPE with byte
 * fallback (Llama 2/Mistral). Merges are built left to right over a word list, so every merged token
 * is the join of two earlier ones, as the BPE model requires.
 */
final class TokenizerFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFiles() {}

    static final List<String> WORDS = List.of(" the", " name", "name", "\":", "{\"", "\", \"", " \"", "true", "false",
            "null", " hello", " world", "caf\u00e9", "\u20ac", "12", "00", "\n  ", "  ", "},", "\"}", "\u65e5\u672c");

    /** A byte-level BPE tokenizer with an {@code <|endoftext|>} special token last. */
    static Path byteLevel(Path dir) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(TokenVocabulary.ByteLevelAlphabet.charOf(b)), vocab.size());
        }
        ArrayNode merges = JSON.createArrayNode();
        for (String w : WORDS) {
            StringBuilder s = new StringBuilder();
            for (byte x : w.getBytes(StandardCharsets.UTF_8)) {
                s.append(TokenVocabulary.ByteLevelAlphabet.charOf(x & 0xFF));
            }
            addMerges(s.toString(), vocab, merges);
        }
        ObjectNode root = base(vocab, merges, "<|endoftext|>", false);
        // Added tokens that are not special are plain text, not byte-alphabet strings.
        for (String text : List.of("<think>", "\u00f1and\u00fa")) {
            int id = vocab.size();
            vocab.put(text, id);
            ((ObjectNode) root.get("model").get("vocab")).put(text, id);
            ((ArrayNode) root.get("added_tokens")).addObject().put("id", id).put("content", text)
                    .put("single_word", false).put("lstrip", false).put("rstrip", false).put("normalized", false)
                    .put("special", false);
        }
        ObjectNode byteLevel = JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        root.set("pre_tokenizer", byteLevel);
        root.set("decoder", byteLevel.deepCopy());
        return write(dir, root);
    }

    /** A SentencePiece-style BPE: {@code ▁} for spaces, {@code <0xNN>} byte fallback, {@code </s>} special. */
    static Path sentencePiece(Path dir) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("<unk>", 0);
        vocab.put("<s>", 1);
        vocab.put("</s>", 2);
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), vocab.size());
        }
        for (char c = ' '; c < 0x7F; c++) {
            vocab.putIfAbsent(c == ' ' ? "\u2581" : String.valueOf(c), vocab.size());
        }
        ArrayNode merges = JSON.createArrayNode();
        for (String w : WORDS) {
            if (w.chars().allMatch(c -> c < 0x7F && c != '\n')) {
                addMerges(w.replace(' ', '\u2581'), vocab, merges);
            }
        }
        ObjectNode root = base(vocab, merges, null, true);
        ((ObjectNode) root.get("model")).put("unk_token", "<unk>").put("byte_fallback", true).put("fuse_unk", true);
        ArrayNode added = root.putArray("added_tokens");
        for (String s : List.of("<unk>", "<s>", "</s>")) {
            added.addObject().put("id", vocab.get(s)).put("content", s).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        normalizer.putArray("normalizers").add(JSON.createObjectNode().put("type", "Prepend").put("prepend", "\u2581"))
                .add(JSON.readTree("{\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"\u2581\"}"));
        root.set("decoder", JSON.readTree("""
                {"type": "Sequence", "decoders": [
                  {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
                  {"type": "ByteFallback"}, {"type": "Fuse"},
                  {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}"""));
        return write(dir, root);
    }

    private static void addMerges(String pieces, Map<String, Integer> vocab, ArrayNode merges) {
        String left = pieces.substring(0, 1);
        for (int i = 1; i < pieces.length(); i++) {
            String right = pieces.substring(i, i + 1);
            vocab.putIfAbsent(right, vocab.size());
            String joined = left + right;
            if (!vocab.containsKey(joined)) {
                vocab.put(joined, vocab.size());
                merges.add(left + " " + right);
            }
            left = joined;
        }
    }

    private static ObjectNode base(Map<String, Integer> vocab, ArrayNode merges, String special, boolean fallback) {
        ObjectNode root = JSON.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        if (special != null) {
            int id = vocab.size();
            vocab.put(special, id);
            added.addObject().put("id", id).put("content", special).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putNull("pre_tokenizer");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", fallback);
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        model.set("merges", merges);
        return root;
    }

    private static Path write(Path dir, ObjectNode root) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("tokenizer.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        return file;
    }
}
