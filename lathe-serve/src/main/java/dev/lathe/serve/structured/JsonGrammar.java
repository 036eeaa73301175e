package dev.lathe.serve.structured;

import dev.lathe.models.generate.TokenConstraint;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON texts one schema allows, as an automaton that reads UTF-8 bytes one at a time: from
 * {@link JsonSchemaCompiler#compile} for a JSON Schema, or {@link #anyObject()} for
 * {@code response_format: {type: json_object}}. Immutable and shareable: {@link #constraint} gives a
 * fresh per-request {@link TokenConstraint}, {@link #accepts} checks a whole text (validation mode).
 */
public final class JsonGrammar {
    /**
     * How strict the generated layout is.
     *
     * @param maxWhitespace most blanks (space, tab, newline, carriage return) allowed in one gap
     *     between JSON tokens, so a model may indent but never loop on whitespace; 0 forces compact JSON
     */
    public record Options(int maxWhitespace) {
        /** Room for newline plus indentation a few levels deep. */
        public static final Options DEFAULT = new Options(16);

        public Options {
            if (maxWhitespace < 0 || maxWhitespace > 256) {
                throw new IllegalArgumentException("maxWhitespace must be in [0, 256], got " + maxWhitespace);
            }
        }
    }

    private final SchemaNode root;
    private final Options options;

    JsonGrammar(SchemaNode root, Options options) {
        this.root = root;
        this.options = options;
    }

    /** Any JSON object, with any keys and values: OpenAI's {@code json_object} response format. */
    public static JsonGrammar anyObject() {
        return anyObject(Options.DEFAULT);
    }

    public static JsonGrammar anyObject(Options options) {
        return new JsonGrammar(SchemaNode.AnyObject.INSTANCE, options);
    }

    public Options options() {
        return options;
    }

    /** A new constraint for one request, over {@code vocabulary}'s tokens. */
    public TokenConstraint constraint(TokenVocabulary vocabulary) {
        return new JsonTokenConstraint(this, vocabulary);
    }

    /** Whether {@code text} is exactly one value this grammar allows (blanks bounded, none after it). */
    public boolean accepts(String text) {
        JsonState state = initial();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            state = state.advance(b & 0xFF);
            if (state == null) {
                return false;
            }
        }
        return state.isComplete();
    }

    /** The configuration before any byte: one value of the root schema, after optional blanks. */
    JsonState initial() {
        return new JsonState(List.of(new JsonAutomaton.Stack(new JsonAutomaton.Value(root, 0), null)), false,
                options.maxWhitespace());
    }
}
