/**
 * Fine-tuning recipes: a YAML file ({@link dev.lathe.cli.recipe.Recipe}) that names the data, its
 * cleaning and split, the model, the tokenization, the method and the training settings, parsed strictly
 * ({@link dev.lathe.cli.recipe.RecipeParser}: an unknown key or a bad value is an error naming the file,
 * the line and the key), and the runner that carries it out end to end
 * ({@link dev.lathe.cli.recipe.RecipeRunner}: prepare, tokenize, evaluate the base model, train, evaluate
 * again, write the adapter or weights, the metrics and a run summary). {@code lathe tune} and the
 * quickstart both run recipes through it.
 */
package dev.lathe.cli.recipe;
