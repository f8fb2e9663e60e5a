package no.knutepunkt.ingest.rest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import io.quarkus.test.junit.QuarkusTest;
import no.knutepunkt.cli.DevTokens;
import no.knutepunkt.ingest.Examples;
import no.knutepunkt.model.fhir.Outcomes;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vendor API driven by HAPI FHIR's own generic client, with its own Accept headers, its metadata check of every
 * base and its create() to BASE/Bundle: software nobody on the team wrote. Over the real broker and database.
 */
@QuarkusTest
class HapiClientTest {

    static final String ORGNR = "312229544";
    static final String VKP_ID = "Hapi_Klient_" + ORGNR;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    String base;

    @Test
    void aHapiGenericClientReadsEachBasesCapabilitiesCreatesABundleAndFollowsItsStatus() {
        FhirContext fhir = FhirContext.forR4();
        String token = DevTokens.fromEnvironment().vendor(VKP_ID, List.of("nhn:vkp/api/user/bundle.write"));
        IGenericClient vkp = client(fhir, base + "epj/r4/" + ORGNR, token);
        IGenericClient jft = client(fhir, base + "v1", token);
        for (IGenericClient client : List.of(vkp, jft)) {
            CapabilityStatement capabilities = client.capabilities().ofType(CapabilityStatement.class).execute();
            assertTrue(capabilities.getRest().get(0).getResource().stream()
                    .anyMatch(r -> r.getType().equals("Bundle")), client.getServerBase());
        }

        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class,
                Examples.fresh("01-medication-dispense-success.json"));
        MethodOutcome created = vkp.create().resource(bundle).execute();
        OperationOutcome answer = (OperationOutcome) created.getOperationOutcome();
        assertNotNull(answer, "the answer's OperationOutcome");
        String messageId = answer.getIssueFirstRep().getExtensionByUrl(Outcomes.MESSAGE_ID_EXTENSION).getValue()
                .primitiveValue();

        Parameters status = jft.operation().onInstance(new IdType("Bundle", messageId)).named("$status")
                .withNoParameters(Parameters.class).useHttpGet().execute();
        assertEquals(messageId, status.getParameter("id").getValue().primitiveValue());
        assertNotNull(status.getParameter("state").getValue().primitiveValue());
    }

    static IGenericClient client(FhirContext fhir, String base, String token) {
        IGenericClient client = fhir.newRestfulGenericClient(base);
        client.setEncoding(EncodingEnum.JSON);
        client.registerInterceptor(new BearerTokenAuthInterceptor(token));
        return client;
    }
}
