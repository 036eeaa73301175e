/**
 * Fine-tuning: dataset preparation (readers, cleaning, splits, tokenization), trainers for full
 * fine-tuning and parameter-efficient methods, checkpoints that resume exactly, and adapters saved
 * and loaded exactly as Hugging Face PEFT does.
 */
package dev.lathe.tune;
