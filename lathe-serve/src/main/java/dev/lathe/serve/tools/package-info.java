/**
 * OpenAI function calling over local chat models. {@link dev.lathe.serve.tools.ToolDefinition} and
 * {@link dev.lathe.serve.tools.ToolChoice} read the request's {@code tools} and {@code tool_choice};
 * {@link dev.lathe.serve.tools.ToolPrompt} hands them, and earlier calls and results, to the model's
 * own chat template; {@link dev.lathe.serve.tools.ToolCallFormat} reads the reply back into
 * {@link dev.lathe.serve.tools.ToolCall}s for the common formats (Hermes/Qwen2.5 {@code <tool_call>},
 * Llama 3 JSON, Mistral {@code [TOOL_CALLS]}); {@link dev.lathe.serve.tools.ForcedToolCall} makes
 * {@code required} and named choices always parse, by constrained decoding with
 * {@link dev.lathe.serve.structured}.
 */
package dev.lathe.serve.tools;
