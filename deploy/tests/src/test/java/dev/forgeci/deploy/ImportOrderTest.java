package dev.forgeci.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every Java file's imports in the order the sources follow: static imports, then {@code java.},
 * {@code javax.}, {@code jakarta.}, {@code org.}, {@code com.} and everything else, each group
 * sorted and one blank line between groups.
 */
class ImportOrderTest {

    private static final List<String> GROUPS = List.of("java.", "javax.", "jakarta.", "org.", "com.");

    @Test
    void everyJavaFileHasItsImportsInOrder() throws IOException {
        List<String> misordered = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Repository.root())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).filter(f -> !f.toString().contains("/target/"))
                    .filter(f -> !f.toString().contains("/node_modules/")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                if (!importBlock(lines).equals(ordered(lines))) {
                    misordered.add(Repository.root().relativize(file) + ": expected\n" + String.join("\n", ordered(lines)));
                }
            }
        }
        assertThat(misordered).as("files whose imports are out of order").isEmpty();
    }

    @Test
    void aMisorderedBlockIsToldApartFromAnOrderedOne() {
        List<String> misordered = List.of("package x;", "", "import io.quarkus.logging.Log;", "import java.util.List;",
                "import static org.assertj.core.api.Assertions.assertThat;", "", "class X {}");
        List<String> fine = List.of("package x;", "", "import static org.assertj.core.api.Assertions.assertThat;", "",
                "import java.util.List;", "", "import dev.forgeci.access.Problem;", "import io.quarkus.logging.Log;", "", "class X {}");

        assertThat(importBlock(misordered)).isNotEqualTo(ordered(misordered));
        assertThat(importBlock(fine)).isEqualTo(ordered(fine));
    }

    /** The lines from the first import to the last, blank lines included. */
    private static List<String> importBlock(List<String> lines) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("import ")) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        return first < 0 ? List.of() : lines.subList(first, last + 1);
    }

    /** The same imports as they should stand. */
    private static List<String> ordered(List<String> lines) {
        List<String> imports = importBlock(lines).stream().filter(line -> line.startsWith("import ")).distinct()
                .sorted(Comparator.comparingInt(ImportOrderTest::group).thenComparing(line -> line.replace(";", ""))).toList();
        List<String> block = new ArrayList<>();
        for (int i = 0; i < imports.size(); i++) {
            if (i > 0 && group(imports.get(i)) != group(imports.get(i - 1))) {
                block.add("");
            }
            block.add(imports.get(i));
        }
        return block;
    }

    private static int group(String line) {
        if (line.startsWith("import static ")) {
            return 0;
        }
        String name = line.substring("import ".length());
        for (int i = 0; i < GROUPS.size(); i++) {
            if (name.startsWith(GROUPS.get(i))) {
                return i + 1;
            }
        }
        return GROUPS.size() + 1;
    }
}
