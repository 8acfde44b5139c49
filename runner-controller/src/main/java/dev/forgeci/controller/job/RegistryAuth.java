package dev.forgeci.controller.job;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.controller.runner.RunnerSpec;

/**
 * The operator's registry credentials, a Docker {@code config.json}: where the runner's docker CLI
 * reads them, and the values in them a step could print, which the log masks like any secret
 * (each {@code auths.*.auth}, and the password and token inside it).
 */
final class RegistryAuth {

    static final String RUNNER_PATH = "root/.docker/config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryAuth() {}

    static List<String> secrets(Map<String, RunnerSpec.RunnerFile> files) {
        RunnerSpec.RunnerFile file = files.get(RUNNER_PATH);
        List<String> secrets = new ArrayList<>();
        if (file == null) {
            return secrets;
        }
        try {
            for (JsonNode entry : JSON.readTree(file.content()).path("auths")) {
                String auth = entry.path("auth").asText("");
                if (!auth.isEmpty()) {
                    secrets.add(auth);
                    String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    if (colon >= 0 && colon < decoded.length() - 1) {
                        secrets.add(decoded.substring(colon + 1));
                    }
                }
                for (String field : List.of("password", "identitytoken", "registrytoken")) {
                    if (!entry.path(field).asText("").isEmpty()) {
                        secrets.add(entry.path(field).asText());
                    }
                }
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            // not JSON, or auth not base64: the whole file is the one value worth hiding
            secrets.add(new String(file.content(), StandardCharsets.UTF_8).strip());
        }
        return secrets;
    }
}
