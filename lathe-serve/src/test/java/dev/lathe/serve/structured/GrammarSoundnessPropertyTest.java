package dev.lathe.serve.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Validation mode on texts the grammar did not generate: valid documents mutated at random (bytes
 * dropped, doubled, swapped, replaced by JSON syntax). Whatever the grammar accepts must parse and
 * validate; and an unmutated document written in property order is always accepted.
 */
class GrammarSoundnessPropertyTest {
    private static final String SYNTAX = "{}[]\",:0123456789.-+eE tfnrule\\\u00e9";

    @Property(tries = 300)
    void whateverTheGrammarAcceptsParsesAndValidates(@ForAll long seed) throws Exception {
        Random r = new Random(seed);
        JsonNode schema = ConstrainedSamplingPropertyTest.randomObject(r, 3);
        JsonGrammar grammar = JsonSchemaCompiler.compile(schema);
        String valid = ConstrainedSamplingPropertyTest.sample(grammar, seed, 1f).text();
        assertThat(grammar.accepts(valid)).isTrue();
        for (int round = 0; round < 20; round++) {
            StringBuilder s = new StringBuilder(valid);
            int edits = 1 + r.nextInt(3);
            for (int e = 0; e < edits && !s.isEmpty(); e++) {
                int at = r.nextInt(s.length());
                switch (r.nextInt(4)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, s.charAt(at));
                    case 2 -> s.setCharAt(at, SYNTAX.charAt(r.nextInt(SYNTAX.length())));
                    default -> s.insert(at, SYNTAX.charAt(r.nextInt(SYNTAX.length())));
                }
            }
            String mutated = s.toString();
            if (grammar.accepts(mutated)) {
                JsonNode parsed = ConstrainedSamplingPropertyTest.STRICT.readTree(mutated);
                assertThat(SchemaValidator.validate(parsed, schema)).as("%s accepted under %s", mutated, schema)
                        .isEmpty();
            }
        }
    }
}
