import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher's client (`forge up` demo, `forge run`): triggers a run of a repository's commit
 * through trigger-service and streams each run's log to the terminal through log-gateway's raw
 * WebSocket, the same text the IDE's xterm.js shows. Run as a single-file program:
 *
 * <pre>java ForgeRun.java RID COMMIT [WORKFLOW_FILE]</pre>
 *
 * with FORGE_TRIGGER_URL, FORGE_LOGS_URL and FORGE_TOKEN set (`forge env`). Exits 0 when every run
 * succeeded, 1 when one did not, 2 when the trigger was refused or the log could not be followed.
 */
public final class ForgeRun {

    private static final Pattern RUN_ID = Pattern.compile("\"runId\"\\s*:\\s*\"([0-9A-Z]{26})\"");
    private static final Pattern RUN_END = Pattern.compile("==> run (\\w+)");
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*[A-Za-z]");
    // HTTP/1.1: the client's default h2c upgrade of a POST loses the body on the way to Vert.x
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: java ForgeRun.java RID COMMIT [WORKFLOW_FILE]");
            System.exit(2);
        }
        String triggerUrl = env("FORGE_TRIGGER_URL");
        String logsUrl = env("FORGE_LOGS_URL");
        String token = env("FORGE_TOKEN");

        StringBuilder body = new StringBuilder("{\"repository\":").append(quote(args[0]))
                .append(",\"commit\":").append(quote(args[1]));
        if (args.length == 3) {
            Path file = Path.of(args[2]);
            body.append(",\"workflow\":").append(quote(Files.readString(file)))
                    .append(",\"workflowFile\":").append(quote(file.getFileName().toString()));
        }
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(HttpRequest.newBuilder(URI.create(triggerUrl + "/api/triggers"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(body.append('}').toString())).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            System.err.println("cannot reach trigger-service at " + triggerUrl + ": " + e);
            System.exit(2);
            return;
        }
        if (answer.statusCode() != 202) {
            System.err.println("trigger refused (HTTP " + answer.statusCode() + "): " + answer.body());
            System.exit(2);
        }
        List<String> runs = new ArrayList<>();
        Matcher m = RUN_ID.matcher(answer.body());
        while (m.find()) {
            runs.add(m.group(1));
        }
        if (runs.isEmpty()) {
            System.err.println("no workflow runs on this commit: " + answer.body());
            System.exit(2);
        }

        int exit = 0;
        for (String runId : runs) {
            System.out.println("\u001b[1mrun " + runId + "\u001b[0m  (watch or replay: " + logsUrl + "/#/runs/" + runId + ")");
            String status = follow(logsUrl, token, runId);
            System.out.println();
            if (status == null) {
                System.err.println("the log stream of run " + runId + " ended before the run did; see " + logsUrl + "/#/runs/" + runId);
                exit = 2;
            } else if (!status.equals("success")) {
                exit = Math.max(exit, 1);
            }
        }
        System.exit(exit);
    }

    /** Writes the run's raw log to stdout until the socket closes; returns the run's final status, or null. */
    private static String follow(String logsUrl, String token, String runId) throws Exception {
        URI uri = URI.create(logsUrl.replaceFirst("^http", "ws") + "/ws/runs/" + runId + "?mode=raw&access_token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8));
        StringBuilder tail = new StringBuilder();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        PrintStream out = System.out;
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                out.print(data);
                out.flush();
                // the run's status is in the last header; keep only enough text to find it
                tail.append(data);
                if (tail.length() > 4096) {
                    tail.delete(0, tail.length() - 4096);
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                if (code != WebSocket.NORMAL_CLOSURE) {
                    System.err.println("log stream closed: " + code + " " + reason);
                }
                closed.complete(null);
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                System.err.println("log stream failed: " + error);
                closed.complete(null);
            }
        };
        try {
            HTTP.newWebSocketBuilder().buildAsync(uri, listener).get();
        } catch (ExecutionException e) {
            System.err.println("cannot follow the log at " + logsUrl + ": " + e.getCause());
            return null;
        }
        closed.get();
        Matcher end = RUN_END.matcher(ANSI.matcher(tail).replaceAll(""));
        String status = null;
        while (end.find()) {
            status = end.group(1);
        }
        return status;
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println(name + " is not set; run: eval \"$(deploy/local/forge env)\"");
            System.exit(2);
        }
        return value;
    }

    /** A JSON string literal. */
    private static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    private ForgeRun() {
    }
}
