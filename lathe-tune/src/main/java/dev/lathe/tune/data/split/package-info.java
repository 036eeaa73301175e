/** Seeded train/validation/test splits, stratified by label, with duplicate groups kept together. */
package dev.lathe.tune.data.split;
