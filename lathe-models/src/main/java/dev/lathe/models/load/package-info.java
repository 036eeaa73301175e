/**
 * From what a user names to a model that generates: {@link dev.lathe.models.load.ModelSpec} (a Hugging
 * Face folder, {@code hf:Org/Name[@rev]}, a GGUF file, a llama2.c checkpoint), {@link
 * dev.lathe.models.load.ModelLoader} (download or convert into a Hugging Face folder, then load config,
 * decoder, tokenizer, chat template, EOS ids and generation defaults into a {@link
 * dev.lathe.models.load.LoadedModel}), and Lathe's conversion cache ({@link dev.lathe.models.load.LatheCache}).
 */
package dev.lathe.models.load;
