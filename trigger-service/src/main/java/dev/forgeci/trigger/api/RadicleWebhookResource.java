package dev.forgeci.trigger.api;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.access.Problem;
import dev.forgeci.access.ProblemException;
import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.infra.WebhookDeliveries;
import dev.forgeci.trigger.infra.WebhookDeliveries.Answer;
import dev.forgeci.trigger.radicle.Admission;
import dev.forgeci.trigger.radicle.Payloads;
import dev.forgeci.trigger.radicle.RadicleTriggers;
import dev.forgeci.trigger.radicle.WebhookSecrets;
import dev.forgeci.trigger.run.RunStarter;
import dev.forgeci.trigger.run.TriggerRejected;
import io.quarkus.logging.Log;

/**
 * Radicle webhooks (push, patch). The HMAC signature is checked first, over the exact bytes received,
 * and nothing is recorded for a bad one. Deliveries are de-duplicated on {@code X-Request-UUID}: the
 * first answer is stored and replayed to redeliveries. A repository without workflows, or an event no
 * workflow's {@code on} matches, is acknowledged (200) with the reason.
 */
@Path("/api/hooks/radicle")
@Tag(name = "webhooks")
public class RadicleWebhookResource {

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9-]{1,100}");

    private final WebhookSecrets secrets;
    private final WebhookDeliveries deliveries;
    private final RadicleTriggers triggers;
    private final RunStarter starter;
    private final Problems problems;
    private final ObjectMapper json;
    private final ForgeConfig config;

    public RadicleWebhookResource(
            WebhookSecrets secrets,
            WebhookDeliveries deliveries,
            RadicleTriggers triggers,
            RunStarter starter,
            Problems problems,
            ObjectMapper json,
            ForgeConfig config) {
        this.secrets = secrets;
        this.deliveries = deliveries;
        this.triggers = triggers;
        this.starter = starter;
        this.problems = problems;
        this.json = json;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "receiveRadicleWebhook",
            summary = "Receive a Radicle webhook (push or patch)",
            description =
                    "Signed with HMAC-SHA256 of the raw body (X-Hub-Signature-256 or x-radicle-signature: sha256=<hex>), "
                            + "with the repository's secret or the global one; X-Request-UUID is required. A redelivery (the same signed body, "
                            + "whatever its X-Request-UUID) gets the first answer again.")
    @APIResponseSchema(value = TriggerResponse.class, responseCode = "202", responseDescription = "runs started")
    @APIResponse(
            responseCode = "200",
            description = "acknowledged; nothing to run (the reason is in `ignored`)",
            content = @Content(schema = @Schema(implementation = TriggerResponse.class)))
    public Response receive(
            byte[] body,
            @Parameter(description = "sha256=<hex HMAC of the body>") @HeaderParam("X-Hub-Signature-256")
                    String hubSignature,
            @Parameter(description = "the same signature, Radicle's name") @HeaderParam("x-radicle-signature")
                    String radicleSignature,
            @Parameter(description = "push or patch") @HeaderParam("x-radicle-event-type") String eventType,
            @Parameter(description = "delivery id; a redelivery carries the same") @HeaderParam("X-Request-UUID")
                    String requestId) {
        if (body.length > config.maxBodyBytes().asLongValue()) {
            throw BodyLimit.tooLarge(config);
        }
        Optional<Payloads.Webhook> hook = parse(body);
        String rid = hook.map(Payloads.Webhook::event)
                .map(Payloads.Event::repository)
                .map(Payloads.Repository::id)
                .orElse(null);
        if (!secrets.verify(hubSignature != null ? hubSignature : radicleSignature, body, rid)) {
            Log.warnf("webhook %s for %s refused: missing or wrong signature", requestId, rid);
            throw new ProblemException(
                    ProblemType.INVALID_SIGNATURE,
                    "the X-Hub-Signature-256 (or x-radicle-signature) header "
                            + "is missing or is not the HMAC-SHA256 of the body with this repository's webhook secret");
        }
        if (hook.isEmpty()) {
            throw new ProblemException(ProblemType.MALFORMED_BODY, "the body is not a Radicle webhook JSON object");
        }
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            throw new ProblemException(
                    ProblemType.MALFORMED_BODY,
                    "the X-Request-UUID header is missing or is not a delivery id "
                            + "(letters, digits and '-', at most 100): it is how a redelivery is told from a new event");
        }
        String deliveryId = requestId;
        // The delivery id is not signed, so a captured delivery resent under a new id is known by its signed body.
        String delivery = WebhookDeliveries.digest(eventType, body);
        Optional<Answer> replay = claim(delivery);
        if (replay.isPresent()) {
            Log.infof(
                    "webhook %s: this body was delivered before; replaying its first answer (%d)",
                    deliveryId, replay.get().status());
            return toResponse(replay.get());
        }
        Answer answer = handle(hook.get(), eventType, deliveryId);
        try {
            if (answer.status() >= 500) {
                deliveries.forget(delivery); // transient: a redelivery should try again
            } else {
                deliveries.remember(delivery, answer);
            }
        } catch (RuntimeException e) {
            Log.warnf("webhook %s: could not store its answer for redeliveries: %s", deliveryId, e.getMessage());
        }
        return toResponse(answer);
    }

    private Answer handle(Payloads.Webhook hook, String eventType, String deliveryId) {
        try {
            Admission admission = triggers.fromWebhook(hook, eventType, deliveryId);
            if (admission instanceof Admission.Ignore ignore) {
                Log.infof("webhook %s ignored: %s", deliveryId, ignore.reason());
                return answer(Response.Status.OK.getStatusCode(), TriggerResponse.ignored(ignore.reason()));
            }
            TriggerResponse response = TriggerResponse.of(starter.start(((Admission.Admit) admission).request()));
            return answer(
                    response.ignored() == null
                            ? Response.Status.ACCEPTED.getStatusCode()
                            : Response.Status.OK.getStatusCode(),
                    response);
        } catch (TriggerRejected rejected) {
            if (rejected.reason() == TriggerRejected.Reason.NO_WORKFLOWS) {
                return answer(Response.Status.OK.getStatusCode(), TriggerResponse.ignored(rejected.getMessage()));
            }
            return problem(rejected);
        } catch (RuntimeException failure) {
            return problem(failure);
        }
    }

    private Optional<Answer> claim(String deliveryId) {
        try {
            return deliveries.claim(deliveryId);
        } catch (WebhookDeliveries.InProgress inProgress) {
            throw inProgress;
        } catch (RuntimeException e) {
            Log.warnf("webhook %s: de-duplication store unavailable: %s", deliveryId, e.getMessage());
            throw problems.retryLater(
                    ProblemType.STORE_UNAVAILABLE,
                    "redeliveries cannot be recognised right now, so nothing was started; try again later");
        }
    }

    private Answer problem(RuntimeException failure) {
        ProblemException problem = problems.of(failure);
        try {
            return new Answer(
                    problem.kind().status(),
                    Problem.MEDIA_TYPE,
                    json.writeValueAsString(problem.problem("/api/hooks/radicle")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Answer answer(int status, TriggerResponse response) {
        try {
            return new Answer(status, MediaType.APPLICATION_JSON, json.writeValueAsString(response));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Response toResponse(Answer answer) {
        Response.ResponseBuilder response =
                Response.status(answer.status()).type(answer.contentType()).entity(answer.body());
        if (answer.status() == 503) {
            response.header("Retry-After", String.valueOf(config.publish().retryAfterSeconds()));
        }
        return response.build();
    }

    private Optional<Payloads.Webhook> parse(byte[] body) {
        try {
            Payloads.Webhook hook = json.readValue(body, Payloads.Webhook.class);
            return Optional.ofNullable(hook);
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }
}
