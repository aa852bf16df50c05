package org.m2mbridge.core.codec.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.m2mbridge.core.codec.Serialization;

/**
 * Seeded byte-level mutations of a seed input: bit flips, byte insert/delete/overwrite, splice with another seed,
 * repeat of a slice, truncation, and format-aware ones (nesting bombs, long strings, numeric extremes and
 * structural tokens of the serialization). Deterministic for a given random, so a failing input is reproduced
 * from (seed, iteration).
 */
final class Mutator {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] INTERESTING = {0, 1, 0x1f, 0x20, 0x7f, (byte) 0x80, (byte) 0xff, '"', '\\', '<', '>',
            '&', '{', '}', '[', ']', ':', ',', '0', '9', '-', '.', 'e'};

    /** How a serialization spells the things worth injecting. */
    private record Dialect(byte[] nestOpen, byte[] nestClose, List<byte[]> tokens, byte[] longStringHead) {
    }

    private static final Dialect JSON = new Dialect(ascii("{\"a\":["), ascii("]}"), asciiList(
            "1e400", "-1e400", "1e-400", "-0", "9223372036854775808", "-9223372036854775809",
            "123456789012345678901234567890123456789", "1.7976931348623157e308", "4.9e-324", "NaN", "Infinity",
            "2147483648", "-2147483649", "0.5", "2.0", "\"\\u0000\"", "\"\\ud800\"", "\"\\uFFFE\"", "null", "true",
            "\"op\":", "\"rsc\":", "\"pc\":", "\"m2m:rqp\":", "\"fc\":", "\"rt\":", "{}", "[]", "\"\"", "\"a b\":1",
            "\"x><y\":1", "\"\\u0001\":\"\\u0001\""), ascii("\""));

    private static final Dialect XML = new Dialect(ascii("<a>"), ascii("</a>"), asciiList(
            "<!DOCTYPE r [<!ENTITY e \"x\">]>", "<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/x.dtd\">", "&e;", "&amp;",
            "&#0;", "&#xFFFE;", "&#1;", "<![CDATA[<]]>", "<?pi x?>", "<!-- c -->", "xmlns:m2m=\"x\"",
            " xmlns=\"http://www.onem2m.org/xml/protocols\"", "<op>1</op>", "<rsc>2000</rsc>", "<pc>", "</pc>",
            "<m2m:cnt rn=\"a\">", "</m2m:cnt>", "<ty>99999999999999999999</ty>", "<lbl>a b  c</lbl>", "<x:y>",
            "9223372036854775808", "-0", "2.0", "true"), ascii("<con>"));

    private static final Dialect CBOR = new Dialect(HEX.parseHex("a16161"), new byte[0], hexList(
            "1bffffffffffffffff", "3bffffffffffffffff", "c249010000000000000000", "c349010000000000000000",
            "f97c00", "f97e00", "fa7fc00000", "fb7ff0000000000000", "fbfff0000000000000", "f93c00", "fb3ff8000000000000",
            "9f01ff", "bf6161f6ff", "5f4101ff", "7f6161ff", "7affffffff", "9bffffffffffffffff", "d8189f", "c1", "f7",
            "f8ff", "1c", "ff", "62c328", "63eda080", "6e6f70", "626f7001", "63727363", "627063", "a0", "80"),
            HEX.parseHex("7a000186a0"));

    private final SplittableRandom random;
    private final List<byte[]> corpus;
    private final Dialect dialect;

    Mutator(SplittableRandom random, List<byte[]> corpus, Serialization serialization) {
        this.random = random;
        this.corpus = corpus;
        this.dialect = switch (serialization) {
            case JSON -> JSON;
            case XML -> XML;
            case CBOR -> CBOR;
        };
    }

    /** A random seed with 1 to 5 mutations applied. */
    byte[] next() {
        byte[] b = corpus.get(random.nextInt(corpus.size()));
        int rounds = 1 + random.nextInt(5);
        for (int i = 0; i < rounds; i++) {
            b = mutate(b);
        }
        return b;
    }

    private byte[] mutate(byte[] b) {
        int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
        return switch (random.nextInt(11)) {
            case 0 -> bitFlip(b);
            case 1 -> overwrite(b, INTERESTING[random.nextInt(INTERESTING.length)]);
            case 2 -> insert(b, at, new byte[] {(byte) random.nextInt(256)});
            case 3 -> delete(b, at, 1 + random.nextInt(8));
            case 4 -> splice(b, at);
            case 5 -> repeat(b, at);
            case 6 -> Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
            case 7 -> nestingBomb(b, at);
            case 8 -> insert(b, at, longString());
            default -> insert(b, at, dialect.tokens().get(random.nextInt(dialect.tokens().size())));
        };
    }

    private byte[] bitFlip(byte[] b) {
        if (b.length == 0) {
            return b;
        }
        byte[] out = b.clone();
        out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        return out;
    }

    private byte[] overwrite(byte[] b, byte value) {
        if (b.length == 0) {
            return new byte[] {value};
        }
        byte[] out = b.clone();
        out[random.nextInt(out.length)] = value;
        return out;
    }

    private byte[] splice(byte[] b, int at) {
        byte[] other = corpus.get(random.nextInt(corpus.size()));
        int from = other.length == 0 ? 0 : random.nextInt(other.length);
        int to = from + random.nextInt(other.length - from + 1);
        return insert(Arrays.copyOf(b, at), at, Arrays.copyOfRange(other, from, to));
    }

    /** A slice repeated up to 1000 times: repeated keys, elements, long lists. */
    private byte[] repeat(byte[] b, int at) {
        int len = Math.min(b.length - at, 1 + random.nextInt(32));
        if (len <= 0) {
            return b;
        }
        byte[] slice = Arrays.copyOfRange(b, at, at + len);
        int times = 1 + random.nextInt(random.nextBoolean() ? 10 : 1000);
        return insert(b, at, times(slice, times));
    }

    /** Opens nested containers past the depth limit (64), sometimes closing them, sometimes not. */
    private byte[] nestingBomb(byte[] b, int at) {
        int depth = random.nextBoolean() ? 50 + random.nextInt(30) : 1000 + random.nextInt(100_000);
        byte[] open = times(dialect.nestOpen(), depth);
        byte[] bomb = random.nextBoolean() ? open : concat(open, times(dialect.nestClose(), depth));
        return insert(b, at, bomb);
    }

    private byte[] longString() {
        int n = random.nextBoolean() ? 1 + random.nextInt(300) : 10_000 + random.nextInt(200_000);
        byte[] s = new byte[n];
        Arrays.fill(s, (byte) 'A');
        return concat(dialect.longStringHead(), s);
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int n) {
        int len = Math.min(n, b.length - at);
        if (len <= 0) {
            return b;
        }
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        return out;
    }

    private static byte[] times(byte[] slice, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(slice.length * n);
        for (int i = 0; i < n; i++) {
            out.writeBytes(slice);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return insert(a, a.length, b);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> asciiList(String... s) {
        return Arrays.stream(s).map(Mutator::ascii).toList();
    }

    private static List<byte[]> hexList(String... s) {
        return Arrays.stream(s).map(HEX::parseHex).toList();
    }
}
