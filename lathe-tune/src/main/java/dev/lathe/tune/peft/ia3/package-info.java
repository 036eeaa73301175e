/**
 * (IA)³, Infused Adapter by Inhibiting and Amplifying Inner Activations (Liu et al. 2022,
 * https://arxiv.org/abs/2205.05638), as Hugging Face PEFT implements it: {@link dev.lathe.tune.peft.ia3.IA3Config}
 * (PEFT's fields and {@code adapter_config.json}), {@link dev.lathe.tune.peft.ia3.IA3Layer} (one module's learned
 * vector scaling its output, or for feedforward modules its input; merge and unmerge),
 * {@link dev.lathe.tune.peft.ia3.IA3Model} (the vectors on a decoder or BERT encoder through its
 * {@link dev.lathe.models.family.LinearHook}) and {@link dev.lathe.tune.peft.ia3.IA3Adapters} (PEFT's adapter
 * folder).
 */
package dev.lathe.tune.peft.ia3;
