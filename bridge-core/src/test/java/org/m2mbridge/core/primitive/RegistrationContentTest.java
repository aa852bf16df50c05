package org.m2mbridge.core.primitive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The registration-resource view over the content of registrations and their answers (TS-0004 7.4.2, 7.4.4). */
class RegistrationContentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'m2m:ae':{'rn':'ae1','ri':'r1','aei':'Cae1','poa':['http://a/x','mqtt://b'],'rr':true,'et':'20301231T000000'}}|AE|Cae1|ae1|r1|http://a/x mqtt://b",
        "{'m2m:csr':{'rn':'id-mn','ri':'r2','csi':'/id-mn','poa':'http://mn'}}|REMOTE_CSE|/id-mn|id-mn|r2|http://mn",
        "{'m2m:rce':{'m2m:ae':{'aei':'Cae2','rn':'ae2'},'uri':'cse-in/ae2'}}|AE|Cae2|ae2||",
        "{'m2m:ae':{'aei':''}}|AE|||| ",
    })
    void readsTheAttributes(String pc, ResourceType type, String id, String rn, String ri, String poa) throws Exception {
        RegistrationContent r = RegistrationContent.of(json(pc)).orElseThrow();
        assertEquals(type, r.type());
        assertEquals(Optional.ofNullable(id), r.entityId());
        assertEquals(rn, r.resourceName());
        assertEquals(ri, r.resourceId());
        assertEquals(poa == null || poa.isBlank() ? List.of() : List.of(poa.split(" ")), r.pointOfAccess());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{'m2m:cnt':{'rn':'c'}}", "{'m2m:ae':'x'}", "[1,2]", "{'m2m:rce':{'uri':'x'}}"})
    void noRegistrationResource(String pc) throws Exception {
        assertTrue(RegistrationContent.of(json(pc)).isEmpty());
        assertTrue(RegistrationContent.of(null).isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{'m2m:ae':{'rr':false}}|false", "{'m2m:ae':{}}|"})
    void requestReachabilityAsGiven(String pc, Boolean rr) throws Exception {
        RegistrationContent r = RegistrationContent.of(json(pc)).orElseThrow();
        if (rr == null) {
            assertNull(r.requestReachability());
        } else {
            assertEquals(rr, r.requestReachability().booleanValue());
        }
        assertFalse(r.hasPointOfAccess());
    }
}
