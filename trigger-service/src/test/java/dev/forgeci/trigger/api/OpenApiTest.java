package dev.forgeci.trigger.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgeci.trigger.TestEnvironment;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
class OpenApiTest {

    @Test
    void everyEndpointIsDocumentedWithItsProblems() {
        JsonPath api = given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        Map<String, List<String>> expected = Map.of(
                "paths.'/api/triggers'.post", List.of("202", "400", "401", "403", "404", "422", "500", "502", "503"),
                "paths.'/api/hooks/radicle'.post",
                        List.of("200", "202", "400", "401", "403", "404", "409", "413", "422", "500", "502", "503"),
                "paths.'/api/hooks/radicle-broker'.post",
                        List.of("200", "202", "400", "401", "403", "404", "422", "500", "502", "503"),
                "paths.'/api/hooks/radicle-broker/runs/{runId}'.get", List.of("200", "401", "403", "422", "500"));
        expected.forEach((operation, statuses) -> {
            Map<String, Map<String, Object>> responses = api.getMap(operation + ".responses");
            assertThat(responses).as(operation).containsOnlyKeys(statuses);
            responses.forEach((status, response) -> {
                assertThat((String) response.get("description"))
                        .as(operation + " " + status)
                        .isNotBlank();
                if (status.startsWith("4") || status.startsWith("5")) {
                    assertThat(api.getString(operation + ".responses.'" + status
                                    + "'.content.'application/problem+json'.schema.$ref"))
                            .isEqualTo("#/components/schemas/Problem");
                }
            });
        });
        assertThat(api.getMap("components.schemas.Problem.properties"))
                .containsKeys("type", "title", "status", "detail", "instance", "errors");
        for (String started : List.of(
                "paths.'/api/triggers'.post.responses.'202'",
                "paths.'/api/hooks/radicle'.post.responses.'202'",
                "paths.'/api/hooks/radicle'.post.responses.'200'",
                "paths.'/api/hooks/radicle-broker'.post.responses.'202'",
                "paths.'/api/hooks/radicle-broker'.post.responses.'200'")) {
            assertThat(api.getString(started + ".content.'application/json'.schema.$ref"))
                    .as(started)
                    .isEqualTo("#/components/schemas/TriggerResponse");
        }
        assertThat(api.getString("paths.'/api/triggers'.post.responses.'422'.description"))
                .contains("urn:forge-ci:problem:workflow-invalid")
                .contains("urn:forge-ci:problem:invalid-request");
    }
}
