package no.knutepunkt.delivery.fhir;

import no.knutepunkt.model.event.KindRule;
import no.knutepunkt.model.fhir.Fhir;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns a vendor's Bundle into the FHIR transaction the EPJ receives. Every resource that has a business identifier
 * is created conditionally on it, so a redelivery finds the record instead of making a second one; references by
 * {@code urn:uuid} full URLs resolve inside the transaction. A resource without a business identifier gets one made
 * from the message id and its place in the message, for the same reason.
 */
public final class TransactionBuilder {

    private TransactionBuilder() {
    }

    /** System of the identifiers Knutepunkt gives resources that came without one. */
    public static final String ENTRY_IDENTIFIER_SYSTEM = "https://knutepunkt.no/fhir/NamingSystem/message-entry";

    public static String transaction(String messageId, String payload) {
        return transaction(messageId, payload, null);
    }

    /** @param journalType the municipality's journal type for the message's kind, tagged on every resource; or null */
    public static String transaction(String messageId, String payload, String journalType) {
        Resource received = (Resource) Fhir.jsonParser().parseResource(payload);
        Bundle source = received instanceof Bundle bundle ? bundle : singleEntry(received);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < source.getEntry().size(); i++) {
            BundleEntryComponent entry = source.getEntry().get(i);
            Resource resource = entry.getResource();
            if (identifierCondition(resource) == null && resource.getNamedProperty("identifier") != null) {
                resource.setProperty("identifier", new Identifier().setSystem(ENTRY_IDENTIFIER_SYSTEM)
                        .setValue(messageId + "/" + i));
            }
            if (journalType != null) {
                resource.getMeta().addTag(KindRule.JOURNAL_TYPE_SYSTEM, journalType, null);
            }
            BundleEntryComponent out = transaction.addEntry().setFullUrl(entry.getFullUrl()).setResource(resource);
            out.getRequest().setMethod(HTTPVerb.POST).setUrl(resource.fhirType());
            String condition = identifierCondition(resource);
            if (condition != null) {
                out.getRequest().setIfNoneExist(condition);
            }
        }
        return Fhir.jsonParser().encodeResourceToString(transaction);
    }

    /** A resource written on its own (VKP's single-resource paths) travels as a one-entry Bundle. */
    private static Bundle singleEntry(Resource resource) {
        Bundle bundle = new Bundle();
        bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.nameUUIDFromBytes(
                Fhir.jsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8))).setResource(resource);
        return bundle;
    }

    @SuppressWarnings("unchecked")
    private static String identifierCondition(Resource resource) {
        if (resource.getNamedProperty("identifier") == null || !resource.getNamedProperty("identifier").hasValues()) {
            return null;
        }
        List<Identifier> identifiers = (List<Identifier>) (List<?>) resource.getNamedProperty("identifier").getValues();
        Identifier first = identifiers.get(0);
        if (!first.hasValue()) {
            return null;
        }
        String token = (first.hasSystem() ? first.getSystem() + "|" : "") + first.getValue();
        return "identifier=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }
}
