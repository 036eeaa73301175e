package dev.lathe.models.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Parsing and validation of {@code hf:Org/Name@revision} references. */
class ModelRefTest {
    @Test
    void aReferenceWithoutRevisionMeansMain() {
        ModelRef ref = ModelRef.parse("hf:HuggingFaceTB/SmolLM2-135M-Instruct");
        assertThat(ref.org()).isEqualTo("HuggingFaceTB");
        assertThat(ref.name()).isEqualTo("SmolLM2-135M-Instruct");
        assertThat(ref.revision()).isEqualTo("main");
        assertThat(ref.repoId()).isEqualTo("HuggingFaceTB/SmolLM2-135M-Instruct");
        assertThat(ref.cacheFolderName()).isEqualTo("models--HuggingFaceTB--SmolLM2-135M-Instruct");
        assertThat(ref).hasToString("hf:HuggingFaceTB/SmolLM2-135M-Instruct@main");
        assertThat(ref.isCommit()).isFalse();
    }

    @Test
    void branchesTagsPullRequestsAndCommitsAreRevisions() {
        assertThat(ModelRef.parse("hf:Org/Name@v1.0").revision()).isEqualTo("v1.0");
        assertThat(ModelRef.parse("hf:Org/Name@refs/pr/12").revision()).isEqualTo("refs/pr/12");
        ModelRef pinned = ModelRef.parse("hf:Org/Name@0123456789abcdef0123456789abcdef01234567");
        assertThat(pinned.isCommit()).isTrue();
        assertThat(ModelRef.isHubReference("hf:a/b")).isTrue();
        assertThat(ModelRef.isHubReference("model.gguf")).isFalse();
    }

    @Test
    void malformedOrEscapingReferencesAreRejectedWithTheReferenceNamed() {
        for (String bad : new String[] {"Org/Name", "hf:Name", "hf:a/b/c", "hf:../b", "hf:a/..", "hf:Org/Na--me",
                "hf:Org/.hidden", "hf:Org/Name-", "hf:Org/Name@", "hf:Org/Name@../../etc", "hf:Org/Name@a//b",
                "hf:Org/Name@/abs", "hf:Org/Name@a/", "hf:Org/Name@x\\y", "hf:Org/Name@a b", "hf:Org/na me",
                "hf:Org/Name@a/./b", "hf:Org/Name@..", "hf:/Name", "hf:Org/"}) {
            assertThatThrownBy(() -> ModelRef.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
    }

    @Property(tries = 300)
    void anyAcceptedReferenceStaysInsideTheCache(
            @ForAll @StringLength(min = 1, max = 24) @CharRange(from = 'a', to = 'c') @Chars({'.', '/', '-', '@', '_'})
            String text) {
        Path cache = Path.of("/cache");
        ModelRef ref;
        try {
            ref = ModelRef.parse("hf:" + text);
        } catch (IllegalArgumentException e) {
            return;
        }
        Path repo = cache.resolve(ref.cacheFolderName()).normalize();
        assertThat(repo.getParent()).isEqualTo(cache);
        assertThat(repo.getFileName().toString()).doesNotContain("/").startsWith("models--");
        assertThat(repo.resolve("refs").resolve(ref.revision()).normalize()).startsWithRaw(repo.resolve("refs"));
    }
}
