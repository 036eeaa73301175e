/**
 * Chat templates: {@link dev.lathe.models.chat.ChatTemplate} renders a conversation of
 * {@link dev.lathe.models.chat.ChatMessage}s into the prompt a chat model was trained on, from the
 * model's Jinja {@code chat_template} (Jinjava, made to read templates as Python's Jinja2 does) or
 * the ChatML default.
 */
package dev.lathe.models.chat;
