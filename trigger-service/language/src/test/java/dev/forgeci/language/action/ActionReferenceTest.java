package dev.forgeci.language.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.forgeci.language.action.ActionReference.InvalidReferenceException;

class ActionReferenceTest {

    @Test
    void theFormsGitHubDocumentsAreRead() {
        assertThat(ActionReference.parse("actions/checkout@v4")).isEqualTo(new ActionReference.Checkout("v4"));
        assertThat(ActionReference.parse("actions/setup-node@v4.1.0"))
                .isEqualTo(new ActionReference.Remote("actions", "setup-node", "", "v4.1.0"));
        assertThat(ActionReference.parse("github/codeql-action/init@v3"))
                .isEqualTo(new ActionReference.Remote("github", "codeql-action", "init", "v3"));
        assertThat(ActionReference.parse("./.github/actions/build/"))
                .isEqualTo(new ActionReference.Local(".github/actions/build"));
        assertThat(ActionReference.parse("./")).isEqualTo(new ActionReference.Local(""));
        assertThat(ActionReference.parse("docker://alpine:3.20"))
                .isEqualTo(new ActionReference.DockerImage("alpine:3.20"));
        ActionReference.Remote pinned =
                (ActionReference.Remote) ActionReference.parse("o/r@0123456789abcdef0123456789abcdef01234567");
        assertThat(pinned.pinned()).isTrue();
        assertThat(pinned.repository()).isEqualTo("o/r");
        assertThat(pinned.display()).isEqualTo("o/r@0123456789abcdef0123456789abcdef01234567");
    }

    @Test
    void anUpstreamIsAForgeLikeGitHubOrATemplateSuchAsARadicleSeeds() {
        ActionReference.Remote action =
                (ActionReference.Remote) ActionReference.parse("rad/z3gqcJUoA1n9HaHKufZs5FCSGazv5/setup@v1");
        assertThat(action.at("https://github.com/")).isEqualTo("https://github.com/rad/z3gqcJUoA1n9HaHKufZs5FCSGazv5");
        assertThat(action.at("https://seed.example.org/{repo}.git"))
                .isEqualTo("https://seed.example.org/z3gqcJUoA1n9HaHKufZs5FCSGazv5.git");
        assertThat(action.at("https://git.example.org/{owner}-mirrors/{repo}"))
                .isEqualTo("https://git.example.org/rad-mirrors/z3gqcJUoA1n9HaHKufZs5FCSGazv5");
    }

    @Test
    void refsAndPathsThatCouldReachAShellGitsOptionsOrAnotherDirectoryAreRefused() {
        assertThatThrownBy(() -> ActionReference.parse("o/r@v1;rm -rf /"))
                .isInstanceOf(InvalidReferenceException.class)
                .hasMessageContaining("is not a ref");
        assertThatThrownBy(() -> ActionReference.parse("o/r@--upload-pack=evil"))
                .hasMessageContaining("is not a ref");
        assertThatThrownBy(() -> ActionReference.parse("o/r@$(id)")).hasMessageContaining("is not a ref");
        assertThatThrownBy(() -> ActionReference.parse("o/r@a..b")).hasMessageContaining("is not a ref");
        assertThatThrownBy(() -> ActionReference.parse("o/r/../../etc@v1"))
                .hasMessageContaining("must stay inside its directory");
        assertThatThrownBy(() -> ActionReference.parse("./../outside"))
                .hasMessageContaining("must stay inside its directory");
        assertThatThrownBy(() -> ActionReference.parse("o w/r@v1")).hasMessageContaining("is not a repository name");
        assertThatThrownBy(() -> ActionReference.parse("../r@v1")).hasMessageContaining("is not a repository name");
        assertThatThrownBy(() -> ActionReference.parse("checkout"))
                .hasMessageContaining("is not an action: use owner/repo@ref");
        assertThatThrownBy(() -> ActionReference.parse("docker://$(id)"))
                .hasMessageContaining("does not name a Docker image");
    }
}
