package no.knutepunkt.model.fhir;

import java.util.Map;

/** What a vendor can read through the hub (VKP's use cases 7–12), named as in VKP's paths and as FHIR types. */
public final class VkpReads {

    /** VKP's lowercase resource → the FHIR type searched there. */
    public static final Map<String, String> READABLE = Map.of("patient", "Patient", "episodeofcare",
            "EpisodeOfCare", "careplan", "CarePlan", "composition", "Composition", "condition", "Condition",
            "allergyintolerance", "AllergyIntolerance", "medicationstatement", "MedicationStatement");

    private VkpReads() {
    }

    /**
     * The payload-vault owner of a list search's query and result: the read's own key, which ingest erases once it
     * has answered (a read of one patient uses the patient's key, so that the patient's erasure covers it).
     */
    public static String readKey(String readId) {
        return "read:" + readId;
    }
}
