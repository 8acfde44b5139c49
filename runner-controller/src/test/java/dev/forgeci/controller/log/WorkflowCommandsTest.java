package dev.forgeci.controller.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WorkflowCommandsTest {

    private final List<String> masked = new ArrayList<>();
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final Map<String, String> state = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final WorkflowCommands.Effects effects = new WorkflowCommands.Effects() {
        @Override
        public void mask(String value) {
            masked.add(value);
        }

        @Override
        public void output(String name, String value) {
            outputs.put(name, value);
        }

        @Override
        public void state(String name, String value) {
            state.put(name, value);
        }

        @Override
        public void fail(String message) {
            failures.add(message);
        }
    };

    @Test
    void commandsAreParsedAsGitHubsRunnerParsesThemWithTheirEscapes() {
        WorkflowCommands.Command command =
                WorkflowCommands.parse("::error file=a%3Ab.c,line=3,title=x%2Cy::50%25 done%0Anext");
        assertThat(command.name()).isEqualTo("error");
        assertThat(command.properties())
                .containsExactly(Map.entry("file", "a:b.c"), Map.entry("line", "3"), Map.entry("title", "x,y"));
        assertThat(command.data()).isEqualTo("50% done\nnext");
        assertThat(WorkflowCommands.parse("::unknown::x")).isNull();
        assertThat(WorkflowCommands.parse(":: error::x")).isNull();
        assertThat(WorkflowCommands.parse("::error")).isNull();
    }

    @Test
    void eachCommandHasItsEffectAndNoneIsShownRaw() {
        WorkflowCommands commands = new WorkflowCommands(false);
        assertThat(commands.handle("  ::add-mask::s3cret", effects)).isEmpty();
        assertThat(commands.handle("::set-output name=answer::42", effects))
                .singleElement()
                .asString()
                .contains("deprecated");
        assertThat(commands.handle("::save-state name=pid::7", effects)).isEmpty();
        assertThat(commands.handle("::debug::hidden", effects)).isEmpty();
        assertThat(commands.handle("::warning title=Careful::two%0Alines", effects))
                .containsExactly("\u001b[33mWarning:\u001b[0m Careful: two", "lines");
        assertThat(commands.handle("::notice::fyi", effects)).containsExactly("\u001b[36mNotice:\u001b[0m fyi");
        assertThat(commands.handle("::endgroup::", effects)).isEmpty();
        assertThat(commands.handle("::add-path::/evil", effects)).hasSize(2);
        assertThat(masked).containsExactly("s3cret");
        assertThat(outputs).containsExactly(Map.entry("answer", "42"));
        assertThat(state).containsExactly(Map.entry("pid", "7"));
        assertThat(failures).singleElement().asString().contains("The `add-path` command is disabled");
        assertThat(new WorkflowCommands(true).handle("::debug::shown", effects))
                .containsExactly("\u001b[35mDebug:\u001b[0m shown");
    }

    @Test
    void stopCommandsMakesPrintedCommandsInertUntilItsToken() {
        WorkflowCommands commands = new WorkflowCommands(false);
        assertThat(commands.handle("::stop-commands::tok3n", effects)).isEmpty();
        assertThat(commands.handle("::add-mask::nothing", effects)).containsExactly("::add-mask::nothing");
        assertThat(commands.handle("::set-env name=X::y", effects)).containsExactly("::set-env name=X::y");
        assertThat(commands.handle("::tok3n::", effects)).isEmpty();
        assertThat(commands.handle("::add-mask::now", effects)).isEmpty();
        assertThat(masked).containsExactly("now");
        assertThat(failures).isEmpty();
    }

    @Test
    void echoShowsTheCommandLinesThemselves() {
        WorkflowCommands commands = new WorkflowCommands(false);
        commands.handle("::echo::on", effects);
        assertThat(commands.handle("::save-state name=a::b", effects)).containsExactly("::save-state name=a::b");
        commands.handle("::echo::off", effects);
        assertThat(commands.handle("::save-state name=a::b", effects)).isEmpty();
    }
}
