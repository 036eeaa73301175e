/**
 * Decoder-only model families built from shared blocks: {@link dev.lathe.models.family.DecoderModel} (autograd
 * forward and KV-cache inference), the weights it computes with, and the registry
 * {@link dev.lathe.models.family.DecoderFamilies} from model family to builder.
 */
package dev.lathe.models.family;
