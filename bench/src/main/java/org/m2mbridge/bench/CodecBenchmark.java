package org.m2mbridge.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Primitive;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Codec microbenchmark (issue 9 item 3): decode + encode of a typical ~300-byte request primitive (CREATE
 * contentInstance, what a device sends most) per serialization, as the bridge does for every forwarded
 * primitive. Bytes allocated per operation come from {@code -prof gc} ({@code gc.alloc.rate.norm}).
 * Run: {@code java -cp 'bench/target/bench-*.jar:bench/target/lib/*' org.m2mbridge.bench.CodecBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class CodecBenchmark {
    /** A device's CREATE contentInstance as ACME's clients send it: 300 bytes of JSON. */
    static final String TYPICAL_JSON = "{\"op\":1,\"to\":\"cse-in/sensorAE42/temperature\",\"fr\":\"CsensorAE42\","
            + "\"rqi\":\"req-000000000000017\",\"rvi\":\"3\",\"ty\":4,\"rt\":{\"rtv\":1},\"pc\":{\"m2m:cin\":{"
            + "\"cnf\":\"application/json:0\",\"lbl\":[\"tag:greenhouse\"],\"con\":\"{\\\"temperature\\\":21.5,"
            + "\\\"humidity\\\":48.2,\\\"battery\\\":87,\\\"ts\\\":\\\"20261125T153000\\\",\\\"unit\\\":\\\"C\\\"}\"}}}";

    @Param({"json", "cbor", "xml"})
    public String format;

    private PrimitiveCodec codec;
    private byte[] bytes;

    @Setup
    public void setUp() {
        Codecs codecs = new Codecs(CodecLimits.DEFAULT);
        Primitive p = codecs.get(Serialization.JSON).decode(TYPICAL_JSON.getBytes(StandardCharsets.UTF_8)).request()
                .orElseThrow(() -> new IllegalStateException("the typical primitive must decode"));
        codec = codecs.get(Serialization.fromToken(format).orElseThrow());
        bytes = codec.encode(p);
    }

    @Benchmark
    public byte[] decodeEncode() {
        return codec.encode(codec.decode(bytes).request().orElseThrow());
    }

    @Benchmark
    public Object decode() {
        return codec.decode(bytes);
    }

    /** {@code CodecBenchmark [jmh options]}; default: all formats with the GC profiler. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        new Runner(new OptionsBuilder().include(CodecBenchmark.class.getSimpleName()).addProfiler("gc").build()).run();
    }
}
