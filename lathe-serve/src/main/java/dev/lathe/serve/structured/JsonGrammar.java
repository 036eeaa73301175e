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
     * How strict the generated layout and the schema reading are.
     *
     * @param maxWhitespace most blanks (space, tab, newline, carriage return) allowed in one gap
     *     between JSON tokens, so a model may indent but never loop on whitespace; 0 forces compact JSON
     * @param ignoreValueConstraints accept, without enforcing, the keywords that only bound values
     *     ({@code minimum}, {@code maxLength}, {@code pattern}, {@code format}, {@code minItems} ...)
     *     and {@code additionalProperties} other than false (never generating extra properties is
     *     still valid). For forcing tool calls, where arguments must parse and have the declared
     *     shape but a refused schema would fail the whole request; structured output keeps it off so
     *     its promise, "validates", holds
     */
    public record Options(int maxWhitespace, boolean ignoreValueConstraints) {
        /** Room for newline plus indentation a few levels deep; every unsupported keyword refused. */
        public static final Options DEFAULT = new Options(16, false);
        /** As {@link #DEFAULT}, but value constraints are accepted and not enforced. */
        public static final Options LENIENT = new Options(16, true);

        public Options {
            if (maxWhitespace < 0 || maxWhitespace > 256) {
                throw new IllegalArgumentException("maxWhitespace must be in [0, 256], got " + maxWhitespace);
            }
        }

        public Options(int maxWhitespace) {
            this(maxWhitespace, false);
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
