/**
 * SQuAD exact match and token F1 as the official evaluation scripts compute them: v1.1 by default
 * ({@link dev.lathe.eval.metrics.squad.Squad}), and v2.0 with unanswerable questions, a no-answer
 * probability threshold and the best-threshold search ({@link dev.lathe.eval.metrics.squad.SquadV2}).
 */
package dev.lathe.eval.metrics.squad;
