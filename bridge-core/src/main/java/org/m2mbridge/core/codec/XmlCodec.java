package org.m2mbridge.core.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * XML serialization (TS-0004 8.3): root {@code m2m:rqp}/{@code m2m:rsp}, unprefixed parameter elements,
 * prefixed resource elements inside {@code pc}. Jackson's XmlMapper loses roots, namespaces and all typing, so
 * this codec reads with StAX ({@link XmlTreeReader}) and writes with {@link XmlTreeWriter}; both map to the same
 * short-name tree the JSON and CBOR codecs use. Thread-safe.
 *
 * <p>What XML cannot carry, so a JSON to XML to JSON trip does not give it back unchanged:
 * <ul>
 *   <li>types of names {@link ShortNames} does not know: an unknown attribute {@code 5} comes back as
 *       {@code "5"} (and an unknown {@code "123"} stays a string, never guessed to be a number);</li>
 *   <li>an empty string, an empty list and an empty object all become an empty element, which reads as null;</li>
 *   <li>a one-element array of an unknown name comes back as the bare element, arrays of arrays are
 *       flattened, and list items containing spaces split, since lists are space-separated;</li>
 *   <li>{@code val} in {@code fc.atr} entries is read as a string;</li>
 *   <li>keys that are not XML names and characters XML 1.0 forbids (control characters) are not representable.</li>
 * </ul>
 */
public final class XmlCodec implements PrimitiveCodec {
    private final CodecLimits limits;
    private final XmlTreeReader reader;
    private final XmlTreeWriter writer = new XmlTreeWriter();

    public XmlCodec(CodecLimits limits) {
        this.limits = limits;
        this.reader = new XmlTreeReader(limits);
    }

    @Override
    public Serialization serialization() {
        return Serialization.XML;
    }

    @Override
    public DecodeResult decode(byte[] bytes) {
        try {
            checkSize(bytes);
            return PrimitiveTree.decode(reader.readPrimitive(bytes));
        } catch (DecodeFailure e) {
            return failed(bytes, e.getMessage(), e.tooLarge());
        } catch (Exception | StackOverflowError e) {
            return failed(bytes, "malformed XML", false);
        }
    }

    @Override
    public byte[] encode(Primitive primitive) {
        return writer.writePrimitive(primitive instanceof RequestPrimitive ? "rqp" : "rsp",
                PrimitiveTree.encode(primitive));
    }

    @Override
    public ContentResult decodeContent(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return new ContentResult.Decoded(null);
        }
        try {
            checkSize(bytes);
            return new ContentResult.Decoded(ContentNormaliser.normalise(reader.readContent(bytes)));
        } catch (DecodeFailure e) {
            return new ContentResult.Failed(e.getMessage(), e.tooLarge());
        } catch (Exception | StackOverflowError e) {
            return new ContentResult.Failed("malformed XML", false);
        }
    }

    @Override
    public byte[] encodeContent(JsonNode content) {
        return content == null ? new byte[0] : writer.writeContent(content);
    }

    private void checkSize(byte[] bytes) throws DecodeFailure {
        if (bytes == null || bytes.length == 0) {
            throw new DecodeFailure("empty XML");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new DecodeFailure("XML larger than " + limits.maxBytes() + " bytes", true);
        }
    }

    private static DecodeResult failed(byte[] bytes, String reason, boolean tooLarge) {
        Optional<String> rqi = bytes == null ? Optional.empty() : RequestIdScan.find(RequestIdScan.Format.XML, bytes, "rqi");
        Optional<String> rvi = bytes == null ? Optional.empty() : RequestIdScan.find(RequestIdScan.Format.XML, bytes, "rvi");
        return new DecodeResult.Failed(ResponseStatusCode.BAD_REQUEST, reason, rqi, rvi, tooLarge);
    }
}
