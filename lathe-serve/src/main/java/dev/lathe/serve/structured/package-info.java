/**
 * Structured output: JSON that always parses and matches the caller's schema, by constrained
 * decoding. {@link dev.lathe.serve.structured.JsonSchemaCompiler} compiles the JSON Schema subset of
 * OpenAI's structured outputs into a {@link dev.lathe.serve.structured.JsonGrammar} (a pushdown
 * automaton over UTF-8 bytes); {@link dev.lathe.serve.structured.TokenVocabulary} holds the bytes of
 * each token of a tokenizer; {@link dev.lathe.serve.structured.JsonGrammar#constraint} joins the two
 * into a {@link dev.lathe.models.generate.TokenConstraint} that masks every token the automaton
 * would refuse before each draw, and {@link dev.lathe.serve.structured.ResponseFormat} reads
 * OpenAI's {@code response_format}.
 *
 * <p>The approach is the one of Outlines (Willard and Louf, "Efficient Guided Generation for Large
 * Language Models", arXiv:2307.09702) and llguidance: precompute per tokenizer, and walk the
 * vocabulary as a prefix trie so each step costs milliseconds on a 32k vocabulary.
 */
package dev.lathe.serve.structured;
