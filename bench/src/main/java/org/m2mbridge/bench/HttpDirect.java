package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Benchmark (b): HttpClient 5 async straight to the upstream stub, the same CREATE contentInstance the bridge
 * forwards, with {@code connections} pooled connections and {@code window} requests outstanding per connection:
 * the ceiling of the upstream leg. Takes the load tool's flags ({@code --url http://...}).
 */
public final class HttpDirect {
    private static final String CIN = "{\"m2m:cin\":{\"cnf\":\"application/json:0\",\"con\":\"{\\\"temperature\\\":21.5,"
            + "\\\"humidity\\\":48.2,\\\"battery\\\":87,\\\"ts\\\":\\\"20261125T153000\\\",\\\"unit\\\":\\\"C\\\"}\"}}";

    private HttpDirect() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions o = LoadOptions.parse(args);
        Measurement m = new Measurement(ProcessCpu.of(o.pid()));
        LoadRun run = new LoadRun(o.count());
        AtomicLong rqis = new AtomicLong();
        AtomicLong inFlight = new AtomicLong();
        String target = o.url().toString().replaceAll("/$", "") + "/" + o.cse() + "/bench/data";
        try (CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).setTcpNoDelay(true).build())
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(o.connections()).setMaxConnPerRoute(o.connections()).build()).build()) {
            client.start();
            Runnable[] loop = new Runnable[1];
            loop[0] = () -> {
                LoadRun.Issue issue = run.issue();
                if (issue == LoadRun.Issue.NONE) {
                    return;
                }
                SimpleHttpRequest req = SimpleRequestBuilder.post(target).addHeader("X-M2M-Origin", "Cbench")
                        .addHeader("X-M2M-RI", "d" + rqis.incrementAndGet()).addHeader("X-M2M-RVI", "3")
                        .setBody(CIN, ContentType.parse("application/json;ty=4")).build();
                long sent = System.nanoTime();
                inFlight.incrementAndGet();
                client.execute(req, new FutureCallback<SimpleHttpResponse>() {
                    @Override
                    public void completed(SimpleHttpResponse r) {
                        inFlight.decrementAndGet();
                        var rsc = r.getFirstHeader("X-M2M-RSC");
                        m.answered(rsc == null ? -1 : Integer.parseInt(rsc.getValue()), System.nanoTime() - sent);
                        run.answered(issue);
                        loop[0].run();
                    }

                    @Override
                    public void failed(Exception ex) {
                        inFlight.decrementAndGet();
                        m.answered(Measurement.TRANSPORT_ERROR, System.nanoTime() - sent);
                        loop[0].run();
                    }

                    @Override
                    public void cancelled() {
                        inFlight.decrementAndGet();
                    }
                });
            };
            for (int i = 0; i < o.connections() * o.window(); i++) {
                loop[0].run();
            }
            long t0 = System.nanoTime();
            var ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            ticker.scheduleAtFixedRate(() -> m.progress(System.err,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), inFlight.get(), 0), 1, 1, TimeUnit.SECONDS);
            TimeUnit.MILLISECONDS.sleep(o.warmup().toMillis());
            m.startMeasuring();
            run.startMeasuring();
            TimeUnit.MILLISECONDS.sleep(o.duration().toMillis());
            m.stopMeasuring();
            run.stopIssuing();
            ticker.shutdownNow();
            client.close(CloseMode.GRACEFUL);
        }
        ObjectNode settings = LoadTool.JSON.createObjectNode().put("label", o.label()).put("url", target)
                .put("connections", o.connections()).put("window", o.window()).put("format", "json (HTTP)");
        ObjectNode report = m.report(LoadTool.JSON, settings);
        System.out.println(LoadTool.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        if (o.out() != null) {
            Measurement.write(LoadTool.JSON, report, o.out());
        }
    }
}
