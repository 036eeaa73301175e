package dev.lathe.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}) with exactly HF's behaviour, run by HF's own Rust
 * {@code tokenizers} library through DJL's JNI binding (see {@link NativeTokenizers} for where the
 * native library comes from), plus what {@code tokenizer_config.json} adds: special tokens,
 * BOS/EOS addition and decode clean-up ({@link TokenizerConfig}).
 *
 * <p>BOS/EOS rule: when {@code tokenizer_config.json} states {@code add_bos_token} or
 * {@code add_eos_token}, those decide and tokenizer.json's post-processor is not used (what
 * {@code LlamaTokenizerFast} does: it rebuilds the post-processor from the two flags, so a template
 * that already adds BOS never adds a second one); otherwise the post-processor decides (BERT's
 * {@code [CLS] ... [SEP]}, Llama 3's {@code <|begin_of_text|>}). Text that already starts with a
 * rendered BOS string (a chat template's {@code bos_token}) should be encoded with
 * {@code addSpecialTokens = false}, as {@code apply_chat_template} does.
 *
 * <p>Holds a native handle: close it. Encoding and decoding are thread-safe until then.
 */
public final class Tokenizer implements AutoCloseable {
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    private final String origin;
    private final TokenizerConfig config;
    private final String[] idToToken;
    private final Map<String, Integer> tokenToId;
    private final boolean[] special; // added tokens marked "special"
    private final boolean[] added; // every entry of "added_tokens": its content is literal text
    private final boolean[] byteFallback; // "<0xNN>" tokens of a ByteFallback decoder
    private final SpecialToken bos;
    private final SpecialToken eos;
    private final SpecialToken pad;
    private final SpecialToken unk;
    private volatile long handle;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();

    private Tokenizer(String origin, JsonNode json, String jsonText, TokenizerConfig config) {
        this.origin = origin;
        this.config = config;
        Map<String, Integer> vocab = readVocab(json, origin);
        int size = 0;
        for (int id : vocab.values()) size = Math.max(size, id + 1);
        this.idToToken = new String[size];
        this.special = new boolean[size];
        this.added = new boolean[size];
        vocab.forEach((token, id) -> idToToken[id] = token);
        for (JsonNode entry : json.path("added_tokens")) {
            int id = entry.path("id").asInt();
            if (id < size) {
                special[id] = entry.path("special").asBoolean(false);
                added[id] = true;
            }
        }
        this.tokenToId = vocab;
        this.byteFallback = new boolean[size];
        if (json.path("decoder").toString().contains("\"ByteFallback\"")) {
            for (int i = 0; i < size; i++) {
                byteFallback[i] = idToToken[i] != null && BYTE_TOKEN.matcher(idToToken[i]).matches();
            }
        }
        this.bos = specialToken(config.bosToken());
        this.eos = specialToken(config.eosToken());
        this.pad = specialToken(config.padToken());
        JsonNode modelUnk = json.path("model").path("unk_token");
        this.unk = specialToken(config.unkToken() != null ? config.unkToken()
                : modelUnk.isTextual() ? modelUnk.asText() : null);
        long h;
        try {
            h = NativeTokenizers.lib().createTokenizerFromString(jsonText);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(origin + ": the tokenizers library rejected it: " + e.getMessage(), e);
        }
        // Our encode/decode are HF's defaults: no padding, no truncation (BERT files often set both).
        NativeTokenizers.lib().disablePadding(h);
        NativeTokenizers.lib().disableTruncation(h);
        this.handle = h;
    }

    /**
     * Loads {@code dir/tokenizer.json} with the optional {@code tokenizer_config.json} and
     * {@code special_tokens_map.json} beside it.
     *
     * @throws IllegalArgumentException naming the file when it is missing or malformed
     */
    public static Tokenizer load(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no tokenizer.json in " + dir);
        }
        return fromJson(file, TokenizerConfig.load(dir));
    }

    /** Loads a {@code tokenizer.json} with the given config ({@link TokenizerConfig#EMPTY} for none). */
    public static Tokenizer fromJson(Path tokenizerJson, TokenizerConfig config) {
        String text;
        try {
            text = Files.readString(tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson, e);
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(tokenizerJson + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        return new Tokenizer(tokenizerJson.toString(), json, text, config);
    }

    private static Map<String, Integer> readVocab(JsonNode json, String origin) {
        JsonNode model = json.path("model");
        JsonNode vocab = model.path("vocab");
        Map<String, Integer> out = new HashMap<>();
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {token: id}
            vocab.properties().forEach(e -> out.put(e.getKey(), e.getValue().asInt()));
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], id = position
            int i = 0;
            for (JsonNode entry : vocab) out.put(entry.path(0).asText(), i++);
        } else {
            throw new IllegalArgumentException(origin + ": field 'model.vocab' is missing or not an object/array");
        }
        for (JsonNode added : json.path("added_tokens")) {
            if (!added.path("content").isTextual() || !added.path("id").canConvertToInt()) {
                throw new IllegalArgumentException(origin + ": 'added_tokens' entry needs 'id' and 'content': "
                        + added);
            }
            out.put(added.get("content").asText(), added.get("id").asInt());
        }
        for (var e : out.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException(origin + ": token '" + e.getKey() + "' has negative id "
                        + e.getValue());
            }
        }
        return out;
    }

    private SpecialToken specialToken(String content) {
        if (content == null) return null;
        Integer id = tokenToId.get(content);
        return id == null ? null : new SpecialToken(content, id);
    }

    /** Token ids of {@code text}; with special tokens (BOS/EOS, CLS/SEP) added as the class doc says. */
    public int[] encode(String text, boolean addSpecialTokens) {
        if (!addSpecialTokens || (config.addBosToken() == null && config.addEosToken() == null)) {
            return nativeEncode(text, addSpecialTokens);
        }
        int[] raw = nativeEncode(text, false);
        boolean addBos = Boolean.TRUE.equals(config.addBosToken()) && bos != null;
        boolean addEos = Boolean.TRUE.equals(config.addEosToken()) && eos != null;
        int[] out = new int[raw.length + (addBos ? 1 : 0) + (addEos ? 1 : 0)];
        if (addBos) out[0] = bos.id();
        System.arraycopy(raw, 0, out, addBos ? 1 : 0, raw.length);
        if (addEos) out[out.length - 1] = eos.id();
        return out;
    }

    private int[] nativeEncode(String text, boolean addSpecialTokens) {
        if (text == null) throw new IllegalArgumentException("text must not be null");
        return withHandle(h -> {
            long encoding = NativeTokenizers.lib().encode(h, text, addSpecialTokens);
            try {
                return NativeTokenizers.toInts(NativeTokenizers.lib().getTokenIds(encoding));
            } finally {
                NativeTokenizers.lib().deleteEncoding(encoding);
            }
        });
    }

    /** The text of {@code ids}, HF's {@code decode(ids, skip_special_tokens)}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        String text = decodeRaw(ids, 0, ids.length, skipSpecialTokens);
        return config.cleanUpTokenizationSpaces() ? CleanUp.apply(text) : text;
    }

    /** The decoder's text for {@code ids[from, to)}, before the config's clean-up. */
    String decodeRaw(int[] ids, int from, int to, boolean skipSpecialTokens) {
        for (int i = from; i < to; i++) checkId(ids[i]);
        long[] longs = NativeTokenizers.toLongs(ids, from, to);
        return withHandle(h -> NativeTokenizers.lib().decode(h, longs, skipSpecialTokens));
    }

    /** A decoder for text streamed one token at a time (see {@link StreamingDecoder}). */
    public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(this, skipSpecialTokens);
    }

    /** Vocabulary size including added tokens (largest id + 1), HF's {@code len(tokenizer)}. */
    public int vocabSize() {
        return idToToken.length;
    }

    /** The token string of {@code id} (e.g. {@code "▁the"}, {@code "##ing"}, {@code "<0xE2>"}). */
    public String idToToken(int id) {
        checkId(id);
        String token = idToToken[id];
        if (token == null) {
            throw new IllegalArgumentException(origin + ": id " + id + " has no token (a hole in the vocabulary)");
        }
        return token;
    }

    /** The id of a token string, if it is in the vocabulary. */
    public OptionalInt tokenToId(String token) {
        Integer id = tokenToId.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Whether {@code id} is an added token marked special (skipped by {@code skipSpecialTokens}). */
    public boolean isSpecial(int id) {
        checkId(id);
        return special[id];
    }

    /**
     * Whether {@code id} is one of tokenizer.json's {@code added_tokens}: its {@link #idToToken} is the
     * literal text, not a model piece (no byte-level alphabet, no {@code ▁}).
     */
    public boolean isAdded(int id) {
        checkId(id);
        return added[id];
    }

    /** True for the {@code <0xNN>} tokens of a byte-fallback decoder. */
    boolean isByteFallback(int id) {
        return byteFallback[id];
    }

    public Optional<SpecialToken> bos() {
        return Optional.ofNullable(bos);
    }

    public Optional<SpecialToken> eos() {
        return Optional.ofNullable(eos);
    }

    public Optional<SpecialToken> pad() {
        return Optional.ofNullable(pad);
    }

    public Optional<SpecialToken> unk() {
        return Optional.ofNullable(unk);
    }

    /** The tokenizer_config.json settings this tokenizer follows. */
    public TokenizerConfig config() {
        return config;
    }

    private void checkId(int id) {
        if (id < 0 || id >= idToToken.length) {
            throw new IllegalArgumentException(origin + ": token id " + id + " is outside the vocabulary [0, "
                    + idToToken.length + ")");
        }
    }

    /**
     * Runs a native call on the live handle under the read lock, so {@link #close} (write lock) cannot free
     * the native tokenizer while another thread is still inside it (a use-after-free in native code).
     */
    private <T> T withHandle(LongFunction<T> call) {
        Lock read = lifecycle.readLock();
        read.lock();
        try {
            long h = handle;
            if (h == 0) throw new IllegalStateException(origin + ": tokenizer is closed");
            return call.apply(h);
        } finally {
            read.unlock();
        }
    }

    /**
     * Frees the native tokenizer once calls in flight on other threads have returned; later calls throw
     * IllegalStateException. Idempotent.
     */
    @Override
    public void close() {
        Lock write = lifecycle.writeLock();
        write.lock();
        try {
            long h = handle;
            if (h != 0) {
                handle = 0;
                NativeTokenizers.lib().deleteTokenizer(h);
            }
        } finally {
            write.unlock();
        }
    }

    @Override
    public String toString() {
        return "Tokenizer[" + origin + ", vocab " + idToToken.length + "]";
    }

    /** For tests and debugging: ids rendered as their token strings. */
    String tokens(int[] ids) {
        return Arrays.stream(ids).mapToObj(this::idToToken).toList().toString();
    }
}
