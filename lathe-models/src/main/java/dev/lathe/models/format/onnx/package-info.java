/**
 * ONNX import: a small hand-written protobuf reader for ONNX model files and an importer that turns
 * PyTorch-exported BERT sentence-embedding models into Hugging Face folders (safetensors + config).
 */
package dev.lathe.models.format.onnx;
