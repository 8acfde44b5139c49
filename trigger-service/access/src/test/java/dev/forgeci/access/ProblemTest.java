package dev.forgeci.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

class ProblemTest {

    @Test
    void aProblemExceptionAnswersWithItsKindsStatusTypeTitleAndHeaders() {
        Response response = new ProblemException(
                        AccessProblem.UNAUTHORIZED,
                        "Bring a token.",
                        List.of(Map.of("field", "x")),
                        Map.of("WWW-Authenticate", Refusal.CHALLENGE))
                .response("/api/runs");

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat(response.getHeaderString("WWW-Authenticate")).isEqualTo(Refusal.CHALLENGE);
        assertThat(response.getEntity())
                .isEqualTo(new Problem(
                        "urn:forge-ci:problem:unauthorized",
                        "Authentication required",
                        401,
                        "Bring a token.",
                        "/api/runs",
                        List.of(Map.of("field", "x"))));
    }

    @Test
    void aStatusHttpNamesTakesItsReasonPhraseAsTitleAndSlug() {
        assertThat(Problem.ofStatus(405, "No.", "/api/x"))
                .isEqualTo(new Problem(
                        "urn:forge-ci:problem:method-not-allowed", "Method Not Allowed", 405, "No.", "/api/x", null));
        assertThat(Problem.ofStatus(499, "?", null).type()).isEqualTo("urn:forge-ci:problem:client-error");
    }
}
