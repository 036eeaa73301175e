package dev.lathe.cli.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.cli.recipe.RecipeRunner.Overrides;
import dev.lathe.models.load.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line flags replace the recipe's values, are checked like them, and leave the rest alone. */
class RecipeOverridesTest {
    static final Recipe RECIPE = RecipeParser.parse("r.yaml", RecipeParserTest.GOOD);

    @Test
    void flagsReplaceTheRecipesTrainingValues() {
        Recipe r = RecipeRunner.apply(RECIPE, new Overrides(7L, null, false, 0.5, null, 2, 99L));
        assertThat(r.training().maxSteps()).isEqualTo(7);
        assertThat(r.training().lr()).isEqualTo(0.5);
        assertThat(r.training().batchSize()).isEqualTo(2);
        assertThat(r.training().seed()).isEqualTo(99);
        assertThat(r.training().schedule()).as("untouched").isEqualTo("cosine");
        assertThat(r.training().evalSteps()).isEqualTo(5);
        assertThat(r.method()).isEqualTo(RECIPE.method());
    }

    @Test
    void noFlagsLeaveTheRecipeAsItIs() {
        assertThat(RecipeRunner.apply(RECIPE, Overrides.NONE)).isEqualTo(RECIPE);
    }

    @Test
    void epochsClearTheRecipesMaxStepsSoTheyCount() {
        Recipe r = RecipeRunner.apply(RECIPE, new Overrides(null, null, false, null, 3, null, null));
        assertThat(r.training().epochs()).isEqualTo(3);
        assertThat(r.training().maxSteps()).isZero();
        Recipe both = RecipeRunner.apply(RECIPE, new Overrides(4L, null, false, null, 3, null, null));
        assertThat(both.training().maxSteps()).as("--max-steps given too wins").isEqualTo(4);
    }

    @Test
    void aFlagOutOfRangeIsNamedAsTheFlag() {
        assertThatThrownBy(() -> RecipeRunner.apply(RECIPE, new Overrides(null, null, false, -1.0, null, null, null)))
                .hasMessage("--lr: must be in (0.0, 10.0], got -1.0");
    }

    @Test
    void relativeModelPathsResolveAgainstTheRecipesFolderAndHubReferencesStayAsTheyAre(@TempDir Path dir)
            throws Exception {
        Path models = Files.createDirectories(dir.resolve("models/m"));
        Files.writeString(models.resolve("config.json"), "{}");
        Path recipes = Files.createDirectories(dir.resolve("recipes"));
        assertThat(RecipeRunner.modelSpec(new Recipe.Model("../models/m", null), recipes, "r.yaml"))
                .isEqualTo(new ModelSpec.HfFolder(models));
        assertThat(RecipeRunner.modelSpec(new Recipe.Model("hf:Org/Name", null), recipes, "r.yaml"))
                .isInstanceOf(ModelSpec.Hub.class);
        assertThatThrownBy(() -> RecipeRunner.modelSpec(new Recipe.Model("../models/none", null), recipes, "r.yaml"))
                .hasMessageStartingWith("r.yaml: model: no such file or folder: " + dir.resolve("models/none"));
    }
}
