package no.knutepunkt.ingest.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import no.knutepunkt.model.fhir.Fhir;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations;
import no.knutepunkt.ingest.fhir.SearchQuery;
import no.knutepunkt.model.fhir.VkpReads;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;

import java.util.Collection;
import java.util.Date;
import java.util.TreeSet;

/**
 * What each surface supports, exactly: the resource types that can be created or searched, JSON only, and HelseID
 * bearer tokens. Readable without a token, as FHIR clients expect.
 */
// JAX-RS picks the class by its own path first, so each surface's metadata sits beside that surface
@Path("/epj/r4/metadata")
public class MetadataResource {

    /** The hub's version, as its build names it. */
    static final String VERSION = java.util.Objects.requireNonNullElse(
            MetadataResource.class.getPackage().getImplementationVersion(), "0.1.0");

    /** The resource types VKP profiles (domain reference §5); a Bundle carries them. */
    static final java.util.Set<String> VKP_PROFILES = java.util.Set.of("MedicationDispense", "Composition",
            "DetectedIssue", "Encounter");

    static final String VKP = Fhir.jsonParser().encodeResourceToString(searches(capabilities(
            "VKP R4 surface of Knutepunkt: writes, and reads of the EPJ for the ServiceCodes a grant allows",
            VkpResource.WRITABLE.values(), "vkp-id claim and scope nhn:vkp/api/user/{resource}.write or .read")));

    /** The reads: a search-type interaction per readable type, with the parameters SearchQuery takes. */
    static CapabilityStatement searches(CapabilityStatement cs) {
        CapabilityStatementRestComponent rest = cs.getRestFirstRep();
        for (String type : new TreeSet<>(VkpReads.READABLE.values())) {
            var resource = rest.getResource().stream().filter(r -> type.equals(r.getType())).findFirst()
                    .orElseGet(() -> rest.addResource().setType(type));
            resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE).setDocumentation(
                    "POST {base}/" + type.toLowerCase(java.util.Locale.ROOT) + "/_search (form) or GET; header "
                            + "ServiceCodes (RT, TA, GPS, MD, DT, DHO) required");
            resource.addSearchParam().setName("Patient".equals(type) ? "identifier" : "patient.identifier")
                    .setType(Enumerations.SearchParamType.TOKEN)
                    .setDocumentation("the patient's national id, bare or system|value");
            if (SearchQuery.DATED.contains(type)) {
                resource.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE)
                        .setDocumentation("at most two: ge… and le…");
            }
            resource.addSearchParam().setName("_count").setType(Enumerations.SearchParamType.NUMBER);
        }
        rest.getResource().sort(java.util.Comparator.comparing(r -> r.getType()));
        return cs;
    }

    @GET
    @Produces({VkpResource.FHIR_JSON, jakarta.ws.rs.core.MediaType.APPLICATION_JSON})
    public String vkp() {
        return VKP;
    }

    static CapabilityStatement capabilities(String description, Collection<String> types, String security) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(PublicationStatus.ACTIVE).setDate(new Date()).setKind(CapabilityStatementKind.INSTANCE)
                .setFhirVersion(FHIRVersion._4_0_1).setDescription(description);
        cs.addFormat("application/fhir+json").addFormat("application/json");
        cs.getSoftware().setName("Knutepunkt").setVersion(VERSION);
        // kind=instance: this statement describes a running implementation (FHIR's cpb-15)
        cs.getImplementation().setDescription("Knutepunkt, the open welfare-technology hub");
        CapabilityStatementRestComponent rest = cs.addRest().setMode(RestfulCapabilityMode.SERVER);
        rest.getSecurity().addService(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth")))
                .setDescription("HelseID bearer token (client_amr=private_key_jwt); " + security
                        + ". Every answer names a message id; follow it at /v1/{type}/{id}/$status.");
        for (String type : new TreeSet<>(types)) {
            var resource = rest.addResource().setType(type);
            resource.addInteraction().setCode(TypeRestfulInteraction.CREATE);
            if (VKP_PROFILES.contains(type)) {
                resource.addSupportedProfile("http://ehelse.no/fhir/StructureDefinition/vkp-" + type + "-v090");
            }
            // follow a message: GET /v1/{type}/{id}/$status (a FHIR Parameters resource to a FHIR client)
            resource.addOperation().setName("status")
                    .setDefinition("https://knutepunkt.no/fhir/OperationDefinition/message-status");
        }
        return cs;
    }
}
