package dev.lathe.serve.structured;

import java.util.ArrayList;
import java.util.List;

/**
 * The pushdown automaton behind a {@link JsonGrammar}, over UTF-8 bytes. A configuration is a
 * persistent stack of {@link Goal}s (what must come next, innermost first), shared between successor
 * configurations so a step allocates a frame or two and nothing else; alternatives ({@code anyOf},
 * optional object keys, a number that may end or go on) are kept side by side as a small list of
 * stacks, and a byte advances each. The empty stack is a finished value.
 *
 * <p>Bytes rather than characters: tokens of byte-level BPE and SentencePiece byte fallback may end
 * inside a UTF-8 character, and inside strings the automaton checks UTF-8 itself (no overlongs, no
 * surrogates, nothing above U+10FFFF), so whatever the tokens split, the text decodes cleanly.
 * Whitespace between tokens is bounded per gap ({@link JsonGrammar.Options#maxWhitespace()}), and no
 * whitespace may follow the finished value, so a model cannot loop on blanks.
 */
final class JsonAutomaton {
    private JsonAutomaton() {}

    /** An immutable stack frame: the goal on top and the rest (null at the bottom). */
    static final class Stack {
        final Goal top;
        final Stack rest;
        private final int hash;

        Stack(Goal top, Stack rest) {
            this.top = top;
            this.rest = rest;
            this.hash = top.hashCode() * 31 + (rest == null ? 0 : rest.hash);
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Stack s) || s.hash != hash) {
                return false;
            }
            Stack a = this;
            Stack b = s;
            while (a != null && b != null) {
                if (a == b) {
                    return true;
                }
                if (!a.top.equals(b.top)) {
                    return false;
                }
                a = a.rest;
                b = b.rest;
            }
            return a == b;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Collects successor stacks, without duplicates. */
    static final class Out {
        final List<Stack> stacks = new ArrayList<>(2);
        boolean finished; // the empty stack was reached

        void add(Stack s) {
            if (s == null) {
                finished = true;
                return;
            }
            for (Stack t : stacks) {
                if (t.equals(s)) {
                    return;
                }
            }
            stacks.add(s);
        }

        boolean isEmpty() {
            return stacks.isEmpty() && !finished;
        }
    }

    /** What must come next. Goals compare by value (their nodes by identity), so equal configurations merge. */
    sealed interface Goal {
        /** Consumes byte {@code b} (0..255) with {@code rest} below, adding each successor stack to {@code out}. */
        void consume(int b, Stack self, int maxWs, Out out);

        /** True when this goal may also end here without consuming anything (a number that is complete). */
        default boolean mayEnd() {
            return false;
        }
    }

    static boolean isWhitespace(int b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    /** Advances {@code stack} over byte {@code b}. */
    static void step(Stack stack, int b, int maxWs, Out out) {
        if (stack == null) {
            return; // a finished value takes nothing more
        }
        stack.top.consume(b, stack, maxWs, out);
        if (stack.top.mayEnd()) {
            step(stack.rest, b, maxWs, out);
        }
    }

    /** True when the stack may stop here: empty, or only goals that may end. */
    static boolean complete(Stack stack) {
        for (Stack s = stack; s != null; s = s.rest) {
            if (!s.top.mayEnd()) {
                return false;
            }
        }
        return true;
    }

    private static Stack replace(Stack self, Goal top) {
        return self.top.equals(top) ? self : new Stack(top, self.rest);
    }

    /** Starts a value of {@code node} with its first byte {@code b}; what follows it is {@code rest}. */
    static void start(SchemaNode node, int b, Stack rest, Out out) {
        switch (node) {
            case SchemaNode.AnyValue any -> {
                start(SchemaNode.AnyObject.INSTANCE, b, rest, out);
                if (b == '[') {
                    out.add(new Stack(new ArrayOpen(SchemaNode.AnyValue.INSTANCE, 0), rest));
                } else {
                    start(SchemaNode.StringValue.INSTANCE, b, rest, out);
                    start(SchemaNode.NumberValue.NUMBER, b, rest, out);
                    start(SchemaNode.BooleanValue.INSTANCE, b, rest, out);
                    start(SchemaNode.NullValue.INSTANCE, b, rest, out);
                }
            }
            case SchemaNode.AnyObject o -> {
                if (b == '{') {
                    out.add(new Stack(new ObjectKey(null, -1, true, 0), rest));
                }
            }
            case SchemaNode.ObjectOf o -> {
                if (b == '{') {
                    out.add(new Stack(new ObjectKey(o, -1, true, 0), rest));
                }
            }
            case SchemaNode.ArrayOf a -> {
                if (b == '[') {
                    out.add(new Stack(new ArrayOpen(a.items, 0), rest));
                }
            }
            case SchemaNode.StringValue s -> {
                if (b == '"') {
                    out.add(new Stack(StringBody.NORMAL, rest));
                }
            }
            case SchemaNode.NumberValue n -> {
                int state = b == '-' ? Number.MINUS : b == '0' ? Number.ZERO : b >= '1' && b <= '9' ? Number.INT : -1;
                if (state >= 0) {
                    out.add(new Stack(new Number(state, n.integer), rest));
                }
            }
            case SchemaNode.BooleanValue v -> {
                if (b == 't') {
                    out.add(new Stack(new Literal(Literal.TRUE, 1), rest));
                } else if (b == 'f') {
                    out.add(new Stack(new Literal(Literal.FALSE, 1), rest));
                }
            }
            case SchemaNode.NullValue v -> {
                if (b == 'n') {
                    out.add(new Stack(new Literal(Literal.NULL, 1), rest));
                }
            }
            case SchemaNode.Literals l -> {
                for (byte[] text : l.texts) {
                    if ((text[0] & 0xFF) == b) {
                        out.add(text.length == 1 ? rest : new Stack(new Literal(text, 1), rest));
                    }
                }
            }
            case SchemaNode.Union u -> {
                for (SchemaNode alt : u.alternatives) {
                    start(alt, b, rest, out);
                }
            }
            case SchemaNode.Ref r -> start(r.target(), b, rest, out);
        }
    }

    /** A value of {@code node}, after up to {@code ws} blanks already seen. */
    record Value(SchemaNode node, int ws) implements Goal {
        @Override
        public void consume(int b, Stack self, int maxWs, Out out) {
            if (isWhitespace(b)) {
                if (ws < maxWs) {
                    out.add(replace(self, new Value(node, ws + 1)));
                }
                return;
            }
            start(node, b, self.rest, out);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && v.node == node && v.ws == ws;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(node) * 31 + ws;
        }
    }

    /** The rest of a fixed text (a keyword, an enum value, an object key with its quotes). */
    record Literal(byte[] text, int position) implements Goal {
        static final byte[] TRUE = {'t', 'r', 'u', 'e'};
        static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
        static final byte[] NULL = {'n', 'u', 'l', 'l'};

        @Override
        public void consume(int b, Stack self, int maxWs, Out out) {
            if ((text[position] & 0xFF) == b) {
                out.add(position + 1 == text.length ? self.rest : new Stack(new Literal(text, position + 1), self.rest));
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Literal l && l.text == text && l.position == position;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(text) * 31 + position;
        }
    }

    /**
     * Inside a string, after the opening quote: plain bytes, escapes, and UTF-8 sequences checked
     * byte by byte ({@code remaining} continuation bytes, the next in [{@code lo}, {@code hi}]).
     */
    record StringBody(int mode, int remaining, int lo, int hi) implements Goal {
        static final int PLAIN = 0;
        static final int ESCAPE = 1;
        static final int HEX = 2;
        static final int UTF8 = 3;
        static final StringBody NORMAL = new StringBody(PLAIN, 0, 0, 0);
        static final StringBody AFTER_BACKSLASH = new StringBody(ESCAPE, 0, 0, 0);

        @Override
        public void consume(int b, Stack self, int maxWs, Out out) {
            switch (mode) {
                case PLAIN -> {
                    if (b == '"') {
                        out.add(self.rest);
                    } else if (b == '\\') {
                        out.add(replace(self, AFTER_BACKSLASH));
                    } else if (b >= 0x20 && b < 0x80) {
                        out.add(self);
                    } else if (b >= 0xC2 && b <= 0xDF) {
                        out.add(replace(self, new StringBody(UTF8, 1, 0x80, 0xBF)));
                    } else if (b == 0xE0) {
                        out.add(replace(self, new StringBody(UTF8, 2, 0xA0, 0xBF)));
                    } else if (b == 0xED) {
                        out.add(replace(self, new StringBody(UTF8, 2, 0x80, 0x9F)));
                    } else if (b >= 0xE1 && b <= 0xEF) {
                        out.add(replace(self, new StringBody(UTF8, 2, 0x80, 0xBF)));
                    } else if (b == 0xF0) {
                        out.add(replace(self, new StringBody(UTF8, 3, 0x90, 0xBF)));
                    } else if (b >= 0xF1 && b <= 0xF3) {
                        out.add(replace(self, new StringBody(UTF8, 3, 0x80, 0xBF)));
                    } else if (b == 0xF4) {
                        out.add(replace(self, new StringBody(UTF8, 3, 0x80, 0x8F)));
                    }
                }
                case ESCAPE -> {
                    if (b == 'u') {
                        out.add(replace(self, new StringBody(HEX, 4, 0, 0)));
                    } else if ("\"\\/bfnrt".indexOf(b) >= 0) {
                        out.add(replace(self, NORMAL));
                    }
                }
                case HEX -> {
                    if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F')) {
                        out.add(replace(self, remaining == 1 ? NORMAL : new StringBody(HEX, remaining - 1, 0, 0)));
                    }
                }
                default -> {
                    if (b >= lo && b <= hi) {
                        out.add(replace(self, remaining == 1 ? NORMAL : new StringBody(UTF8, remaining - 1, 0x80, 0xBF)));
                    }
                }
            }
        }
    }

    /** A JSON number (RFC 8259 grammar), or an integer: no fraction, no exponent. */
    record Number(int state, boolean integer) implements Goal {
        static final int MINUS = 0; // "-": a digit must follow
        static final int ZERO = 1; // "0" or "-0": no more integer digits
        static final int INT = 2; // integer digits
        static final int DOT = 3; // ".": a digit must follow
        static final int FRACTION = 4;
        static final int EXP = 5; // "e": sign or digit
        static final int EXP_SIGN = 6; // "e+": digit
        static final int EXP_DIGITS = 7;

        @Override
        public void consume(int b, Stack self, int maxWs, Out out) {
            boolean digit = b >= '0' && b <= '9';
            int next = switch (state) {
                case MINUS -> b == '0' ? ZERO : digit ? INT : -1;
                case ZERO -> fractionOrExponent(b);
                case INT -> digit ? INT : fractionOrExponent(b);
                case DOT -> digit ? FRACTION : -1;
                case FRACTION -> digit ? FRACTION : b == 'e' || b == 'E' ? EXP : -1;
                case EXP -> b == '+' || b == '-' ? EXP_SIGN : digit ? EXP_DIGITS : -1;
                case EXP_SIGN, EXP_DIGITS -> digit ? EXP_DIGITS : -1;
                default -> -1;
            };
            if (next >= 0) {
                out.add(replace(self, new Number(next, integer)));
            }
        }

        private int fractionOrExponent(int b) {
            if (integer) {
                return -1;
            }
            return b == '.' ? DOT : b == 'e' || b == 'E' ? EXP : -1;
        }

        @Override
        public boolean mayEnd() {
            return state == ZERO || state == INT || state == FRACTION || state == EXP_DIGITS;
        }
    }

    /** Between a key and its value. */
    record Colon(int ws) implements Goal {
        @Override
        public void consume(int b, Stack self, int maxWs, Out out) {
            if (isWhitespace(b)) {
                if (ws < maxWs) {
                    out.add(replace(self, new Colon(ws + 1)));
                }
            } else if (b == ':') {
                out.add(self.rest);
            }
        }
    }

    /**
     * A key of {@code object} (null: any key, the json_object mode) after property index {@code after};
     * {@code first} right after the brace, where the object may still close empty.
     */
    record ObjectKey(SchemaNode.ObjectOf object, int after, boolean first, int ws) implements Goal {
        @Override
        public void consume(int b, Stack self, int maxWs, Out out) {
            if (isWhitespace(b)) {
                if (ws < maxWs) {
                    out.add(replace(self, new ObjectKey(object, after, first, ws + 1)));
                }
            } else if (b == '}') {
                if (first && (object == null || object.canClose(after))) {
                    out.add(self.rest);
                }
            } else if (b == '"') {
                if (object == null) {
                    Stack tail = new Stack(new ObjectNext(null, -1, 0), self.rest);
                    tail = new Stack(new Value(SchemaNode.AnyValue.INSTANCE, 0), tail);
                    out.add(new Stack(StringBody.NORMAL, new Stack(new Colon(0), tail)));
                    return;
                }
                for (int j = after + 1; j <= object.lastCandidate(after); j++) {
                    SchemaNode.ObjectOf.Property p = object.properties.get(j);
                    Stack tail = new Stack(new ObjectNext(object, j, 0), self.rest);
                    tail = new Stack(new Value(p.value(), 0), tail);
                    out.add(new Stack(new Literal(p.key(), 1), new Stack(new Colon(0), tail)));
                }
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ObjectKey k && k.object == object && k.after == after && k.first == first && k.ws == ws;
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(object) * 31 + after) * 31 + ws * 2 + (first ? 1 : 0);
        }
    }

    /** After the value of property {@code after}: a comma and another key, or the closing brace. */
    record ObjectNext(SchemaNode.ObjectOf object, int after, int ws) implements Goal {
        @Override
        public void consume(int b, Stack self, int maxWs, Out out) {
            if (isWhitespace(b)) {
                if (ws < maxWs) {
                    out.add(replace(self, new ObjectNext(object, after, ws + 1)));
                }
            } else if (b == ',') {
                if (object == null || after + 1 < object.properties.size()) {
                    out.add(new Stack(new ObjectKey(object, after, false, 0), self.rest));
                }
            } else if (b == '}') {
                if (object == null || object.canClose(after)) {
                    out.add(self.rest);
                }
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ObjectNext n && n.object == object && n.after == after && n.ws == ws;
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(object) * 31 + after) * 31 + ws;
        }
    }

    /** Right after '[': the first element or ']'. */
    record ArrayOpen(SchemaNode items, int ws) implements Goal {
        @Override
        public void consume(int b, Stack self, int maxWs, Out out) {
            if (isWhitespace(b)) {
                if (ws < maxWs) {
                    out.add(replace(self, new ArrayOpen(items, ws + 1)));
                }
            } else if (b == ']') {
                out.add(self.rest);
            } else {
                start(items, b, new Stack(new ArrayNext(items, 0), self.rest), out);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArrayOpen a && a.items == items && a.ws == ws;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(items) * 31 + ws;
        }
    }

    /** After an element: ',' and another, or ']'. */
    record ArrayNext(SchemaNode items, int ws) implements Goal {
        @Override
        public void consume(int b, Stack self, int maxWs, Out out) {
            if (isWhitespace(b)) {
                if (ws < maxWs) {
                    out.add(replace(self, new ArrayNext(items, ws + 1)));
                }
            } else if (b == ',') {
                out.add(new Stack(new Value(items, 0), new Stack(new ArrayNext(items, 0), self.rest)));
            } else if (b == ']') {
                out.add(self.rest);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArrayNext a && a.items == items && a.ws == ws;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(items) * 31 + ws;
        }
    }
}
