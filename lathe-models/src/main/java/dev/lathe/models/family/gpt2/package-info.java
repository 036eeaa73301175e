/** GPT-2 (GPT2LMHeadModel) weight mapping onto the shared decoder. */
package dev.lathe.models.family.gpt2;
