package dev.forgeci.trigger.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.access.Problem;
import dev.forgeci.access.ProblemException;
import dev.forgeci.trigger.config.ForgeConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

/**
 * Refuses a body over {@code forge.max-body-bytes} from its Content-Length, before it is read, with
 * a problem answer (the HTTP layer's own limit, for bodies sent without a length, answers bare).
 */
@ApplicationScoped
public class BodyLimit {

    private final ForgeConfig config;
    private final ObjectMapper json;

    public BodyLimit(ForgeConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    static ProblemException tooLarge(ForgeConfig config) {
        return new ProblemException(
                ProblemType.PAYLOAD_TOO_LARGE,
                "a request body may be at most " + config.maxBodyBytes().asLongValue() + " bytes");
    }

    void register(@Observes Filters filters) throws JsonProcessingException {
        byte[] answer = json.writeValueAsBytes(tooLarge(config).problem(null));
        filters.register(
                context -> {
                    String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    if (length != null && context.request().path().startsWith("/api/") && exceeds(length)) {
                        context.response()
                                .setStatusCode(ProblemType.PAYLOAD_TOO_LARGE.status())
                                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                                .putHeader(HttpHeaders.CONNECTION, "close")
                                .end(Buffer.buffer(answer));
                        return;
                    }
                    context.next();
                },
                100);
    }

    private boolean exceeds(String length) {
        try {
            return Long.parseLong(length.strip()) > config.maxBodyBytes().asLongValue();
        } catch (NumberFormatException notANumber) {
            return false; // the HTTP layer rejects it
        }
    }
}
