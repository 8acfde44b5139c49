package dev.forgeci.trigger.api;

import static dev.forgeci.access.AccessProblem.FORBIDDEN;
import static dev.forgeci.access.AccessProblem.UNAUTHORIZED;
import static dev.forgeci.trigger.api.ProblemType.DELIVERY_IN_PROGRESS;
import static dev.forgeci.trigger.api.ProblemType.INTERNAL;
import static dev.forgeci.trigger.api.ProblemType.INVALID_REQUEST;
import static dev.forgeci.trigger.api.ProblemType.INVALID_SIGNATURE;
import static dev.forgeci.trigger.api.ProblemType.KAFKA_UNAVAILABLE;
import static dev.forgeci.trigger.api.ProblemType.MALFORMED_BODY;
import static dev.forgeci.trigger.api.ProblemType.NOT_FOUND;
import static dev.forgeci.trigger.api.ProblemType.NO_WORKFLOWS;
import static dev.forgeci.trigger.api.ProblemType.PAYLOAD_TOO_LARGE;
import static dev.forgeci.trigger.api.ProblemType.SEED_NOT_ALLOWED;
import static dev.forgeci.trigger.api.ProblemType.SEED_UNREACHABLE;
import static dev.forgeci.trigger.api.ProblemType.SOURCE_TOO_LARGE;
import static dev.forgeci.trigger.api.ProblemType.STORE_UNAVAILABLE;
import static dev.forgeci.trigger.api.ProblemType.WORKFLOW_INVALID;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;

import dev.forgeci.access.Problem;
import dev.forgeci.access.ProblemKind;

/**
 * Documents, in /q/openapi, every problem each endpoint can answer with: one response per status,
 * listing the problem types behind it, all in the {@code Problem} schema.
 */
public class ProblemResponses implements OASFilter {

    private static final String SCHEMA = "#/components/schemas/Problem";

    /** What any request that reads workflows and starts runs can be answered with. */
    private static final List<ProblemKind> STARTING_RUNS =
            List.of(INVALID_REQUEST, WORKFLOW_INVALID, SOURCE_TOO_LARGE, SEED_UNREACHABLE, KAFKA_UNAVAILABLE, INTERNAL);

    private static final Map<String, List<ProblemKind>> ERRORS = Map.of(
            "startManualRun",
                    startingRuns(MALFORMED_BODY, UNAUTHORIZED, FORBIDDEN, SEED_NOT_ALLOWED, NOT_FOUND, NO_WORKFLOWS),
            "receiveRadicleWebhook",
                    startingRuns(
                            MALFORMED_BODY,
                            INVALID_SIGNATURE,
                            SEED_NOT_ALLOWED,
                            NOT_FOUND,
                            DELIVERY_IN_PROGRESS,
                            PAYLOAD_TOO_LARGE,
                            STORE_UNAVAILABLE),
            "startBrokerRun", startingRuns(MALFORMED_BODY, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, NO_WORKFLOWS),
            "awaitBrokerRun", List.of(UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST, INTERNAL));

    private static List<ProblemKind> startingRuns(ProblemKind... own) {
        return Stream.concat(Stream.of(own), STARTING_RUNS.stream()).toList();
    }

    @Override
    public Operation filterOperation(Operation operation) {
        List<ProblemKind> errors = ERRORS.get(operation.getOperationId());
        if (errors == null) {
            return operation;
        }
        Map<Integer, List<ProblemKind>> byStatus =
                errors.stream().collect(Collectors.groupingBy(ProblemKind::status, TreeMap::new, Collectors.toList()));
        byStatus.forEach((status, types) -> operation
                .getResponses()
                .addAPIResponse(
                        String.valueOf(status),
                        OASFactory.createAPIResponse()
                                .description(types.stream()
                                        .map(t -> t.title() + " (" + t.uri() + ")")
                                        .collect(Collectors.joining("; ")))
                                .content(OASFactory.createContent()
                                        .addMediaType(
                                                Problem.MEDIA_TYPE,
                                                OASFactory.createMediaType()
                                                        .schema(OASFactory.createSchema()
                                                                .ref(SCHEMA))))));
        return operation;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Schema text = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        openAPI.getComponents()
                .addSchema(
                        "Problem",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.OBJECT)
                                .description("RFC 9457 problem details (application/problem+json)")
                                .addProperty("type", text)
                                .addProperty("title", text)
                                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                                .addProperty("detail", text)
                                .addProperty("instance", text)
                                .addProperty(
                                        "errors",
                                        OASFactory.createSchema()
                                                .addType(Schema.SchemaType.ARRAY)
                                                .description(
                                                        "workflow errors {file, line, column, message} or invalid fields {field, message}")
                                                .items(OASFactory.createSchema().addType(Schema.SchemaType.OBJECT))));
    }
}
