package dev.forgeci.trigger.radicle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void repositoryAndCommitIdsHaveOneShape() {
        assertThat(Identifiers.isRepositoryId("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5"))
                .isTrue();
        assertThat(Identifiers.isRepositoryId("rad:zwTxygwuz5LDGBq255RA2CbNGrz8"))
                .isTrue();
        for (String bad : new String[] {
            null,
            "",
            "z3gqcJUoA1n9HaHKufZs5FCSGazv5",
            "rad:z3gq",
            "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5/..",
            "rad:z3gqcJUoA1n9HaHKufZs5FCSGa v5",
            "rad:x3gqcJUoA1n9HaHKufZs5FCSGazv5",
            "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv0",
            "rad:zOgqcJUoA1n9HaHKufZs5FCSGazv5",
            "rad:z3gqcJUoA1n9HaHKufZs5FCSGlzv5"
        }) {
            assertThat(Identifiers.isRepositoryId(bad)).as(bad).isFalse();
        }
        assertThat(Identifiers.isCommit("765823c686caa89db0b76c19595189ac1fde4e8e"))
                .isTrue();
        assertThat(Identifiers.isCommit("765823C686CAA89DB0B76C19595189AC1FDE4E8E"))
                .isFalse();
        assertThat(Identifiers.isCommit("765823c")).isFalse();
        assertThat(Identifiers.isZero("0000000000000000000000000000000000000000"))
                .isTrue();
        assertThat(Identifiers.nodeId("did:key:z6MkltRpzcq2ybm13yQpyre58JUeMvZY6toxoZVpLZ8YabRa"))
                .contains("z6MkltRpzcq2ybm13yQpyre58JUeMvZY6toxoZVpLZ8YabRa");
        assertThat(Identifiers.nodeId("did:key:z6Mk/../../x")).isEmpty();
    }

    @Test
    void branchAndRefNamesFollowGitsRulesAndNeverLookLikeOptions() {
        assertThat(Identifiers.branchProblem("main")).isEmpty();
        assertThat(Identifiers.branchProblem("release/1.2")).isEmpty();
        assertThat(Identifiers.branchProblem("feature/a+b_c-d")).isEmpty();
        assertThat(Identifiers.branchProblem("main; rm -rf /")).contains("it contains a space");
        assertThat(Identifiers.branchProblem("$(reboot)")).isEmpty(); // legal in git, and never given to a shell
        assertThat(Identifiers.branchProblem("-x")).contains("a path component starts with `-`");
        assertThat(Identifiers.branchProblem("a..b")).contains("it contains `..`");
        assertThat(Identifiers.branchProblem("a~1")).contains("it contains `~`, which git does not allow in ref names");
        assertThat(Identifiers.branchProblem("a\nb")).contains("it contains a control character");
        assertThat(Identifiers.branchProblem("x.lock")).contains("a path component ends with `.lock`");
        assertThat(Identifiers.branchProblem("a//b")).contains("it has an empty path component");
        assertThat(Identifiers.branchProblem("a@{1}")).contains("it contains `@{`");
        assertThat(Identifiers.branchProblem(".hidden")).contains("a path component starts with `.`");
        assertThat(Identifiers.branchProblem("refs/heads/main")).contains("give the branch name without refs/heads/");
        assertThat(Identifiers.branchProblem("")).contains("a branch name is required");
        assertThat(Identifiers.refProblem("heads/main"))
                .contains("a full ref starts with refs/ (for example refs/heads/main)");
        assertThat(Identifiers.refProblem("refs/namespaces/z6Mk/refs/heads/patches/731309bf"))
                .isEmpty();
    }
}
