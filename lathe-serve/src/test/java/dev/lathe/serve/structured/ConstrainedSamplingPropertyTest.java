package dev.lathe.serve.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.models.generate.FinishReason;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.generate.TokenDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The promise of structured output, as properties: whatever a random model samples under the
 * constraint, for random schemas and seeds, the text parses (Jackson, trailing tokens refused) and
 * validates against the schema (an independent checker). The vocabulary mixes multi-byte JSON
 * fragments, every single byte and tokens that split UTF-8 characters.
 */
class ConstrainedSamplingPropertyTest {
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> NAMES = List.of("name", "age", "tags", "id", "ok", "kind", "value", "color",
            "x", "a b", "caf\u00e9", "q\"uote");

    static final TokenDecoder BYTES = (ids, from, to) -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            byte[] b = TestVocabularies.VOCABULARY.bytes(ids[i]);
            if (b != null) {
                out.writeBytes(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    };

    /** Samples under {@code grammar} with the random model and returns the finished generation. */
    static Generation sample(JsonGrammar grammar, long seed, float temperature) {
        RandomLogitsModel model = new RandomLogitsModel(TestVocabularies.VOCABULARY.size(), seed,
                TestVocabularies.closingBias());
        SamplingParams params = SamplingParams.builder().temperature(temperature).seed(seed).maxTokens(4000)
                .eosTokenIds(Set.of(TestVocabularies.EOS)).build();
        return new Generator(BYTES).generate(model, new GenerationRequest(new int[] {'{'}, params, null, null,
                grammar.constraint(TestVocabularies.VOCABULARY)));
    }

    static void assertValid(Generation g, JsonNode schema) throws Exception {
        assertThat(g.finishReason()).as("finished by the grammar, not by length: %s", g.text())
                .isIn(FinishReason.STOP, FinishReason.EOS);
        JsonNode parsed = STRICT.readTree(g.text());
        assertThat(SchemaValidator.validate(parsed, schema)).as("violations of %s in %s", schema, g.text()).isEmpty();
    }

    @Property(tries = 150)
    void randomSchemasAlwaysYieldTextThatParsesAndValidates(@ForAll long schemaSeed, @ForAll long samplingSeed,
            @ForAll @IntRange(min = 0, max = 2) int temperatureStep) throws Exception {
        ObjectNode schema = randomObject(new Random(schemaSeed), 3);
        JsonGrammar grammar = JsonSchemaCompiler.compile(schema);
        Generation g = sample(grammar, samplingSeed, 0.5f + temperatureStep * 0.75f);
        assertValid(g, schema);
        assertThat(grammar.accepts(g.text())).isTrue();
    }

    @Property(tries = 60)
    void jsonObjectModeAlwaysYieldsAnObject(@ForAll long seed) throws Exception {
        Generation g = sample(JsonGrammar.anyObject(), seed, 1.2f);
        assertThat(g.finishReason()).isIn(FinishReason.STOP, FinishReason.EOS);
        assertThat(STRICT.readTree(g.text()).isObject()).as(g.text()).isTrue();
    }

    @Property(tries = 40)
    void recursiveSchemasThroughDefsYieldValidTrees(@ForAll long seed) throws Exception {
        JsonNode schema = STRICT.readTree("""
                {"$defs": {"node": {"type": "object", "properties": {
                   "value": {"type": ["integer", "null"]},
                   "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                   "required": ["value"], "additionalProperties": false}},
                 "$ref": "#/$defs/node"}""");
        assertValid(sample(JsonSchemaCompiler.compile(schema), seed, 1f), schema);
    }

    @Property(tries = 30)
    void compactLayoutAllowsNoWhitespaceAtAll(@ForAll long seed) throws Exception {
        ObjectNode schema = randomObject(new Random(seed), 2);
        Generation g = sample(JsonSchemaCompiler.compile(schema, new JsonGrammar.Options(0)), seed, 1f);
        assertValid(g, schema);
        // Outside strings there is no blank: re-serialising compactly gives the same length or longer escapes.
        String outside = g.text().replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
        assertThat(outside).doesNotContain(" ", "\n", "\t", "\r");
    }

    // ------------------------------------------------------------------ random schemas

    static ObjectNode randomObject(Random r, int depth) {
        ObjectNode o = F.objectNode().put("type", "object");
        ObjectNode props = o.putObject("properties");
        ArrayNode required = F.arrayNode();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            String name = NAMES.get(r.nextInt(NAMES.size()));
            if (props.has(name)) {
                continue;
            }
            props.set(name, randomSchema(r, depth - 1));
            if (r.nextInt(3) > 0) {
                required.add(name);
            }
        }
        o.set("required", required);
        o.put("additionalProperties", false);
        return o;
    }

    static JsonNode randomSchema(Random r, int depth) {
        int kind = r.nextInt(depth > 0 ? 12 : 8);
        return switch (kind) {
            case 0 -> F.objectNode().put("type", "string");
            case 1 -> F.objectNode().put("type", "number");
            case 2 -> F.objectNode().put("type", "integer");
            case 3 -> F.objectNode().put("type", "boolean");
            case 4 -> {
                ObjectNode s = F.objectNode();
                s.putArray("type").add("string").add("null");
                yield s;
            }
            case 5 -> {
                ObjectNode s = F.objectNode().put("type", "string");
                s.putArray("enum").add("red").add("green").add("r\u00e9d \"x\"").add("\u65e5\u672c");
                yield s;
            }
            case 6 -> {
                ObjectNode s = F.objectNode();
                s.putArray("enum").add(1).add(2.5).add("two").add(F.nullNode()).add(true);
                yield s;
            }
            case 7 -> F.objectNode().put("const", r.nextBoolean() ? "fixed" : "v\u20ac");
            case 8, 9 -> {
                ObjectNode s = F.objectNode().put("type", "array");
                s.set("items", randomSchema(r, depth - 1));
                yield s;
            }
            case 10 -> {
                ObjectNode s = F.objectNode();
                s.putArray("anyOf").add(randomSchema(r, depth - 1)).add(randomSchema(r, depth - 1));
                yield s;
            }
            default -> randomObject(r, depth - 1);
        };
    }
}
