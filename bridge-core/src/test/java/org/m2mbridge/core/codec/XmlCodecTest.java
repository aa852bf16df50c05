package org.m2mbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/** XML (TS-0004 8.3): canonical documents, typing, and refusal of DTDs, entities and malformed input. */
class XmlCodecTest {
    private static final String NS = "xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"";
    private final XmlCodec codec = new XmlCodec(CodecLimits.DEFAULT);

    static final String FULL_REQUEST = "<m2m:rqp " + NS + "><op>1</op><to>/id-in/cse-in</to><fr>Cae1</fr><rqi>r-1</rqi>"
            + "<ty>3</ty><pc><m2m:cnt rn=\"c1\"><lbl>a b</lbl><mni>10</mni></m2m:cnt></pc><rids>role1 role2</rids>"
            + "<ot>20261125T132102</ot><rqet>20261125T132202</rqet><rset>3600000</rset><oet>20261125T132102,123</oet>"
            + "<rt><rtv>2</rtv><nu>Cae1 /id-in/cse-in/Cae1</nu></rt><rp>20261126T000000</rp><rcn>1</rcn><ec>2</ec>"
            + "<da>false</da><gid>g-1</gid><fc><crb>20261125T132102</crb><sts>5</sts><lbl>tag x</lbl><ty>3 4</ty>"
            + "<cty>text/plain</cty><atr><nm>cr</nm><val>Sam</val></atr><fu>1</fu><lim>10</lim><lvl>2</lvl><arp>la</arp>"
            + "</fc><drt>2</drt><tkns>tok1 tok2</tkns><tids>tid1</tids><ltids>lt1</ltids><tqi>true</tqi>"
            + "<grtm>/id-in/m1 /id-in/m2</grtm><asi>true</asi><aus><sit>jws</sit><sig>abc</sig></aus><auri>false</auri>"
            + "<sqi>false</sqi><rvi>3</rvi><vsi>vendor-x</vsi><xyz>custom</xyz></m2m:rqp>";

    static final String FULL_RESPONSE = "<m2m:rsp " + NS + "><rsc>2001</rsc><rqi>r-1</rqi><pc><m2m:cnt rn=\"c1\">"
            + "<ri>cnt123</ri><ty>3</ty><st>0</st></m2m:cnt></pc><to>Cae1</to><fr>/id-in</fr><ot>20261125T132102</ot>"
            + "<rset>20261125T142102</rset><ec>3</ec><cnst>2</cnst><cnot>5</cnot><ati><lai><lti>lt1</lti><tkid>tk1</tkid>"
            + "</lai></ati><tqf><tqi><dasi>x</dasi></tqi></tqf><asri>true</asri><rvi>2a</rvi><vsi>vendor-y</vsi>"
            + "<drt>1</drt></m2m:rsp>";

    private DecodeResult decode(String xml) {
        return codec.decode(xml.getBytes(StandardCharsets.UTF_8));
    }

    private DecodeResult.Failed failed(String xml) {
        DecodeResult r = decode(xml);
        return assertInstanceOf(DecodeResult.Failed.class, r, () -> "decoded: " + r);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void handWrittenCanonicalDocumentsDecodeToEveryParameter() {
        assertEquals(Samples.fullRequest(), decode(FULL_REQUEST).request().orElseThrow());
        assertEquals(Samples.fullResponse(), decode(FULL_RESPONSE).response().orElseThrow());
    }

    @Test
    void encodeIsTheCanonicalDocument() {
        String prolog = "<?xml version='1.0' encoding='UTF-8'?>";
        assertEquals(prolog + FULL_REQUEST, text(codec.encode(Samples.fullRequest())));
        assertEquals(prolog + FULL_RESPONSE, text(codec.encode(Samples.fullResponse())));
    }

    @Test
    void prettyPrintedPeerDocumentWithRnElementAndPrefixedNotification() {
        String xml = "<?xml version=\"1.0\"?>\n<m2m:rqp " + NS + ">\n  <op>5</op>\n  <to>Cae</to>\n  <fr>/id-in</fr>\n"
                + "  <rqi>n-1</rqi>\n  <pc>\n    <m2m:sgn>\n      <nev>\n        <rep>\n          <m2m:cin>\n"
                + "            <rn>cin1</rn>\n            <con><![CDATA[<b>22</b>]]></con>\n            <cs>9</cs>\n"
                + "          </m2m:cin>\n        </rep>\n        <net>3</net>\n      </nev>\n      <vrq>false</vrq>\n"
                + "      <sur>/id-in/sub</sur>\n    </m2m:sgn>\n  </pc>\n  <rvi>3</rvi>\n</m2m:rqp>\n";
        RequestPrimitive r = decode(xml).request().orElseThrow();
        assertEquals(Samples.json("{\"m2m:sgn\":{\"nev\":{\"rep\":{\"m2m:cin\":{\"rn\":\"cin1\",\"con\":\"<b>22</b>\",\"cs\":9}},"
                + "\"net\":3},\"vrq\":false,\"sur\":\"/id-in/sub\"}}"), r.pc());
    }

    @Test
    void emptyElementIsNullAndUnknownTextStaysText() {
        ResponsePrimitive r = decode("<m2m:rsp " + NS + "><rsc>2004</rsc><rqi>q</rqi><pc><m2m:cnt rn=\"c\"><lbl/>"
                + "<zz>123</zz><mni>x</mni></m2m:cnt></pc></m2m:rsp>").response().orElseThrow();
        assertEquals(Samples.json("{\"m2m:cnt\":{\"rn\":\"c\",\"lbl\":null,\"zz\":\"123\",\"mni\":\"x\"}}"), r.pc());
    }

    @Test
    void contentDocumentRootIsTheResource() {
        String cnt = "<?xml version='1.0' encoding='UTF-8'?><m2m:cnt " + NS + " rn=\"c1\"><lbl>a b</lbl><mni>10</mni></m2m:cnt>";
        assertEquals(cnt, text(codec.encodeContent(Samples.json("{\"m2m:cnt\":{\"rn\":\"c1\",\"lbl\":[\"a\",\"b\"],\"mni\":10}}"))));
        ContentResult c = codec.decodeContent(cnt.getBytes(StandardCharsets.UTF_8));
        assertEquals(Samples.json("{\"m2m:cnt\":{\"rn\":\"c1\",\"lbl\":[\"a\",\"b\"],\"mni\":10}}"),
                assertInstanceOf(ContentResult.Decoded.class, c).content());
        ContentResult defaultNs = codec.decodeContent(("<cnt xmlns=\"http://www.onem2m.org/xml/protocols\"><rn>c</rn>"
                + "</cnt>").getBytes(StandardCharsets.UTF_8));
        assertEquals(Samples.json("{\"m2m:cnt\":{\"rn\":\"c\"}}"), assertInstanceOf(ContentResult.Decoded.class, defaultNs).content());
        assertEquals(null, assertInstanceOf(ContentResult.Decoded.class, codec.decodeContent(new byte[0])).content());
        var two = Samples.json("{\"m2m:dbg\":\"a\",\"x\":\"b\"}");
        assertEquals(two, assertInstanceOf(ContentResult.Decoded.class, codec.decodeContent(codec.encodeContent(two))).content());
    }

    @Test
    void doctypeWithExternalEntityIsRefusedWithoutReadingTheFile() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<m2m:rqp " + NS + "><op>2</op><to>&e;</to><rqi>q-x</rqi></m2m:rqp>";
        DecodeResult.Failed f = failed(xxe);
        assertEquals(ResponseStatusCode.BAD_REQUEST, f.status());
        assertFalse(f.reason().contains("root:"), f.reason());
        assertEquals(Optional.of("q-x"), f.rqi());
        ContentResult c = codec.decodeContent(("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><m2m:dbg " + NS
                + ">&e;</m2m:dbg>").getBytes(StandardCharsets.UTF_8));
        assertFalse(assertInstanceOf(ContentResult.Failed.class, c).reason().contains("root:"));
    }

    @Test
    void billionLaughsIsRefusedQuickly() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        sb.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
        for (int i = 2; i <= 9; i++) {
            sb.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        sb.append("]><m2m:rqp ").append(NS).append("><op>2</op><to>&lol9;</to><rqi>q-b</rqi></m2m:rqp>");
        // a bound that catches expansion (10^9 entities would take hours), not a speed claim
        DecodeResult.Failed f = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> failed(sb.toString()));
        assertEquals(ResponseStatusCode.BAD_REQUEST, f.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<m2m:rqp xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><op>2</op><rqi>q-1</rqi><rvi>3</rvi><to>x</to>",
        "<m2m:rqp xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><op>2.5</op><rqi>q-1</rqi><rvi>3</rvi></m2m:rqp>",
        "<m2m:rqp xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><op>x</op><rqi>q-1</rqi><rvi>3</rvi></m2m:rqp>",
        "<m2m:rqp xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><op>9</op><rqi>q-1</rqi><rvi>3</rvi></m2m:rqp>",
        "<m2m:rqp xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><rqi>q-1</rqi><rvi>3</rvi></m2m:rqp>",
        "<m2m:rqp xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><op>2</op><rqi>q-1</rqi><rvi>3</rvi></m2m:rqp><x/>",
        "<m2m:rqp xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><op>2<x/></op><rqi>q-1</rqi><rvi>3</rvi></m2m:rqp>",
        "<m2m:cnt xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><rqi>q-1</rqi><rvi>3</rvi></m2m:cnt>",
        "<m2m:rqp xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><rqi>q-1</rqi><rvi>3</rvi><to>&amp</to></m2m:rqp>",
    })
    void malformedDocumentsFailWithTheirRqi(String xml) {
        DecodeResult.Failed f = failed(xml);
        assertEquals(ResponseStatusCode.BAD_REQUEST, f.status());
        assertEquals(Optional.of("q-1"), f.rqi(), f.reason());
        assertEquals(Optional.of("3"), f.rvi());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not xml", "{\"op\":1}", "<", "<a>", "<?xml version=\"1.0\"?>"})
    void garbageFails(String xml) {
        assertEquals(ResponseStatusCode.BAD_REQUEST, failed(xml).status());
    }

    @Test
    void invalidUtf8Fails() {
        byte[] bytes = ("<m2m:rqp " + NS + "><op>2</op><to>").getBytes(StandardCharsets.UTF_8);
        byte[] bad = java.util.Arrays.copyOf(bytes, bytes.length + 3);
        bad[bytes.length] = (byte) 0xC3;
        bad[bytes.length + 1] = (byte) 0x28;
        bad[bytes.length + 2] = '<';
        assertInstanceOf(DecodeResult.Failed.class, codec.decode(bad));
    }

    @Test
    void depthAndSizeLimits() {
        String deep = "<m2m:rqp " + NS + "><op>1</op><rqi>q-d</rqi><pc>" + "<a>".repeat(10_000) + "</a>".repeat(10_000)
                + "</pc></m2m:rqp>";
        DecodeResult.Failed f = failed(deep);
        assertTrue(f.tooLarge(), f.reason());
        assertEquals(Optional.of("q-d"), f.rqi());
        XmlCodec small = new XmlCodec(new CodecLimits(64, 8));
        DecodeResult r = small.decode(FULL_REQUEST.getBytes(StandardCharsets.UTF_8));
        assertTrue(assertInstanceOf(DecodeResult.Failed.class, r).tooLarge());
        assertTrue(assertInstanceOf(ContentResult.Failed.class, small.decodeContent(FULL_REQUEST.getBytes(StandardCharsets.UTF_8)))
                .tooLarge());
    }
}
