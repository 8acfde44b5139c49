package dev.forgeci.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TokensTest {

    private static final String REPO = "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5";
    private static final String OTHER = "rad:z4V1sjrXqjvFdnCUbxPFqd5p4DtH5";

    @Test
    void aPresentedTokenIsKnownByItsDigestAndCarriesItsNameScopesAndRepositories() {
        Tokens tokens = new Tokens(config(false, Map.of("ide", token("secret-ide", Set.of(Scope.RUN), Set.of(REPO)))));

        Caller ide = tokens.caller("secret-ide").orElseThrow();

        assertThat(ide.name()).isEqualTo("ide");
        assertThat(ide.may(Scope.READ, REPO)).isTrue();
        assertThat(ide.may(Scope.RUN, REPO)).isTrue();
        assertThat(ide.may(Scope.WRITE, REPO)).isFalse();
        assertThat(ide.may(Scope.READ, OTHER)).isFalse();
        assertThat(tokens.caller("secret-id")).isEmpty();
        assertThat(tokens.caller("secret-ide ")).isEmpty();
        assertThat(tokens.caller("")).isEmpty();
    }

    @Test
    void aWildcardTokenActsOnEveryRepositoryAndAdminIncludesEveryScope() {
        Tokens tokens = new Tokens(config(false, Map.of("ops", token("ops-token", Set.of(Scope.ADMIN), Set.of("*")))));

        Caller ops = tokens.caller("ops-token").orElseThrow();

        assertThat(ops.may(Scope.WRITE, OTHER)).isTrue();
        assertThat(ops.may(Scope.ADMIN, null)).isTrue();
        assertThat(Scope.roles(ops.scopes())).containsExactlyInAnyOrder("read", "run", "write", "admin");
        assertThat(Scope.roles(Set.of(Scope.RUN))).containsExactlyInAnyOrder("read", "run");
    }

    @Test
    void withoutATokenOnlyTheOperatorsAnonymousReaderExists() {
        assertThat(new Tokens(config(false, Map.of())).withoutToken()).isEmpty();

        Caller anonymous = new Tokens(config(true, Map.of())).withoutToken().orElseThrow();
        assertThat(anonymous.may(Scope.READ, OTHER)).isTrue();
        assertThat(anonymous.may(Scope.RUN, OTHER)).isFalse();
    }

    @Test
    void aMisconfiguredTokenStopsTheServiceNamingTheProperty() {
        assertThatThrownBy(() ->
                        new Tokens(config(false, Map.of("ide", new Token("abc", Set.of(Scope.READ), Set.of("*"))))))
                .hasMessage("forge.auth.tokens.ide.sha256 must be the token's SHA-256 as 64 hexadecimal digits");
        assertThatThrownBy(() -> new Tokens(config(
                        false, Map.of("ide", token("t", Set.of(Scope.READ), Set.of("github.com/x"))))))
                .hasMessage(
                        "forge.auth.tokens.ide.repositories: `github.com/x` is neither a repository id (rad:z…) nor *");
        assertThatThrownBy(() -> new Tokens(config(false, Map.of("ide", token("t", Set.of(), Set.of("*"))))))
                .hasMessageContaining("forge.auth.tokens.ide.scopes must name at least one");
        assertThatThrownBy(() -> new Tokens(config(false, Map.of("a b", token("t", Set.of(Scope.READ), Set.of("*"))))))
                .hasMessageContaining("forge.auth.tokens.a b: a token's name");
        assertThatThrownBy(() -> new Tokens(config(
                        false,
                        Map.of(
                                "ide",
                                new Token(digest("t"), Set.of(Scope.READ), Set.of("*"), Optional.of("cloudhead"))))))
                .hasMessage("forge.auth.tokens.ide.did must be a Radicle identity (did:key:z6Mk…)");
    }

    @Test
    void aTokenHeldByAKnownRadicleIdentityCarriesItsDid() {
        String did = "did:key:z6MksFqXN3Yhqk8pTJdUGLwATkRfQvwZXPqR2qMEhbS9wzpT";
        Tokens tokens = new Tokens(config(
                false,
                Map.of(
                        "cloudhead",
                        new Token(digest("t"), Set.of(Scope.WRITE), Set.of(REPO), Optional.of(did)),
                        "ci",
                        token("u", Set.of(Scope.WRITE), Set.of(REPO)))));

        assertThat(tokens.caller("t").orElseThrow().did()).contains(did);
        assertThat(tokens.caller("u").orElseThrow().did()).isEmpty();
    }

    @Test
    void aForbiddenCallerIsToldWhichTokenMayNotDoWhatWhere() {
        Caller reader = new Caller("dashboard", Set.of(Scope.READ), Set.of(REPO), Optional.empty());

        assertThatThrownBy(() -> reader.require(Scope.WRITE, REPO))
                .isInstanceOf(io.quarkus.security.ForbiddenException.class)
                .hasMessage("the token `dashboard` may not write in " + REPO);
        assertThatThrownBy(() -> reader.require(Scope.READ, OTHER))
                .hasMessage("the token `dashboard` may not read in " + OTHER);
    }

    private static Token token(String text, Set<Scope> scopes, Set<String> repositories) {
        return new Token(digest(text), scopes, repositories);
    }

    private static String digest(String text) {
        return HexFormat.of().formatHex(Tokens.sha256(text));
    }

    private static AccessConfig config(boolean anonymousRead, Map<String, AccessConfig.Token> tokens) {
        Map<String, AccessConfig.Token> ordered = new LinkedHashMap<>(tokens);
        return new AccessConfig() {
            @Override
            public boolean anonymousRead() {
                return anonymousRead;
            }

            @Override
            public Map<String, AccessConfig.Token> tokens() {
                return ordered;
            }
        };
    }

    private record Token(String sha256, Set<Scope> scopes, Set<String> repositories, Optional<String> did)
            implements AccessConfig.Token {
        Token(String sha256, Set<Scope> scopes, Set<String> repositories) {
            this(sha256, scopes, repositories, Optional.empty());
        }
    }
}
