package dev.lathe.serve.structured;

import dev.lathe.models.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The bytes each token id stands for, worked out once per tokenizer and shared by every constrained
 * request on it (with the prefix trie {@link JsonTokenConstraint} walks). Bytes, not strings, because
 * a token may hold part of a UTF-8 character (a byte-level BPE piece, a SentencePiece
 * {@code <0xE2>} byte-fallback token), which no string can represent.
 *
 * <p>From a {@link Tokenizer}, the vocabulary's own token strings are read in the form they use:
 * <ul>
 *   <li>byte-level BPE (GPT-2, Llama 3, Qwen2): every character stands for one byte through GPT-2's
 *       printable byte alphabet ({@code Ġ} is a space);
 *   <li>SentencePiece (Llama 2, Mistral, TinyLlama): {@code ▁} is a space, {@code <0xNN>} one byte;
 *   <li>otherwise (WordPiece and the like), each token's decoded text.
 * </ul>
 * Added tokens that are not special (Qwen's {@code <tool_call>}) stand for their literal text.
 * Special tokens (BOS, EOS, chat markers) map to null: a constraint never allows them as text.
 */
public final class TokenVocabulary {
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    /** How the tokenizer's token strings were read into bytes. */
    public enum Encoding { BYTE_LEVEL, SENTENCE_PIECE, DECODED }

    private final byte[][] bytes; // (V): null for tokens that never stand for text
    private final Encoding encoding;
    private volatile TokenTrie trie;

    private TokenVocabulary(byte[][] bytes, Encoding encoding) {
        this.bytes = bytes;
        this.encoding = encoding;
    }

    /**
     * A vocabulary from explicit bytes per id (null or empty: never allowed as text), e.g. for a model
     * whose vocabulary is larger than its tokenizer's (padding rows).
     */
    public static TokenVocabulary of(byte[][] bytesPerToken) {
        byte[][] copy = new byte[bytesPerToken.length][];
        for (int i = 0; i < copy.length; i++) {
            byte[] b = bytesPerToken[i];
            copy[i] = b == null || b.length == 0 ? null : b.clone();
        }
        return new TokenVocabulary(copy, Encoding.DECODED);
    }

    /** Reads {@code tokenizer}'s vocabulary, padded with unusable ids up to {@code modelVocabSize}. */
    public static TokenVocabulary of(Tokenizer tokenizer, int modelVocabSize) {
        int v = Math.max(tokenizer.vocabSize(), modelVocabSize);
        String[] pieces = new String[tokenizer.vocabSize()];
        boolean[] literal = new boolean[pieces.length]; // added tokens: their string is their text
        boolean sentencePiece = false;
        int inByteAlphabet = 0;
        int counted = 0;
        boolean sawByteLevelSpace = false;
        for (int id = 0; id < pieces.length; id++) {
            try {
                pieces[id] = tokenizer.isSpecial(id) ? null : tokenizer.idToToken(id);
            } catch (IllegalArgumentException hole) {
                pieces[id] = null;
            }
            String p = pieces[id];
            if (p == null) {
                continue;
            }
            if (tokenizer.isAdded(id)) {
                literal[id] = true;
                continue;
            }
            if (p.indexOf('\u2581') >= 0 || BYTE_TOKEN.matcher(p).matches()) {
                sentencePiece = true;
            }
            if (p.indexOf('\u0120') >= 0) {
                sawByteLevelSpace = true;
            }
            counted++;
            if (ByteLevelAlphabet.covers(p)) {
                inByteAlphabet++;
            }
        }
        boolean byteLevel = sawByteLevelSpace && inByteAlphabet >= counted * 0.99;
        Encoding encoding = sentencePiece ? Encoding.SENTENCE_PIECE
                : byteLevel ? Encoding.BYTE_LEVEL : Encoding.DECODED;
        byte[][] out = new byte[v][];
        for (int id = 0; id < pieces.length; id++) {
            String p = pieces[id];
            if (p == null) {
                continue;
            }
            byte[] b = literal[id] ? p.getBytes(StandardCharsets.UTF_8) : switch (encoding) {
                case BYTE_LEVEL -> ByteLevelAlphabet.covers(p) ? ByteLevelAlphabet.decode(p)
                        : p.getBytes(StandardCharsets.UTF_8);
                case SENTENCE_PIECE -> BYTE_TOKEN.matcher(p).matches()
                        ? new byte[] {(byte) Integer.parseInt(p.substring(3, 5), 16)}
                        : p.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
                case DECODED -> tokenizer.decode(new int[] {id}, false).getBytes(StandardCharsets.UTF_8);
            };
            out[id] = b == null || b.length == 0 ? null : b;
        }
        return new TokenVocabulary(out, encoding);
    }

    /** Number of token ids (the logits length this vocabulary masks). */
    public int size() {
        return bytes.length;
    }

    /** The bytes of {@code id}, or null when it never stands for text. */
    public byte[] bytes(int id) {
        byte[] b = bytes[id];
        return b == null ? null : b.clone();
    }

    public Encoding encoding() {
        return encoding;
    }

    byte[] bytesShared(int id) {
        return bytes[id];
    }

    /** The prefix trie of every token's bytes, built on first use. */
    TokenTrie trie() {
        TokenTrie t = trie;
        if (t == null) {
            synchronized (this) {
                t = trie;
                if (t == null) {
                    t = trie = TokenTrie.build(bytes);
                }
            }
        }
        return t;
    }

    /**
     * GPT-2's byte-to-character table of byte-level BPE: printable Latin-1 bytes stand for
     * themselves, the other 68 bytes for U+0100 onwards in byte order.
     */
    static final class ByteLevelAlphabet {
        private static final int[] CHAR_TO_BYTE = new int[0x200];

        static {
            java.util.Arrays.fill(CHAR_TO_BYTE, -1);
            int next = 0;
            for (int b = 0; b < 256; b++) {
                boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
                CHAR_TO_BYTE[printable ? b : 256 + next++] = b;
            }
        }

        private ByteLevelAlphabet() {}

        static int byteOf(char c) {
            return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
        }

        /** Whether every character of {@code piece} stands for a byte. */
        static boolean covers(String piece) {
            for (int i = 0; i < piece.length(); i++) {
                if (byteOf(piece.charAt(i)) < 0) {
                    return false;
                }
            }
            return true;
        }

        static byte[] decode(String piece) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(piece.length());
            for (int i = 0; i < piece.length(); i++) {
                out.write(byteOf(piece.charAt(i)));
            }
            return out.toByteArray();
        }

        /** The character byte-level BPE writes for byte {@code b} (for tests that build such vocabularies). */
        static char charOf(int b) {
            for (int c = 0; c < CHAR_TO_BYTE.length; c++) {
                if (CHAR_TO_BYTE[c] == b) {
                    return (char) c;
                }
            }
            throw new IllegalArgumentException("not a byte: " + b);
        }
    }
}
