package dev.lathe.serve.structured;

import java.util.List;

/**
 * A compiled JSON Schema, as the shapes of JSON text it allows: the tree {@link JsonSchemaCompiler}
 * builds and the automaton ({@link JsonAutomaton}) walks. Nodes compare by identity, so a recursive
 * schema ({@code $ref} back to an ancestor) is a graph with a cycle through a {@link Ref}, never an
 * infinite tree. Immutable once the compiler has resolved every {@link Ref}.
 */
abstract sealed class SchemaNode {
    private SchemaNode() {}

    /** Any JSON value (the empty schema, {@code json_object}'s property values, an array's missing items). */
    static final class AnyValue extends SchemaNode {
        static final AnyValue INSTANCE = new AnyValue();
    }

    /** Any JSON object: {@code response_format: {type: json_object}}. */
    static final class AnyObject extends SchemaNode {
        static final AnyObject INSTANCE = new AnyObject();
    }

    static final class StringValue extends SchemaNode {
        static final StringValue INSTANCE = new StringValue();
    }

    static final class NumberValue extends SchemaNode {
        static final NumberValue NUMBER = new NumberValue(false);
        static final NumberValue INTEGER = new NumberValue(true);
        final boolean integer;

        private NumberValue(boolean integer) {
            this.integer = integer;
        }
    }

    static final class BooleanValue extends SchemaNode {
        static final BooleanValue INSTANCE = new BooleanValue();
    }

    static final class NullValue extends SchemaNode {
        static final NullValue INSTANCE = new NullValue();
    }

    /** {@code enum}/{@code const}: exactly one of these texts (each value in compact JSON, UTF-8). */
    static final class Literals extends SchemaNode {
        final List<byte[]> texts;

        Literals(List<byte[]> texts) {
            this.texts = List.copyOf(texts);
        }
    }

    /** An array whose every element matches {@code items}. */
    static final class ArrayOf extends SchemaNode {
        final SchemaNode items;

        ArrayOf(SchemaNode items) {
            this.items = items;
        }
    }

    /**
     * An object with only the declared properties, written in declaration order (as OpenAI's structured
     * outputs do): each optional one may be left out, each required one must appear.
     */
    static final class ObjectOf extends SchemaNode {
        /** One property: its name, its key as JSON text with the quotes, and its value's schema. */
        record Property(String name, byte[] key, SchemaNode value, boolean required) {}

        final List<Property> properties;
        private final int[] nextRequired; // (n + 1): index of the first required property after position i - 1

        ObjectOf(List<Property> properties) {
            this.properties = List.copyOf(properties);
            int n = this.properties.size();
            nextRequired = new int[n + 1];
            int next = n;
            for (int i = n - 1; i >= -1; i--) {
                nextRequired[i + 1] = next;
                if (i >= 0 && this.properties.get(i).required()) {
                    next = i;
                }
            }
        }

        /** The first required property after index {@code after} (-1: before any), or n when none is left. */
        int nextRequired(int after) {
            return nextRequired[after + 1];
        }

        /** Whether the object may close after property {@code after} (-1: nothing written yet). */
        boolean canClose(int after) {
            return nextRequired(after) == properties.size();
        }

        /** The last property index that may come next after {@code after}: up to and including the next required one. */
        int lastCandidate(int after) {
            return Math.min(nextRequired(after), properties.size() - 1);
        }
    }

    /** {@code anyOf} (and {@code type} arrays): any one of the alternatives. */
    static final class Union extends SchemaNode {
        final List<SchemaNode> alternatives;

        Union(List<SchemaNode> alternatives) {
            this.alternatives = List.copyOf(alternatives);
        }
    }

    /** {@code $ref}: the node at {@code pointer}, resolved once the whole document is compiled. */
    static final class Ref extends SchemaNode {
        final String pointer;
        private SchemaNode target;

        Ref(String pointer) {
            this.pointer = pointer;
        }

        void resolve(SchemaNode node) {
            if (target != null) {
                throw new IllegalStateException("$ref " + pointer + " resolved twice");
            }
            target = node;
        }

        SchemaNode target() {
            return target;
        }
    }
}
