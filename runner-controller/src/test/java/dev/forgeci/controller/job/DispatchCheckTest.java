package dev.forgeci.controller.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgeci.controller.events.JobDispatched;

class DispatchCheckTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private static JobDispatched.Step step(Integer index, String condition) {
        return new JobDispatched.Step(index, null, "s", "true", null, null, "bash", "", null, null, null, condition);
    }

    @Test
    void aWellFormedDispatchPasses() {
        assertThat(DispatchCheck.problems(Dispatches.bare(
                        "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5",
                        COMMIT,
                        "refs/heads/main",
                        "http://172.17.0.1:8090/z3gqcJUoA1n9HaHKufZs5FCSGazv5.git",
                        step(1, "success"),
                        step(2, "always"),
                        step(3, "success() && (matrix.os == 'linux')"))))
                .isEmpty();
    }

    @Test
    void identifiersThatCouldBecomeOptionsOrPathsAreRefused() {
        List<String> problems = DispatchCheck.problems(Dispatches.bare(
                "rad:../etc",
                "--upload-pack=touch",
                "refs/heads/a..b",
                "ext::sh -c touch",
                step(1, "success"),
                step(1, "maybe"),
                step(null, null)));

        assertThat(problems)
                .anyMatch(p -> p.contains("repository id"))
                .anyMatch(p -> p.contains("clone URL"))
                .anyMatch(p -> p.contains("commit"))
                .anyMatch(p -> p.contains("ref"))
                .anyMatch(p -> p.contains("repeated index"))
                .anyMatch(p -> p.contains("`if`"));
    }

    @Test
    void aDispatchWithoutAJobIsRefused() {
        JobDispatched dispatch =
                new JobDispatched("01RUN", "build", 1, null, null, null, null, null, true, "w", null, null);

        assertThat(DispatchCheck.problems(dispatch)).containsExactly("the dispatch carries no job");
    }
}
