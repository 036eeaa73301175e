/**
 * Transfer learning for text classification: a pretrained encoder plus a new head, trained by
 * {@link dev.lathe.tune.train.Trainer} through {@link dev.lathe.tune.classify.ClassificationTask}.
 *
 * <p>Encoders: the BERT family pooled by the mean over non-padding tokens (as sentence-transformers'
 * all-MiniLM-L6-v2), and decoders pooled at the last non-padding token (as transformers'
 * {@code LlamaForSequenceClassification}). Heads are named as Hugging Face names them:
 * {@code classifier.weight}/{@code classifier.bias} for BERT, {@code score.weight} (no bias) for decoders,
 * with dropout before the head. Training modes ({@link dev.lathe.tune.classify.TrainingMode}): a frozen
 * encoder (head only; the pooled features are then computed once and cached), full fine-tuning, freezing by
 * parameter-name pattern, BitFit (biases and head; Ben Zaken et al. 2022, https://arxiv.org/abs/2106.10199),
 * and a LoRA adapter on either encoder family, saved as PEFT saves a SEQ_CLS adapter.
 * Labels come from the data and are saved as {@code id2label}/{@code label2id} in {@code config.json}.
 */
package dev.lathe.tune.classify;
