/**
 * Decoder-only model families built from shared blocks: {@link dev.lathe.models.family.DecoderModel} (autograd
 * forward and KV-cache inference), the weights it computes with, and the registry
 * {@link dev.lathe.models.family.DecoderFamilies} from model family to builder. The autograd forwards (here
 * and in {@link dev.lathe.models.family.bert.BertModel}) take a {@link dev.lathe.models.family.LinearHook}
 * through which adapters wrap projections (LoRA, IA3); a hook that is also
 * {@link dev.lathe.models.family.VirtualTokens} or {@link dev.lathe.models.family.KeyValuePrefix} adds virtual
 * tokens (prompt tuning) or per-layer key/value prefixes (prefix tuning).
 */
package dev.lathe.models.family;
