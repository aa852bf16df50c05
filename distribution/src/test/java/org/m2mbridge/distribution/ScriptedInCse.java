package org.m2mbridge.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An IN-CSE over HTTP (TS-0009) scripted the way ACME answers an MN-CSE's registration (fixtures/peers/acme/
 * ws-client-mn-registration-transit-liveliness.txt): CSE-ID {@code /id-in}, CSEBase {@code cse-in}; DELETE of the MN's
 * {@code <remoteCSE>} is 4004 until it exists, its CREATE (ty=16) 2001 keeping the given {@code poa}, an announced
 * resource under it 2001, the CSEBase 2000. As the IN it also sends requests to the MN's point of access.
 */
final class ScriptedInCse implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One request the CSE received. */
    record Received(String method, String path, String originator, String rqi, String contentType, JsonNode body) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile JsonNode remoteCse;

    ScriptedInCse() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The {@code m2m:csr} as the MN created it through the bridge (its poa is the bridge's URL for the MN). */
    Optional<JsonNode> remoteCse() {
        return Optional.ofNullable(remoteCse);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        String contentType = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        JsonNode pc = body.length == 0 ? null : JSON.readTree(body);
        String rqi = ex.getRequestHeaders().getFirst("X-M2M-RI");
        received.add(new Received(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("X-M2M-Origin"), rqi,
                contentType, pc));
        String csr = "/~/id-in/cse-in/id-mn";
        switch (ex.getRequestMethod() + " " + path) {
            case "DELETE /~/id-in/cse-in/id-mn" -> {
                boolean existed = remoteCse != null;
                remoteCse = null;
                answer(ex, rqi, existed ? 200 : 404, existed ? 2002 : 4004, existed ? null
                        : JSON.createObjectNode().put("m2m:dbg", "No resource with this ID: /id-in/cse-in/id-mn"));
            }
            case "POST /~/id-in/cse-in" -> {
                if (!contentType.contains("ty=16") || pc == null || !pc.has("m2m:csr")) {
                    answer(ex, rqi, 400, 4000, JSON.createObjectNode().put("m2m:dbg", "scripted: only <remoteCSE>"));
                    return;
                }
                ObjectNode created = pc.get("m2m:csr").deepCopy();
                created.put("ri", "id-mn").put("pi", "id-in").put("ty", 16);
                remoteCse = created;
                answer(ex, rqi, 201, 2001, JSON.createObjectNode().set("m2m:csr", created));
            }
            case "GET /~/id-in/cse-in" -> answer(ex, rqi, 200, 2000, JSON.createObjectNode().set("m2m:cb",
                    JSON.createObjectNode().put("ri", "id-in").put("rn", "cse-in").put("csi", "/id-in")));
            default -> {
                if (path.equals(csr) && ex.getRequestMethod().equals("POST") && remoteCse != null) {
                    ObjectNode announced = pc == null ? JSON.createObjectNode() : pc.deepCopy();
                    answer(ex, rqi, 201, 2001, announced); // an announced resource under the MN's <remoteCSE>
                } else {
                    answer(ex, rqi, 404, 4004, JSON.createObjectNode().put("m2m:dbg", "scripted: not found " + path));
                }
            }
        }
    }

    private static void answer(HttpExchange ex, String rqi, int status, int rsc, JsonNode body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("X-M2M-RSC", String.valueOf(rsc));
        ex.getResponseHeaders().add("X-M2M-RI", String.valueOf(rqi));
        ex.getResponseHeaders().add("X-M2M-RVI", "4");
        if (bytes.length > 0) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    /** The IN's request to the MN: {@code method} on {@code <the MN's poa><rest>}, as ACME builds it (TS-0009). */
    HttpResponse<String> toMn(String method, String rest, String rqi, JsonNode body) throws Exception {
        String poa = remoteCse().orElseThrow().path("poa").path(0).asText();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(poa + rest)).timeout(Duration.ofSeconds(20))
                .header("X-M2M-Origin", "/id-in").header("X-M2M-RI", rqi).header("X-M2M-RVI", "4")
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
