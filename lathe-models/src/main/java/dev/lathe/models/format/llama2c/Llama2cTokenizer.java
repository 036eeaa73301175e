package dev.lathe.models.format.llama2c;

import dev.lathe.models.format.gguf.GgufFormatException;
import dev.lathe.models.format.gguf.GgufTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * llama2.c's {@code tokenizer.bin}: int32 max_token_length, then for each of the checkpoint's
 * vocab_size tokens a float32 score, an int32 byte length and the UTF-8 bytes. It is a SentencePiece
 * BPE vocabulary exported with "▁" turned into a space and BOS/EOS written as "\n&lt;s&gt;\n" and
 * "\n&lt;/s&gt;\n"; importing undoes both, so the pieces, scores and token types are SentencePiece's
 * again (id 0 unknown, 1 BOS, 2 EOS: control, {@code <0xXX>} byte pieces) and become a Hugging Face
 * tokenizer (see {@link GgufTokenizer}; merges derived from the scores, which is how llama2.c's
 * encoder merges). BOS is added to every encoding, as llama2.c's run does.
 */
public record Llama2cTokenizer(int maxTokenLength, GgufTokenizer tokenizer) {
    public static final int UNK = 0, BOS = 1, EOS = 2;

    public static Llama2cTokenizer read(Path file, int vocabSize) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4) {
            throw bad(file, "header", "truncated: no max_token_length");
        }
        int maxLen = in.getInt();
        if (maxLen <= 0) {
            throw bad(file, "header", "max_token_length " + maxLen + " is not positive");
        }
        List<String> pieces = new ArrayList<>(vocabSize);
        float[] scores = new float[vocabSize];
        int[] types = new int[vocabSize];
        for (int id = 0; id < vocabSize; id++) {
            if (in.remaining() < 8) {
                throw bad(file, "token " + id, "truncated: the file ends before its score and length");
            }
            scores[id] = in.getFloat();
            int len = in.getInt();
            if (len < 0 || len > maxLen || len > in.remaining()) {
                throw bad(file, "token " + id, "length " + len + " is negative, above max_token_length " + maxLen
                        + " or past the end of the file");
            }
            byte[] b = new byte[len];
            in.get(b);
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw bad(file, "token " + id, "text is not valid UTF-8");
            }
            if (!Float.isFinite(scores[id])) {
                throw bad(file, "token " + id, "score " + scores[id] + " is not finite");
            }
            String piece;
            if (id == BOS && text.equals("\n<s>\n")) {
                piece = "<s>";
                types[id] = GgufTokenizer.CONTROL;
            } else if (id == EOS && text.equals("\n</s>\n")) {
                piece = "</s>";
                types[id] = GgufTokenizer.CONTROL;
            } else if (id == UNK) {
                piece = text;
                types[id] = GgufTokenizer.UNKNOWN;
            } else if (text.matches("<0x[0-9A-F]{2}>")) {
                piece = text;
                types[id] = GgufTokenizer.BYTE;
            } else {
                piece = text.replace(' ', '\u2581');
                types[id] = GgufTokenizer.NORMAL;
            }
            pieces.add(piece);
        }
        if (in.hasRemaining()) {
            throw bad(file, "end", in.remaining() + " bytes follow the " + vocabSize
                    + " tokens (is vocab_size right?)");
        }
        return new Llama2cTokenizer(maxLen, new GgufTokenizer("llama", null, pieces, scores, types, null, BOS, EOS,
                UNK, -1, true, false, null));
    }

    private static GgufFormatException bad(Path file, String where, String defect) {
        return new GgufFormatException(file + ": " + where + ": " + defect);
    }
}
