package dev.forgeci.trigger.radicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SeedsTest {

    @Test
    void byDefaultOnlyTheDefaultSeedIsAllowed() {
        Seeds seeds = new Seeds(TestConfig.of(Map.of("forge.seed.default-url", "https://seed.example.org/")));
        assertThat(seeds.defaultUrl()).isEqualTo("https://seed.example.org");
        assertThat(seeds.cloneUrl(seeds.defaultUrl(), "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5"))
                .isEqualTo("https://seed.example.org/z3gqcJUoA1n9HaHKufZs5FCSGazv5.git");
        assertThat(seeds.refusal("https://seed.example.org/z3gqcJUoA1n9HaHKufZs5FCSGazv5.git"))
                .isEmpty();
        assertThat(seeds.refusal("https://SEED.example.org:443/api/commit-status"))
                .isEmpty();
        assertThat(seeds.refusal("http://seed.example.org/x"))
                .contains("http://seed.example.org:80 is not one of the seeds this server may contact");
        assertThat(seeds.refusal("https://seed.example.org.evil.net/x")).isPresent();
        assertThat(seeds.refusal("https://user@seed.example.org/x"))
                .contains("`https://user@seed.example.org/x` is not a plain http(s) URL");
        assertThat(seeds.refusal("ext::sh -c touch% /tmp/pwned")).isPresent();
        assertThat(seeds.refusal("file:///etc/passwd")).isPresent();
    }

    @Test
    void theOperatorMayAllowMoreSeeds() {
        Seeds seeds = new Seeds(TestConfig.of(Map.of(
                "forge.seed.default-url",
                "https://seed.example.org",
                "forge.seed.allowed",
                "https://seed.example.org,http://10.0.0.5:8090")));
        assertThat(seeds.refusal("http://10.0.0.5:8090/z3gq.git")).isEmpty();
        assertThat(seeds.refusal("http://10.0.0.5:8091/z3gq.git")).isPresent();
    }
}
