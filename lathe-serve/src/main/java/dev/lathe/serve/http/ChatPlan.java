package dev.lathe.serve.http;

import dev.lathe.models.chat.ChatTemplateException;
import dev.lathe.models.generate.FinishReason;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.TokenConstraint;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.openai.ChatCompletion;
import dev.lathe.serve.openai.ChatCompletionRequest;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.registry.ServedModel;
import dev.lathe.serve.structured.JsonGrammar;
import dev.lathe.serve.structured.ResponseFormat;
import dev.lathe.serve.structured.UnsupportedSchemaException;
import dev.lathe.serve.tools.AssistantReply;
import dev.lathe.serve.tools.ForcedToolCall;
import dev.lathe.serve.tools.ToolCall;
import dev.lathe.serve.tools.ToolCallFormat;
import dev.lathe.serve.tools.ToolChoice;
import dev.lathe.serve.tools.ToolDefinition;
import dev.lathe.serve.tools.ToolParameterException;
import dev.lathe.serve.tools.ToolPrompt;
import dev.lathe.models.chat.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one chat request is generated and read back: the prompt (the model's template, with the tools when
 * the model may call them), the grammar its reply must follow ({@code response_format}, or a forced tool
 * call), and how a finished reply becomes OpenAI's message (text, or {@code tool_calls} with finish_reason
 * {@code tool_calls}).
 */
final class ChatPlan {
    final int[] prompt;
    final String renderedPrompt;
    private final List<ToolDefinition> tools;
    private final Optional<ToolCallFormat> format;
    private final Optional<ForcedToolCall> forced;
    private final JsonGrammar grammar;
    private final ServedModel model;

    private ChatPlan(int[] prompt, String renderedPrompt, List<ToolDefinition> tools, Optional<ToolCallFormat> format,
            Optional<ForcedToolCall> forced, JsonGrammar grammar, ServedModel model) {
        this.prompt = prompt;
        this.renderedPrompt = renderedPrompt;
        this.tools = tools;
        this.format = format;
        this.forced = forced;
        this.grammar = grammar;
        this.model = model;
    }

    static ChatPlan of(ChatCompletionRequest req, ServedModel served) {
        LoadedModel model = served.model();
        try {
            List<ToolDefinition> tools = req.tools() == null ? List.of() : ToolDefinition.parseAll(req.tools());
            ToolChoice choice = ToolChoice.parse(req.toolChoice(), tools);
            boolean callable = !tools.isEmpty() && !(choice instanceof ToolChoice.None);
            Optional<ToolCallFormat> format = callable ? ToolCallFormat.detect(model.chatTemplate()) : Optional.empty();
            if (callable && !choice.forcesCall() && format.isEmpty()) {
                throw OpenAiException.unsupported(ToolDefinition.PARAM, "the chat template of '" + served.name()
                        + "' writes no tool-call format this server can read; use tool_choice 'required' or a named"
                        + " function (then the call is enforced by constrained decoding)");
            }
            Optional<ForcedToolCall> forced = ForcedToolCall.of(choice, tools);
            Optional<JsonGrammar> format2 = ResponseFormat.grammar(req.responseFormat());
            if (forced.isPresent() && format2.isPresent()) {
                throw OpenAiException.badParam(ResponseFormat.PARAM, "'response_format' cannot be combined with a"
                        + " forced tool call (tool_choice '" + ToolChoice.PARAM + "' required or named)");
            }
            JsonGrammar grammar = forced.map(ForcedToolCall::grammar).orElse(format2.orElse(null));
            List<Map<String, Object>> templateTools = callable ? ToolPrompt.templateTools(tools, choice) : null;
            List<ChatMessage> messages = forTemplate(req.messages(), ToolCallFormat.detect(model.chatTemplate()));
            String text;
            try {
                text = model.chatTemplate().render(messages, true, templateTools, Map.of());
            } catch (ChatTemplateException | IllegalArgumentException e) {
                throw OpenAiException.badParam("messages", "the model's chat template cannot render these messages: "
                        + e.getMessage());
            }
            return new ChatPlan(model.tokenizer().encode(text, false), text, tools, format, forced, grammar, served);
        } catch (ToolParameterException e) {
            throw OpenAiException.badParam(e.param(), e.getMessage());
        } catch (UnsupportedSchemaException e) {
            throw OpenAiException.badParam(ResponseFormat.PARAM, "this schema cannot be enforced: " + e.getMessage());
        } catch (OpenAiException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            throw OpenAiException.badParam(m.startsWith(ResponseFormat.PARAM) ? ResponseFormat.PARAM
                    : m.startsWith(ToolChoice.PARAM) ? ToolChoice.PARAM : ToolDefinition.PARAM, m);
        }
    }

    /**
     * Earlier tool calls and results as the template's format expects them (arguments as objects, Mistral's
     * call ids); unchanged for a template without a tool format.
     */
    private static List<ChatMessage> forTemplate(List<ChatMessage> messages, Optional<ToolCallFormat> format) {
        if (format.isEmpty()) return messages;
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String content = m.content() instanceof String s ? s : null;
            if ("assistant".equals(m.role()) && m.extra().get("tool_calls") instanceof List<?> calls) {
                List<ToolCall> parsed = new ArrayList<>();
                for (int j = 0; j < calls.size(); j++) parsed.add(toolCall(calls.get(j), "messages[" + i + "].tool_calls[" + j + "]"));
                out.add(ToolPrompt.assistantToolCalls(content, parsed, format.get()));
            } else if ("tool".equals(m.role())) {
                out.add(ToolPrompt.toolResult(String.valueOf(m.extra().get("tool_call_id")), content, format.get()));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    private static ToolCall toolCall(Object raw, String where) {
        if (raw instanceof Map<?, ?> call && call.get("function") instanceof Map<?, ?> f
                && f.get("name") instanceof String name && f.get("arguments") instanceof String arguments) {
            Object id = call.get("id");
            return new ToolCall(id instanceof String s ? s : ToolCall.newId(), name, arguments);
        }
        throw OpenAiException.badParam(where, "'" + where + "' must be {\"id\", \"type\": \"function\","
                + " \"function\": {\"name\", \"arguments\"}} with arguments a JSON string");
    }

    /** A fresh constraint for one choice (constraints hold the automaton's state), or null. */
    TokenConstraint constraint() {
        return grammar == null ? null : grammar.constraint(model.vocabulary());
    }

    /** Whether replies may hold tool calls, so streamed text is held back until the reply is whole. */
    boolean holdsBackText() {
        return forced.isPresent() || format.isPresent();
    }

    /** A finished generation as OpenAI's message and finish_reason. */
    Reply reply(Generation g) {
        String finish = g.finishReason() == FinishReason.LENGTH ? "length" : "stop";
        if (forced.isPresent()) {
            try {
                ToolCall call = forced.get().parse(g.text());
                return new Reply(null, List.of(object(call)), "tool_calls");
            } catch (IllegalArgumentException cutShort) {
                return new Reply(g.text(), List.of(), finish); // cut by max_tokens: the text as it is
            }
        }
        if (format.isPresent()) {
            AssistantReply r = format.get().parse(g.text(), tools);
            if (r.hasToolCalls()) {
                String content = r.content() == null || r.content().isBlank() ? null : r.content();
                return new Reply(content, r.toolCalls().stream().map(ChatPlan::object).toList(), "tool_calls");
            }
            return new Reply(r.content(), List.of(), finish);
        }
        return new Reply(g.text(), List.of(), finish);
    }

    private static ChatCompletion.ToolCallObject object(ToolCall c) {
        return ChatCompletion.ToolCallObject.of(c.id(), c.name(), c.arguments());
    }

    /** The assistant's answer: text (or null), tool calls, and finish_reason. */
    record Reply(String content, List<ChatCompletion.ToolCallObject> toolCalls, String finishReason) {
        ChatCompletion.Message message() {
            return new ChatCompletion.Message("assistant", content, null, toolCalls);
        }
    }
}
