package dev.lathe.models.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small tokenizer.json files written by the tests, for decoder behaviour the real test tokenizers
 * lack (TinyStories-656K's vocabulary has no {@code <0xNN>} tokens although its model enables byte
 * fallback): a Llama-2-style SentencePiece BPE with byte fallback, and a GPT-2-style byte-level BPE.
 * Both have a character-level vocabulary and no merges, which the tokenizers library accepts.
 */
final class SyntheticTokenizers {
    private SyntheticTokenizers() {}

    static final String CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"";

    /** Llama-2 layout: <unk> <s> </s>, 256 byte tokens, "▁", then characters; decoder Replace+ByteFallback+Fuse+Strip. */
    static Tokenizer byteFallback(Path dir) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<unk>", "<s>", "</s>"};
        for (int i = 0; i < 3; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        norms.addObject().put("type", "Prepend").put("prepend", "▁");
        norms.addObject().put("type", "Replace").putObject("pattern").put("String", " ");
        ((ObjectNode) norms.get(1)).put("content", "▁");
        root.putNull("pre_tokenizer");
        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        post.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        ((ArrayNode) post.get("single")).addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        post.putArray("pair").addAll((ArrayNode) post.get("single").deepCopy());
        ((ArrayNode) post.get("pair")).addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode st = post.putObject("special_tokens").putObject("<s>").put("id", "<s>");
        st.putArray("ids").add(1);
        st.putArray("tokens").add("<s>");
        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        ArrayNode decs = decoder.putArray("decoders");
        ObjectNode replace = decs.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", "▁");
        replace.put("content", " ");
        decs.addObject().put("type", "ByteFallback");
        decs.addObject().put("type", "Fuse");
        decs.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model").put("type", "BPE").putNull("dropout").put("unk_token", "<unk>")
                .putNull("continuing_subword_prefix").putNull("end_of_word_suffix").put("fuse_unk", true)
                .put("byte_fallback", true).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < 3; i++) vocab.put(specials[i], i);
        for (int b = 0; b < 256; b++) vocab.put(String.format("<0x%02X>", b), 3 + b);
        vocab.put("▁", 259);
        for (int i = 0; i < CHARS.length(); i++) vocab.put(String.valueOf(CHARS.charAt(i)), 260 + i);
        model.putArray("merges");
        return write(dir, root, "{\"add_bos_token\": true, \"add_eos_token\": false, \"bos_token\": \"<s>\","
                + " \"eos_token\": \"</s>\", \"unk_token\": \"<unk>\"}");
    }

    /** GPT-2 layout: the 256 byte-level characters, ByteLevel pre-tokenizer and decoder. */
    static Tokenizer byteLevel(Path dir) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putArray("added_tokens").addObject().put("id", 256).put("content", "<|endoftext|>").put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", false)
                .put("use_regex", true);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").putNull("dropout").putNull("unk_token")
                .putNull("continuing_subword_prefix").putNull("end_of_word_suffix").put("fuse_unk", false)
                .put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        int[] chars = bytesToUnicode();
        for (int b = 0; b < 256; b++) vocab.put(new String(Character.toChars(chars[b])), b);
        vocab.put("<|endoftext|>", 256);
        model.putArray("merges");
        return write(dir, root, "{\"bos_token\": \"<|endoftext|>\", \"eos_token\": \"<|endoftext|>\"}");
    }

    /** GPT-2's reversible byte-to-printable-character table. */
    static int[] bytesToUnicode() {
        int[] out = new int[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int next = 256;
        for (int b = 0; b < 256; b++) out[b] = printable[b] ? b : next++;
        return out;
    }

    private static Tokenizer write(Path dir, ObjectNode root, String config) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), new ObjectMapper().writeValueAsString(root));
            Files.writeString(dir.resolve("tokenizer_config.json"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Tokenizer.load(dir);
    }
}
