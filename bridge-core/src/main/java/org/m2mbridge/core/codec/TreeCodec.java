package org.m2mbridge.core.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.TSFBuilder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * JSON (TS-0004 8.4) and CBOR (8.5) share one data model, so they share this codec; subclasses only bring their
 * configured mapper. The mapper is built once: duplicate keys and trailing tokens are errors, nesting depth
 * and document length are capped by {@link CodecLimits}, and input longer than the cap is refused before parsing.
 */
abstract class TreeCodec implements PrimitiveCodec {
    private static final int MAX_REASON = 160;

    private final ObjectMapper mapper;
    private final CodecLimits limits;
    private final RequestIdScan.Format scanFormat;
    private final String formatName;

    TreeCodec(ObjectMapper mapper, CodecLimits limits, RequestIdScan.Format scanFormat, String formatName) {
        this.mapper = mapper;
        this.limits = limits;
        this.scanFormat = scanFormat;
        this.formatName = formatName;
    }

    /** The mapper both formats need: limits from {@code limits}, duplicate keys and trailing tokens refused. */
    static <F extends JsonFactory, M extends ObjectMapper, B extends MapperBuilder<M, B>> M strictMapper(
            TSFBuilder<F, ?> factory, Function<F, B> mapper, CodecLimits limits) {
        F f = factory.streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxDocumentLength(limits.maxBytes())
                        .build())
                .build();
        // Duplicate keys are found by the tree itself (the object node already holds the key), not by the parser's
        // STRICT_DUPLICATE_DETECTION, which builds a HashSet per object: ~15% of the bytes a decode allocated.
        return mapper.apply(f).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    }

    @Override
    public DecodeResult decode(byte[] bytes) {
        try {
            return PrimitiveTree.decode(parse(bytes));
        } catch (DecodeFailure e) {
            return new DecodeResult.Failed(ResponseStatusCode.BAD_REQUEST, e.getMessage(),
                    scan(bytes, "rqi"), scan(bytes, "rvi"), e.tooLarge());
        } catch (RuntimeException | StackOverflowError e) {
            return DecodeResult.Failed.badRequest("undecodable " + formatName, scan(bytes, "rqi"), scan(bytes, "rvi"));
        }
    }

    @Override
    public byte[] encode(Primitive primitive) {
        if (!PrimitiveWriter.handles(primitive)) {
            return write(PrimitiveTree.encode(primitive));
        }
        // Streamed: no intermediate tree (docs/benchmarks.md, codec allocation per primitive). Buffers come from
        // and go back to Jackson's recycler, as ObjectMapper.writeValueAsBytes does it.
        JsonFactory factory = mapper.getFactory();
        BufferRecycler recycler = factory._getBufferRecycler();
        try (ByteArrayBuilder out = new ByteArrayBuilder(recycler);
             JsonGenerator g = factory.createGenerator(out)) {
            PrimitiveWriter.write(mapper, g, primitive);
            g.flush();
            byte[] bytes = out.toByteArray();
            out.release();
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a primitive to " + formatName, e);
        } finally {
            recycler.releaseToPool();
        }
    }

    @Override
    public ContentResult decodeContent(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return new ContentResult.Decoded(null);
        }
        try {
            return new ContentResult.Decoded(ContentNormaliser.normalise(parse(bytes)));
        } catch (DecodeFailure e) {
            return new ContentResult.Failed(e.getMessage(), e.tooLarge());
        } catch (RuntimeException | StackOverflowError e) {
            return new ContentResult.Failed("undecodable " + formatName, false);
        }
    }

    @Override
    public byte[] encodeContent(JsonNode content) {
        return content == null ? new byte[0] : write(content);
    }

    private JsonNode parse(byte[] bytes) throws DecodeFailure {
        if (bytes == null || bytes.length == 0) {
            throw new DecodeFailure("empty " + formatName);
        }
        if (bytes.length > limits.maxBytes()) {
            throw new DecodeFailure(formatName + " larger than " + limits.maxBytes() + " bytes", true);
        }
        try {
            JsonNode tree = mapper.readTree(bytes);
            if (tree == null || tree.isMissingNode()) {
                throw new DecodeFailure("empty " + formatName);
            }
            requireUnicode(tree);
            return tree;
        } catch (StreamConstraintsException e) {
            throw new DecodeFailure(formatName + " exceeds limits: " + shorten(e.getOriginalMessage()), true);
        } catch (JsonProcessingException e) {
            throw new DecodeFailure("malformed " + formatName + ": " + shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new DecodeFailure("malformed " + formatName);
        }
    }

    /**
     * Refuses text with an unpaired surrogate: JSON's {@code "\\ud800"} escape (RFC 8259 8.2) or CBOR text that
     * is not UTF-8 (RFC 8949 5.3.1; Jackson's CBOR parser does not check it). No codec could encode such a
     * string again, so the bridge could not forward it. Found by the codec fuzz test. Depth is already capped.
     */
    private void requireUnicode(JsonNode node) throws DecodeFailure {
        if (node.isTextual()) {
            requireUnicode(node.textValue());
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                requireUnicode(e.getKey());
                requireUnicode(e.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                requireUnicode(item);
            }
        }
    }

    private void requireUnicode(String s) throws DecodeFailure {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new DecodeFailure("invalid Unicode text in " + formatName);
            }
        }
    }

    private byte[] write(JsonNode tree) {
        try {
            return mapper.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a tree to " + formatName, e);
        }
    }

    private Optional<String> scan(byte[] bytes, String key) {
        return bytes == null ? Optional.empty() : RequestIdScan.find(scanFormat, bytes, key);
    }

    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        // Parser messages quote input; the answer's m2m:dbg must stay encodable, so no controls or surrogates
        // (found by fuzzing: bytes read as UTF-32 quoted a lone surrogate).
        StringBuilder safe = new StringBuilder(Math.min(s.length(), MAX_REASON + 1));
        for (int i = 0; i < s.length() && safe.length() <= MAX_REASON; i++) {
            char c = s.charAt(i);
            safe.append(Character.isISOControl(c) || Character.isSurrogate(c) ? ' ' : c);
        }
        String oneLine = safe.toString();
        return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON) + "...";
    }
}
