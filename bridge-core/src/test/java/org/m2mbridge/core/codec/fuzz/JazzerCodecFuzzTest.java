package org.m2mbridge.core.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import org.m2mbridge.core.codec.Serialization;

/**
 * Coverage-guided fuzz targets (Jazzer) for each codec, whole primitives and bare contents, checking
 * {@link CodecProperties}. Off in the normal suite: Jazzer's agent costs about 30 s to start on two cores and
 * instruments every later test in the JVM; the seeded {@link MutationFuzzTest} fuzzes for a bounded time there,
 * and findings become plain tests in {@link FuzzFindingsTest}. Replay saved inputs (regression mode) with
 * {@code -Dm2m.fuzz.jazzer=true}.
 *
 * <p>Fuzz one target on demand (Jazzer fuzzes one target per JVM; each stops after its maxDuration, or earlier
 * with Ctrl-C), seeded from the captured peer corpus:
 * {@code JAZZER_FUZZ=1 ./mvnw -o test -pl bridge-core -Dtest='JazzerCodecFuzzTest#jsonPrimitive'
 * -Djazzer.max_duration=30m} (also xmlPrimitive, cborPrimitive, jsonContent, xmlContent, cborContent). A finding is saved as
 * {@code crash-<sha1>} in {@code src/test/resources/org/m2mbridge/core/codec/fuzz/JazzerCodecFuzzTestInputs/<target>/}
 * or in {@code bridge-core/} (both seen); turn it into a test in {@link FuzzFindingsTest} with the fix rather than
 * committing it. The working corpus goes to
 * {@code bridge-core/.cifuzz-corpus/} (not committed).
 */
@EnabledIf(value = "requested", disabledReason = "opt-in fuzzing: set JAZZER_FUZZ=1 or -Dm2m.fuzz.jazzer=true")
class JazzerCodecFuzzTest {
    private static final long MAX_INPUT = 64 * 1024;

    static boolean requested() {
        return fuzzing() || Boolean.getBoolean("m2m.fuzz.jazzer");
    }

    private static boolean fuzzing() {
        String fuzz = System.getenv("JAZZER_FUZZ");
        return fuzz != null && !fuzz.isEmpty();
    }

    @BeforeAll
    static void seedWorkingCorpus() throws IOException {
        if (!fuzzing()) {
            return;
        }
        for (Serialization s : Serialization.values()) {
            String name = s.name().toLowerCase();
            seed(name + "Primitive", FuzzCorpus.primitives(s));
            seed(name + "Content", FuzzCorpus.contents(s));
        }
    }

    /** Jazzer keeps its corpus in {@code .cifuzz-corpus/<class>/<method>} and starts from what is there. */
    private static void seed(String method, List<byte[]> inputs) throws IOException {
        Path dir = Path.of(".cifuzz-corpus", JazzerCodecFuzzTest.class.getName(), method);
        Files.createDirectories(dir);
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).length <= MAX_INPUT) {
                Files.write(dir.resolve("seed-" + i), inputs.get(i));
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void jsonPrimitive(byte[] input) {
        CodecProperties.primitive(Serialization.JSON, input);
    }

    @FuzzTest(maxDuration = "10m")
    void xmlPrimitive(byte[] input) {
        CodecProperties.primitive(Serialization.XML, input);
    }

    @FuzzTest(maxDuration = "10m")
    void cborPrimitive(byte[] input) {
        CodecProperties.primitive(Serialization.CBOR, input);
    }

    @FuzzTest(maxDuration = "10m")
    void jsonContent(byte[] input) {
        CodecProperties.content(Serialization.JSON, input);
    }

    @FuzzTest(maxDuration = "10m")
    void xmlContent(byte[] input) {
        CodecProperties.content(Serialization.XML, input);
    }

    @FuzzTest(maxDuration = "10m")
    void cborContent(byte[] input) {
        CodecProperties.content(Serialization.CBOR, input);
    }
}
