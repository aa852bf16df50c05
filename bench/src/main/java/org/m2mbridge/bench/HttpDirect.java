package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * Benchmark (b): HttpClient 5 async straight to an upstream CSE over HTTP (TS-0009): the ceiling of the upstream
 * leg. It does what the load tool does through the bridge, so the two compare request for request: one AE per
 * connection registers (CREATE AE, then its container), then {@code window} requests per connection stay
 * outstanding with the same mix of CREATE contentInstance / RETRIEVE / discovery ({@code --mix}), and each AE is
 * deleted at the end. Against an upstream that closes every connection ({@code Connection: close}) it reconnects
 * for every request, as the bridge does. Takes the load tool's flags ({@code --url http://...}).
 */
public final class HttpDirect {
    private static final ContentType CIN_TYPE = ContentType.parse("application/json;ty=4");
    private static final String CIN = "{\"m2m:cin\":{\"cnf\":\"application/json:0\",\"con\":\"{\\\"temperature\\\":21.5,"
            + "\\\"humidity\\\":48.2,\\\"battery\\\":87,\\\"ts\\\":\\\"20261125T153000\\\",\\\"unit\\\":\\\"C\\\"}\"}}";

    private final CloseableHttpAsyncClient client;
    private final String base;
    private final LoadOptions o;
    private final Measurement m;
    private final LoadRun run;
    private final AtomicLong rqis = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();

    private HttpDirect(LoadOptions o, Measurement m, LoadRun run) {
        this.o = o;
        this.m = m;
        this.run = run;
        this.base = o.url().toString().replaceAll("/$", "") + "/" + o.cse();
        this.client = HttpAsyncClients.custom()
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).setTcpNoDelay(true).build())
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(o.connections()).setMaxConnPerRoute(o.connections()).build()).build();
    }

    /** One AE of the run: its originator and its resource paths under the CSEBase. */
    private record Ae(String originator, String path, String container) {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions o = LoadOptions.parse(args);
        Measurement m = new Measurement(ProcessCpu.of(o.pid()));
        HttpDirect direct = new HttpDirect(o, m, new LoadRun(o.count()));
        ObjectNode report;
        try {
            report = direct.run();
        } finally {
            direct.client.close(CloseMode.GRACEFUL);
        }
        System.out.println(LoadTool.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        if (o.out() != null) {
            Measurement.write(LoadTool.JSON, report, o.out());
        }
        System.exit(report.path("setupFailures").asInt() > 0 || report.path("messages").asLong() == 0 ? 1 : 0);
    }

    private ObjectNode run() throws Exception {
        client.start();
        String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        List<Ae> aes = new ArrayList<>();
        int setupFailures = 0;
        String firstFailure = null;
        for (int i = 0; i < o.connections(); i++) {
            String name = "direct" + runId + "x" + i;
            Ae ae = new Ae("C" + name, base + "/" + name, base + "/" + name + "/data");
            try {
                expect(2001, exchange(SimpleRequestBuilder.post(base).setBody("{\"m2m:ae\":{\"rn\":\"" + name
                        + "\",\"api\":\"Nm2m-load\",\"rr\":true,\"srv\":[\"3\"]}}", ContentType.parse(
                                "application/json;ty=2")), ae), "register");
                expect(2001, exchange(SimpleRequestBuilder.post(ae.path()).setBody(
                        "{\"m2m:cnt\":{\"rn\":\"data\",\"mni\":10}}", ContentType.parse("application/json;ty=3")), ae),
                        "create container");
                aes.add(ae);
            } catch (Exception e) {
                setupFailures++;
                firstFailure = firstFailure == null ? String.valueOf(e) : firstFailure;
            }
        }
        System.err.printf("ready: %d of %d AEs registered%s%n", aes.size(), o.connections(),
                firstFailure == null ? "" : " (first failure: " + firstFailure + ")");
        StableWarmUp.Outcome warmedUp = null;
        if (!aes.isEmpty()) {
            for (int i = 0; i < o.connections() * o.window(); i++) {
                next(aes.get(i % aes.size()));
            }
            long t0 = System.nanoTime();
            StableWarmUp warmUp = new StableWarmUp(o.warmup());
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            ticker.scheduleAtFixedRate(() -> {
                long answers = m.progress(System.err, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0),
                        inFlight.get(), 0);
                if (!m.measuring()) {
                    warmUp.window(answers);
                }
            }, 1, 1, TimeUnit.SECONDS);
            warmedUp = LoadTool.warmUp(o, warmUp, System.err);
            m.startMeasuring();
            run.startMeasuring();
            TimeUnit.MILLISECONDS.sleep(o.duration().toMillis());
            m.stopMeasuring();
            run.stopIssuing();
            ticker.shutdownNow();
            long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        List<CompletableFuture<SimpleHttpResponse>> gone = aes.stream()
                .map(ae -> send(SimpleRequestBuilder.delete(ae.path()), ae)).toList();
        try {
            CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("deregistration incomplete: " + e);
        }
        ObjectNode settings = LoadTool.JSON.createObjectNode().put("label", o.label()).put("url", base)
                .put("connections", o.connections()).put("window", o.window()).put("format", "json (HTTP)")
                .put("mix", o.createPct() + "," + o.retrievePct() + "," + o.discoveryPct())
                .put("warmupSeconds", o.warmup().toMillis() / 1000.0);
        ObjectNode report = m.report(LoadTool.JSON, settings);
        LoadTool.warmUpReport(report, warmedUp);
        report.put("setupFailures", setupFailures);
        if (firstFailure != null) {
            report.put("firstSetupFailure", firstFailure);
        }
        report.put("unanswered", inFlight.get());
        return report;
    }

    /** The next request of {@code ae}'s share of the window, drawn from the mix; the answer sends the one after. */
    private void next(Ae ae) {
        LoadRun.Issue issue = run.issue();
        if (issue == LoadRun.Issue.NONE) {
            return;
        }
        int draw = ThreadLocalRandom.current().nextInt(100);
        SimpleRequestBuilder b = draw < o.createPct() ? SimpleRequestBuilder.post(ae.container()).setBody(CIN, CIN_TYPE)
                : draw < o.createPct() + o.retrievePct() ? SimpleRequestBuilder.get(ae.container())
                : SimpleRequestBuilder.get(ae.path() + "?fu=1&ty=4&lim=10");
        long sent = System.nanoTime();
        inFlight.incrementAndGet();
        send(b, ae).whenComplete((r, e) -> {
            inFlight.decrementAndGet();
            m.answered(e != null ? Measurement.TRANSPORT_ERROR : rsc(r), System.nanoTime() - sent);
            run.answered(issue);
            next(ae);
        });
    }

    private CompletableFuture<SimpleHttpResponse> send(SimpleRequestBuilder b, Ae ae) {
        SimpleHttpRequest request = b.addHeader("X-M2M-Origin", ae.originator())
                .addHeader("X-M2M-RI", "d" + rqis.incrementAndGet()).addHeader("X-M2M-RVI", "3")
                .addHeader("Accept", "application/json").build();
        CompletableFuture<SimpleHttpResponse> f = new CompletableFuture<>();
        client.execute(request, new FutureCallback<>() {
            @Override
            public void completed(SimpleHttpResponse r) {
                f.complete(r);
            }

            @Override
            public void failed(Exception ex) {
                f.completeExceptionally(ex);
            }

            @Override
            public void cancelled() {
                f.cancel(false);
            }
        });
        return f;
    }

    private SimpleHttpResponse exchange(SimpleRequestBuilder b, Ae ae) throws Exception {
        return send(b, ae).get(30, TimeUnit.SECONDS);
    }

    private static int rsc(SimpleHttpResponse r) {
        var h = r.getFirstHeader("X-M2M-RSC");
        try {
            return h == null ? Measurement.TRANSPORT_ERROR : Integer.parseInt(h.getValue().trim());
        } catch (NumberFormatException e) {
            return Measurement.TRANSPORT_ERROR;
        }
    }

    private static void expect(int rsc, SimpleHttpResponse r, String step) {
        if (rsc(r) != rsc) {
            throw new IllegalStateException(step + " answered " + rsc(r) + " (expected " + rsc + "): "
                    + r.getBodyText());
        }
    }
}
