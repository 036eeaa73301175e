package dev.lathe.serve.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each supported keyword accepts the texts it should and refuses the rest; unsupported ones are named. */
class JsonSchemaCompilerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonGrammar grammar(String schema) throws Exception {
        return JsonSchemaCompiler.compile(JSON.readTree(schema));
    }

    private static void accepts(String schema, String... texts) throws Exception {
        JsonGrammar g = grammar(schema);
        for (String t : texts) {
            assertThat(g.accepts(t)).as("%s accepts %s", schema, t).isTrue();
        }
    }

    private static void refuses(String schema, String... texts) throws Exception {
        JsonGrammar g = grammar(schema);
        for (String t : texts) {
            assertThat(g.accepts(t)).as("%s refuses %s", schema, t).isFalse();
        }
    }

    @Test
    void stringsAllowEscapesAndUnicodeButNotControlCharactersOrBadUtf8() throws Exception {
        String s = "{\"type\": \"string\"}";
        accepts(s, "\"\"", "\"plain\"", "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\"\\u00e9\\uD83D\\uDE00\"",
                "\"caf\u00e9 \u20ac \u65e5\u672c \uD83D\uDE00\"", " \"leading blanks\"");
        refuses(s, "\"unterminated", "\"tab\there\"", "\"\\x\"", "\"\\u12G4\"", "plain", "\"a\" ", "\"a\"\"b\"");
        JsonGrammar g = grammar(s);
        JsonState state = g.initial().advance('"');
        assertThat(state.advance(0xC0)).as("overlong lead byte").isNull();
        assertThat(state.advance(0xED).advance(0xA0)).as("UTF-16 surrogate as UTF-8").isNull();
        assertThat(state.advance(0xF4).advance(0x90)).as("above U+10FFFF").isNull();
        assertThat(state.advance(0xE2).advance(0x82)).as("half a euro sign").isNotNull();
        assertThat(state.advance(0xE2).advance(0x82).isComplete()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "number|0|true", "number|-0|true", "number|12.5e-3|true", "number|1E+10|true", "number|-7|true",
            "number|01|false", "number|1.|false", "number|.5|false", "number|-|false", "number|1e|false",
            "number|+1|false", "number|NaN|false", "integer|42|true", "integer|-42|true", "integer|0|true",
            "integer|4.0|false", "integer|1e3|false", "integer|007|false", "boolean|true|true",
            "boolean|false|true", "boolean|True|false", "null|null|true", "null|nul|false"})
    void scalarTypesFollowTheJsonGrammar(String type, String text, boolean ok) throws Exception {
        assertThat(grammar("{\"type\": \"" + type + "\"}").accepts(text)).isEqualTo(ok);
    }

    @Test
    void objectsListDeclaredPropertiesInOrderWithEveryRequiredOneAndNothingElse() throws Exception {
        String s = """
                {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"},
                 "c": {"type": "boolean"}}, "required": ["b"], "additionalProperties": false}""";
        accepts(s, "{\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\"}", "{\"a\": 1, \"b\": \"x\", \"c\": true}",
                "{\n  \"b\" : \"x\",\n  \"c\" : false\n}");
        refuses(s, "{}", "{\"a\":1}", "{\"b\":\"x\",\"d\":1}", "{\"b\":\"x\",}", "{\"b\":1}",
                "{\"c\":true,\"b\":\"x\"}", "{\"b\":\"x\",\"b\":\"y\"}");
        accepts("{\"type\": \"object\", \"properties\": {}}", "{}", "{ }");
        refuses("{\"type\": \"object\", \"properties\": {}}", "{\"a\":1}");
        accepts("{\"type\": \"object\", \"properties\": {\"x\": {}}}", "{}", "{\"x\": [1, {\"y\": null}]}");
    }

    @Test
    void arraysTakeItemsOfTheItemSchema() throws Exception {
        String s = "{\"type\": \"array\", \"items\": {\"type\": \"integer\"}}";
        accepts(s, "[]", "[1]", "[1, 2 ,3]", "[ ]");
        refuses(s, "[1,]", "[\"a\"]", "[1 2]", "[,1]");
        accepts("{\"type\": \"array\"}", "[1, \"a\", null, {}, []]");
    }

    @Test
    void enumAndConstAllowExactlyTheirValuesInCompactJson() throws Exception {
        String e = "{\"enum\": [\"red\", 2, null, {\"k\": [true]}]}";
        accepts(e, "\"red\"", "2", "null", "{\"k\":[true]}");
        refuses(e, "\"blue\"", "2.0", "\"re\"", "{\"k\": [true]}");
        accepts("{\"const\": \"caf\u00e9\"}", "\"caf\u00e9\"");
        refuses("{\"const\": \"caf\u00e9\"}", "\"cafe\"");
        accepts("{\"type\": \"number\", \"enum\": [1, 2.5]}", "1", "2.5");
    }

    @Test
    void anyOfAndTypeArraysAllowEachAlternative() throws Exception {
        accepts("{\"type\": [\"string\", \"null\"]}", "\"s\"", "null");
        refuses("{\"type\": [\"string\", \"null\"]}", "1");
        String s = "{\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"object\", \"properties\": {\"a\": {\"type\":"
                + " \"string\"}}, \"required\": [\"a\"], \"additionalProperties\": false}]}";
        accepts(s, "3", "{\"a\": \"x\"}");
        refuses(s, "3.5", "{}", "\"a\"");
    }

    @Test
    void refsResolveIntoDefsAndMayRecurse() throws Exception {
        String s = """
                {"type": "object", "properties": {"root": {"$ref": "#/$defs/node"}}, "required": ["root"],
                 "additionalProperties": false,
                 "$defs": {"node": {"type": "object", "properties": {"v": {"type": "integer"},
                   "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "required": ["v", "kids"],
                   "additionalProperties": false}}}""";
        accepts(s, "{\"root\": {\"v\": 1, \"kids\": [{\"v\": 2, \"kids\": []}, {\"v\": 3, \"kids\": [{\"v\": 4,"
                + " \"kids\": []}]}]}}");
        refuses(s, "{\"root\": {\"v\": 1, \"kids\": [{\"v\": 2}]}}");
        accepts("{\"type\": \"object\", \"properties\": {\"next\": {\"anyOf\": [{\"$ref\": \"#\"}, {\"type\":"
                + " \"null\"}]}}, \"required\": [\"next\"]}", "{\"next\": {\"next\": {\"next\": null}}}");
        accepts("{\"definitions\": {\"s\": {\"type\": \"string\"}}, \"$ref\": \"#/definitions/s\"}", "\"x\"");
    }

    @Test
    void whitespaceIsBoundedPerGapAndNeverTrails() throws Exception {
        JsonGrammar compact = JsonSchemaCompiler.compile(JSON.readTree("{\"type\": \"array\"}"), new JsonGrammar.Options(0));
        assertThat(compact.accepts("[1,2]")).isTrue();
        assertThat(compact.accepts("[1, 2]")).isFalse();
        JsonGrammar two = JsonSchemaCompiler.compile(JSON.readTree("{\"type\": \"array\"}"), new JsonGrammar.Options(2));
        assertThat(two.accepts("[1,  2]")).isTrue();
        assertThat(two.accepts("[1,   2]")).isFalse();
        assertThat(two.accepts("[1]\n")).isFalse();
    }

    @Test
    void jsonObjectModeTakesAnyObjectOnly() {
        JsonGrammar g = JsonGrammar.anyObject();
        assertThat(g.accepts("{}")).isTrue();
        assertThat(g.accepts("{\"a\": [1, {\"b\": null}], \"c\": \"\\u00e9\"}")).isTrue();
        assertThat(g.accepts("[]")).isFalse();
        assertThat(g.accepts("\"s\"")).isFalse();
        assertThat(g.accepts("{\"a\" 1}")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\": \"string\", \"pattern\": \"^a\"}|pattern|/pattern",
            "{\"type\": \"object\", \"properties\": {\"p\": {\"type\": \"string\", \"format\": \"email\"}}}|format|/properties/p/format",
            "{\"type\": \"object\", \"additionalProperties\": true}|additionalProperties|/additionalProperties",
            "{\"type\": \"array\", \"items\": {\"type\": \"integer\", \"minimum\": 0}}|minimum|/items/minimum",
            "{\"allOf\": [{\"type\": \"string\"}]}|allOf|/allOf",
            "{\"$defs\": {\"a/b\": {\"not\": {}}}, \"type\": \"null\"}|not|/$defs/a~1b/not",
            "{\"type\": \"object\", \"properties\": {\"a\": {}}, \"required\": [\"b\"]}|required|/required",
            "{\"$ref\": \"https://example.com/s.json\"}|$ref|/$ref",
            "{\"$ref\": \"#/$defs/missing\"}|$ref|/$defs/missing",
            "{\"type\": \"strin\"}|type|/type",
            "{\"type\": \"string\", \"items\": {}}|items|/items",
            "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"anyOf\": [{\"$ref\": \"#/$defs/a\"}, {\"type\": \"null\"}]}}, \"$ref\": \"#/$defs/a\"}|$ref|/$defs/"})
    void unsupportedOrBrokenSchemasAreRejectedNamingKeywordAndPointer(String schema, String keyword, String pointer) {
        assertThatThrownBy(() -> grammar(schema))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> {
                    assertThat(e.keyword()).isEqualTo(keyword);
                    assertThat(e.pointer()).startsWith(pointer);
                    assertThat(e.getMessage()).contains("#" + pointer);
                });
    }

    @Test
    void lenientReadingAcceptsValueBoundsWithoutEnforcingThemAndStillRefusesStructure() throws Exception {
        JsonNode schema = JSON.readTree("""
                {"type": "object", "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 9},
                 "s": {"type": "string", "pattern": "^a", "maxLength": 2}, "l": {"type": "array", "minItems": 1}},
                 "additionalProperties": {"type": "string"}}""");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile(schema)).isInstanceOf(UnsupportedSchemaException.class);
        JsonGrammar lenient = JsonSchemaCompiler.compile(schema, JsonGrammar.Options.LENIENT);
        assertThat(lenient.accepts("{\"n\": 100, \"s\": \"bcd\", \"l\": []}")).isTrue(); // bounds not enforced
        assertThat(lenient.accepts("{\"n\": 1.5}")).isFalse(); // types still are
        assertThat(lenient.accepts("{\"x\": \"extra\"}")).isFalse(); // no undeclared properties generated
        assertThatThrownBy(() -> JsonSchemaCompiler.compile(JSON.readTree("{\"oneOf\": [{}]}"), JsonGrammar.Options.LENIENT))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> assertThat(e.keyword()).isEqualTo("oneOf"));
    }

    @Test
    void responseFormatReadsOpenAisThreeShapes() throws Exception {
        assertThat(ResponseFormat.grammar(null)).isEmpty();
        assertThat(ResponseFormat.grammar(JSON.readTree("{\"type\": \"text\"}"))).isEmpty();
        assertThat(ResponseFormat.grammar(JSON.readTree("{\"type\": \"json_object\"}")).orElseThrow().accepts("{}")).isTrue();
        JsonNode format = JSON.readTree("""
                {"type": "json_schema", "json_schema": {"name": "person", "strict": true, "schema": {"type": "object",
                 "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": false}}}""");
        Optional<JsonGrammar> g = ResponseFormat.grammar(format);
        assertThat(g.orElseThrow().accepts("{\"name\": \"Ada\"}")).isTrue();
        assertThat(g.orElseThrow().accepts("{}")).isFalse();
        assertThatThrownBy(() -> ResponseFormat.grammar(JSON.readTree("{\"type\": \"yaml\"}")))
                .hasMessageContaining("response_format.type");
        assertThatThrownBy(() -> ResponseFormat.grammar(JSON.readTree("{\"type\": \"json_schema\"}")))
                .hasMessageContaining("response_format.json_schema");
        assertThatThrownBy(() -> ResponseFormat.grammar(JSON.readTree(
                "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"bad name!\", \"schema\": {}}}")))
                .hasMessageContaining("response_format.json_schema.name");
    }
}
