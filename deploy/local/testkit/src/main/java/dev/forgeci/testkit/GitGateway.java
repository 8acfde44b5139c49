package dev.forgeci.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Radicle-style HTTP gateway: read-only smart-HTTP git serving {@code /<rid without "rad:">.git}
 * from a folder of bare repositories, through {@code git http-backend}. Tests and the launcher's
 * demo use it where a Radicle node would serve the code.
 *
 * <p>Standalone: {@code java -cp <testkit classes> dev.forgeci.testkit.GitGateway ROOT BIND_ADDRESS PORT}
 */
public final class GitGateway implements AutoCloseable {

    /** Only the read side of the smart-HTTP protocol is served. */
    /** A seed's {@code /<rid>.git/…}, or a forge's {@code /<owner>/<repo>/…} as github.com serves actions; no segment starts with a dot. */
    private static final Pattern READ_PATH = Pattern.compile(
            "^(/[A-Za-z0-9]+\\.git|/[A-Za-z0-9_-][A-Za-z0-9._-]*/[A-Za-z0-9_-][A-Za-z0-9._-]*)/(info/refs|git-upload-pack|HEAD)$");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path root;

    private GitGateway(HttpServer server, ExecutorService executor, Path root) {
        this.server = server;
        this.executor = executor;
        this.root = root;
    }

    public static GitGateway start(Path root, String bindAddress, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(16);
        GitGateway gateway = new GitGateway(server, executor, root.toAbsolutePath());
        server.createContext("/", gateway::handle);
        server.setExecutor(executor);
        server.start();
        return gateway;
    }

    /** Base URL as a seed would publish it, e.g. {@code http://127.0.0.1:39811}. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!READ_PATH.matcher(path).matches()) {
                byte[] body = "not a readable repository path\n".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(path.endsWith("git-receive-pack") ? 403 : 404, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
            Map<String, String> env = builder.environment();
            env.put("GIT_PROJECT_ROOT", root.toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("PATH_INFO", path);
            env.put(
                    "QUERY_STRING",
                    exchange.getRequestURI().getRawQuery() == null
                            ? ""
                            : exchange.getRequestURI().getRawQuery());
            env.put("REQUEST_METHOD", exchange.getRequestMethod());
            env.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
            putHeader(exchange, env, "Content-Type", "CONTENT_TYPE");
            putHeader(exchange, env, "Content-Encoding", "HTTP_CONTENT_ENCODING");
            putHeader(exchange, env, "Git-Protocol", "GIT_PROTOCOL");
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process backend = builder.start();
            Thread feeder = new Thread(
                    () -> {
                        try (OutputStream stdin = backend.getOutputStream();
                                InputStream body = exchange.getRequestBody()) {
                            body.transferTo(stdin);
                        } catch (IOException ignored) {
                            // the backend closed its input early; its answer says why
                        }
                    },
                    "git-gateway-feeder");
            feeder.setDaemon(true);
            feeder.start();
            try (InputStream stdout = backend.getInputStream()) {
                int status = readCgiHeaders(stdout, exchange);
                exchange.sendResponseHeaders(status, 0);
                stdout.transferTo(exchange.getResponseBody());
            } finally {
                backend.destroy();
                joinQuietly(feeder);
            }
        }
    }

    private static void putHeader(HttpExchange exchange, Map<String, String> env, String header, String variable) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
            env.put(variable, value);
        }
    }

    /** Copies the CGI response headers and returns the HTTP status they ask for. */
    private static int readCgiHeaders(InputStream in, HttpExchange exchange) throws IOException {
        int status = 200;
        while (true) {
            String line = readLine(in);
            if (line == null || line.isEmpty()) {
                return status;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: GitGateway ROOT BIND_ADDRESS PORT");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        Files.createDirectories(root);
        GitGateway gateway = start(root, args[1], Integer.parseInt(args[2]));
        System.out.println("serving " + root + " at " + gateway.url());
        Thread.currentThread().join();
    }
}
