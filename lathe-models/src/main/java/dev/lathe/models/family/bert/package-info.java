/**
 * The BERT encoder family (Hugging Face {@code BertModel}) and sentence embeddings
 * (all-MiniLM-L6-v2: mean pooling + L2 normalisation), built from engine ops so it can be fine-tuned.
 */
package dev.lathe.models.family.bert;
