package dev.lathe.serve.embeddings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * OpenAI's {@code encoding_format}: embeddings as JSON float arrays, or as base64 of their
 * little-endian float32 bytes (what OpenAI's API returns and its SDKs decode; a quarter of the
 * JSON size).
 */
public enum EncodingFormat {
    FLOAT,
    BASE64;

    public static final String PARAM = "encoding_format";

    /** Reads the parameter; null means the default, {@code float}. */
    public static EncodingFormat parse(String value) {
        if (value == null || value.equals("float")) {
            return FLOAT;
        }
        if (value.equals("base64")) {
            return BASE64;
        }
        throw new EmbeddingParameterException(PARAM, "must be 'float' or 'base64', got '" + value + "'");
    }

    /** Base64 of the vector's little-endian float32 bytes. */
    public static String toBase64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /** The vector back from {@link #toBase64}. */
    public static float[] fromBase64(String base64) {
        byte[] raw = Base64.getDecoder().decode(base64);
        if (raw.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("base64 embedding of " + raw.length + " bytes is not whole float32s");
        }
        float[] out = new float[raw.length / Float.BYTES];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
