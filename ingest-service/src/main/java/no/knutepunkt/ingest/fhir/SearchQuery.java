package no.knutepunkt.ingest.fhir;

import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.fhir.VkpReads;
import no.knutepunkt.model.identity.NationalId;
import no.knutepunkt.model.rest.Rejection;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A vendor's search, as VKP takes it: the patient (a bare 11-digit national id or {@code system|value}, as
 * {@code identifier} or {@code patient.identifier}), dates ({@code date=ge…}, repeated), {@code _count}, and the page
 * of an earlier answer's link ({@code _page}). Anything else is refused, so that a vendor never believes a filter was
 * applied that was not.
 *
 * @param type the FHIR type searched, e.g. {@code CarePlan}
 * @param page the opaque token of a page that an earlier answer linked to, or null for the first page
 */
public record SearchQuery(String type, String patientSystem, String patientValue, List<String> dates,
        Integer count, String page) {

    /** The resources whose searches take a date range. */
    public static final Set<String> DATED = Set.of("CarePlan", "Composition", "EpisodeOfCare");
    static final int MAX_COUNT = 1000;
    /** A page token as delivery makes it: base64url, short enough for a URL. */
    private static final Pattern PAGE = Pattern.compile("[A-Za-z0-9_-]{16,4000}");
    private static final Pattern DATE = Pattern.compile(
            "(eq|ne|gt|lt|ge|le|sa|eb|ap)?\\d{4}(-\\d{2}(-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?"
                    + "(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

    public boolean namesPatient() {
        return patientValue != null;
    }

    /** The FHIR type for a path segment: VKP's lowercase or the type name a FHIR client uses; null when not readable. */
    public static String typeOf(String resource) {
        return VkpReads.READABLE.containsValue(resource) ? resource : VkpReads.READABLE.get(resource);
    }

    /**
     * @param params the form body's or the query string's parameters, each name with its values in order
     */
    public static SearchQuery parse(String type, Map<String, List<String>> params) {
        String system = null;
        String value = null;
        List<String> dates = new ArrayList<>();
        Integer count = null;
        String page = null;
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            String name = p.getKey();
            List<String> values = p.getValue().stream().filter(v -> v != null && !v.isBlank()).map(String::trim)
                    .toList();
            switch (name) {
                case "identifier", "patient.identifier", "patient:Patient.identifier" -> {
                    if (values.size() + (value == null ? 0 : 1) > 1) {
                        throw invalid(VkpCode.INVALID_PARAMETER_COUNT, "search-patient-count", name,
                                "a search names at most one patient");
                    }
                    if (values.size() == 1) {
                        String[] parsed = patient(values.get(0), name);
                        system = parsed[0];
                        value = parsed[1];
                    }
                }
                case "date" -> {
                    if (!DATED.contains(type)) {
                        throw invalid(VkpCode.INVALID_FORMAT, "search-parameter", name,
                                type + " is not searched by date");
                    }
                    for (String d : values) {
                        if (!DATE.matcher(d).matches()) {
                            throw invalid(VkpCode.INVALID_FORMAT, "search-date", name,
                                    "date is a FHIR date with an optional prefix (ge, le, …), e.g. ge2026-01-01");
                        }
                        dates.add(d);
                    }
                    if (dates.size() > 2) {
                        throw invalid(VkpCode.INVALID_PARAMETER_COUNT, "search-date-count", name,
                                "at most two dates: a start (ge) and an end (le)");
                    }
                }
                case "_count" -> {
                    if (values.size() != 1 || !values.get(0).matches("\\d{1,4}")
                            || Integer.parseInt(values.get(0)) < 1 || Integer.parseInt(values.get(0)) > MAX_COUNT) {
                        throw invalid(VkpCode.INVALID_FORMAT, "search-count", name,
                                "_count is one whole number from 1 to " + MAX_COUNT);
                    }
                    count = Integer.parseInt(values.get(0));
                }
                case "_page" -> {
                    if (values.size() != 1 || !PAGE.matcher(values.get(0)).matches()) {
                        throw invalid(VkpCode.INVALID_FORMAT, "search-page", name,
                                "_page is the token of a page link the hub gave; follow the link as it is");
                    }
                    page = values.get(0);
                }
                // the answer's format is always FHIR JSON; HAPI's client may say so
                case "_format" -> {
                }
                default -> throw invalid(VkpCode.INVALID_FORMAT, "search-parameter", name,
                        "unknown search parameter " + bounded(name) + "; " + type
                                + " is searched by identifier or patient.identifier"
                                + (DATED.contains(type) ? ", date" : "") + ", _count and _page");
            }
        }
        return new SearchQuery(type, system, value, List.copyOf(dates), count, page);
    }

    /**
     * The search as FHIR parameters for the EPJ, form-encoded, in a fixed order: the patient as {@code identifier}
     * (Patient) or {@code patient.identifier}, then the dates, the count and the page.
     */
    public String form() {
        List<String> parts = new ArrayList<>();
        if (patientValue != null) {
            parts.add(("Patient".equals(type) ? "identifier" : "patient.identifier") + "="
                    + encode(patientSystem + "|" + patientValue));
        }
        dates.forEach(d -> parts.add("date=" + encode(d)));
        if (count != null) {
            parts.add("_count=" + count);
        }
        if (page != null) {
            parts.add("_page=" + page);
        }
        return String.join("&", parts);
    }

    /**
     * The patient a search names ({@code system}, {@code value}) when it names exactly one valid national id, else
     * null: for the log of a search refused for another reason. Never throws.
     */
    public static String[] patientNamed(Map<String, List<String>> params) {
        List<String[]> named = new ArrayList<>();
        for (String name : List.of("identifier", "patient.identifier", "patient:Patient.identifier")) {
            for (String v : params.getOrDefault(name, List.of())) {
                if (v != null && !v.isBlank()) {
                    try {
                        named.add(patient(v.trim(), name));
                    } catch (Rejection e) {
                        return null;
                    }
                }
            }
        }
        return named.size() == 1 ? named.get(0) : null;
    }

    private static String[] patient(String token, String name) {
        int bar = token.indexOf('|');
        String system = bar < 0 ? null : token.substring(0, bar);
        String value = bar < 0 ? token : token.substring(bar + 1);
        if (!value.matches("\\d{11}") || !NationalId.hasValidCheckDigits(value)) {
            throw invalid(VkpCode.INVALID_SSN, "search-national-id", name,
                    "the patient is an 11-digit national id (fødselsnummer or D-number) with valid check digits");
        }
        if (system == null || system.isEmpty()) {
            system = NationalId.isDNumber(value) ? NationalId.DNR_SYSTEM : NationalId.FNR_SYSTEM;
        } else if (!NationalId.isPersonSystem(system)) {
            throw invalid(VkpCode.INVALID_SSN, "search-identifier-system", name,
                    "the identifier's system is the national id's (" + NationalId.FNR_SYSTEM + ")");
        }
        return new String[] {system, value};
    }

    private static String bounded(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Rejection invalid(VkpCode code, String rule, String parameter, String text) {
        return new Rejection(400, Outcomes.of(org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.ERROR,
                IssueType.INVALID, code, rule, parameter.toLowerCase(Locale.ROOT), text));
    }
}
