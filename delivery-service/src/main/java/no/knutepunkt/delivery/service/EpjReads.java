package no.knutepunkt.delivery.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.delivery.config.DeliveryConfig;
import no.knutepunkt.model.crypto.PayloadVault;
import no.knutepunkt.model.event.EventCodec;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.ReadAnswered;
import no.knutepunkt.model.event.ReadFailed;
import no.knutepunkt.model.event.ReadRouted;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.fhir.VkpReads;
import no.knutepunkt.model.identity.NationalId;
import no.knutepunkt.model.identity.PatientPseudonym;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The EPJ gateway for reads: performs a routed read's FHIR search against the municipality's EPJ, within what is
 * left of the read's deadline, and says what it disclosed. Only this reaches an EPJ for a read.
 */
@ApplicationScoped
public class EpjReads {

    private static final Logger LOG = Logger.getLogger(EpjReads.class);
    /** How long a vendor is told to wait before it reads again from an EPJ that was down. */
    static final int RETRY_AFTER_SECONDS = 30;

    private final DeliveryConfig config;
    private final EpjCredentials credentials;
    private final PayloadVault vault;
    private final PatientPseudonym pseudonym;
    private final PageTokens pages;
    private final HttpClient http;

    public EpjReads(DeliveryConfig config, EpjCredentials credentials, PayloadVault vault) {
        this.config = config;
        this.credentials = credentials;
        this.vault = vault;
        this.pseudonym = new PatientPseudonym(config.pseudonymSecret());
        this.pages = new PageTokens(config.pseudonymSecret());
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
    }

    /** Blocking: call it off the event loop. The outcome to publish: answered, or why not. */
    public EventData perform(ReadRouted read) {
        Duration left = Duration.between(Instant.now(), read.answerBy());
        if (left.isNegative() || left.isZero()) {
            return failed(read, 504, VkpCode.TIMED_OUT, "read-expired",
                    "the read's deadline had passed before the EPJ could be asked; it was not asked", null);
        }
        try {
            String asked = vault.open(read.readId(), read.query()).await().atMost(left);
            String endpoint = read.destination().endpoint().replaceAll("/+$", "");
            String query = withoutPage(asked);
            String patient = patientOf(query);
            String token = pageTokenOf(asked);
            PageTokens.Page page = token == null ? null : pageOf(token, read, patient, endpoint);
            if (token != null && page == null) {
                return failed(read, 400, VkpCode.INVALID_FORMAT, "search-page", "the page is not of this search "
                        + "(the same patient, resource and system), or it has expired; search again from the first "
                        + "page", null);
            }
            String bearer = read.destination().credentialsRef() == null ? null
                    : credentials.bearer(read.destination().credentialsRef());
            String vendorQuery = query;
            String type = VkpReads.READABLE.get(read.resource());
            long start = System.nanoTime();
            String byPatient = patient == null ? null : "patient.identifier=" + URLEncoder.encode(patient,
                    StandardCharsets.UTF_8);
            if (EpjDelivery.HELSEPLATTFORMEN.equals(read.destination().epjProduct())) {
                EventData refused = epicRefuses(read, type, patient);
                if (refused != null) {
                    return refused;
                }
                // Epic searches by its own patient id, found by the national id
                HttpResponse<String> found = get(endpoint + "/Patient?identifier=" + URLEncoder.encode(patient,
                        StandardCharsets.UTF_8), bearer, read);
                EventData unavailable = unavailable(read, found);
                if (unavailable != null) {
                    return unavailable;
                }
                String epicId = EventCodec.mapper().readTree(found.body()).at("/entry/0/resource/id").asText(null);
                if (epicId == null) {
                    return missingService(read);
                }
                byPatient = "patient=" + URLEncoder.encode(epicId, StandardCharsets.UTF_8);
                query = epicQuery(query, type, epicId);
            }
            // need-to-know, asked of the EPJ at read time, so that a service that ended yesterday counts as ended
            HttpResponse<String> episodes = get(endpoint + "/EpisodeOfCare?status=active"
                    + (byPatient == null ? "" : "&" + byPatient), bearer, read);
            long askedServices = System.nanoTime() - start;
            EventData unavailable = unavailable(read, episodes);
            if (unavailable != null) {
                return unavailable;
            }
            Served served = Served.of(EventCodec.mapper().readTree(episodes.body()), patterns(read.servicePatterns()),
                    Instant.now());
            if (patient != null && served.isEmpty()) {
                return missingService(read);
            }
            start = System.nanoTime();
            HttpResponse<String> answer = get(page != null ? page.url()
                    : endpoint + "/" + type + (query.isEmpty() ? "" : "?" + query), bearer, read);
            long epjMillis = (askedServices + System.nanoTime() - start) / 1_000_000;
            if (Instant.now().isAfter(read.answerBy())) {
                LOG.infof("read %s: the EPJ answered after the deadline (%d ms); the answer was not passed on",
                        read.readId(), epjMillis);
                return failed(read, 504, VkpCode.TIMED_OUT, "epj-answered-late",
                        "the municipality's EPJ answered after the read's deadline", null);
            }
            unavailable = unavailable(read, answer);
            return unavailable != null ? unavailable
                    : answered(read, answer.body(), served, epjMillis, new Search(endpoint, vendorQuery, patient));
        } catch (HttpTimeoutException e) {
            return failed(read, 504, VkpCode.TIMED_OUT, "epj-timeout",
                    "the municipality's EPJ did not answer within the read's deadline", null);
        } catch (ConnectException e) {
            return failed(read, 503, VkpCode.OTHER, "epj-unavailable",
                    "the municipality's EPJ cannot be reached; try again later", RETRY_AFTER_SECONDS);
        } catch (EpjCredentials.Unavailable e) {
            return failed(read, 503, VkpCode.OTHER, "epj-credentials",
                    "the hub could not get a token for the municipality's EPJ; try again later", RETRY_AFTER_SECONDS);
        } catch (IOException e) {
            return failed(read, 503, VkpCode.OTHER, "epj-unavailable",
                    "the municipality's EPJ could not be read (" + e.getClass().getSimpleName() + ")",
                    RETRY_AFTER_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(read, 503, VkpCode.OTHER, "interrupted", "the read was interrupted; try again",
                    RETRY_AFTER_SECONDS);
        } catch (RuntimeException e) {
            // an erased or unreadable query, a timeout opening it, an answer that is not JSON
            return failed(read, 502, VkpCode.OTHER, "read-failed",
                    "the read could not be completed (" + e.getClass().getSimpleName() + ")", null);
        }
    }

    /** Helseplattformen's FHIR R4 API (Epic) searches these, and only for one patient at a time. */
    static final Set<String> EPIC_SEARCHES = Set.of("Patient", "EpisodeOfCare", "CarePlan", "Condition",
            "AllergyIntolerance");

    private static EventData epicRefuses(ReadRouted read, String type, String patient) {
        if (!EPIC_SEARCHES.contains(type)) {
            return failed(read, 501, VkpCode.OTHER, "epic-no-search", "Helseplattformen (Epic) offers no FHIR R4 "
                    + "search of " + type + "; searchable there are " + new java.util.TreeSet<>(EPIC_SEARCHES), null);
        }
        if (patient == null) {
            return failed(read, 501, VkpCode.OTHER, "epic-list-search", "Helseplattformen (Epic) searches one "
                    + "patient at a time: name the patient", null);
        }
        return null;
    }

    /** VKP's search as Epic takes it: the patient by Epic's id ({@code _id} for Patient itself), the rest as it was. */
    static String epicQuery(String query, String type, String epicId) {
        List<String> parts = new ArrayList<>();
        parts.add(("Patient".equals(type) ? "_id=" : "patient=") + URLEncoder.encode(epicId, StandardCharsets.UTF_8));
        for (String pair : query.split("&")) {
            if (!pair.isEmpty() && !pair.startsWith("identifier=") && !pair.startsWith("patient.identifier=")) {
                parts.add(pair);
            }
        }
        return String.join("&", parts);
    }

    private static ReadFailed missingService(ReadRouted read) {
        return failed(read, 403, VkpCode.MISSING_ACTIVE_SERVICE, "missing-active-service",
                "the patient has no active service at the municipality for ServiceCode "
                        + String.join(",", read.serviceCodes()), null);
    }

    /** Refused or unavailable: the outcome to publish; null when the EPJ answered 2xx. */
    private static EventData unavailable(ReadRouted read, HttpResponse<String> answer) {
        int status = answer.statusCode();
        if (status == 429 || status == 502 || status == 503 || status == 504) {
            return failed(read, 503, VkpCode.OTHER, "epj-unavailable",
                    "the municipality's EPJ is unavailable (HTTP " + status + "); try again later", RETRY_AFTER_SECONDS);
        }
        if (status / 100 != 2) {
            return failed(read, 502, VkpCode.OTHER, "epj-error",
                    "the municipality's EPJ refused the search (HTTP " + status + ")", null);
        }
        return null;
    }

    private HttpResponse<String> get(String url, String bearer, ReadRouted read)
            throws IOException, InterruptedException {
        Duration left = Duration.between(Instant.now(), read.answerBy());
        if (left.isNegative() || left.isZero()) {
            throw new HttpTimeoutException("the read's deadline passed");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(left)
                .header("Accept", "application/fhir+json").GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The vendor's search as it names itself in links: the EPJ it went to, its parameters, its patient. */
    private record Search(String endpoint, String query, String patient) {
    }

    /** The search's parameters without the page it asked for. */
    static String withoutPage(String query) {
        return java.util.Arrays.stream(query.split("&")).filter(p -> !p.isEmpty() && !p.startsWith("_page="))
                .collect(java.util.stream.Collectors.joining("&"));
    }

    /** The page token a search names ({@code _page}), or null. */
    static String pageTokenOf(String query) {
        for (String pair : query.split("&")) {
            if (pair.startsWith("_page=")) {
                return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The page a token names, when it is one of this search's pages on this EPJ and still fresh; else null. */
    private PageTokens.Page pageOf(String token, ReadRouted read, String patient, String endpoint) {
        try {
            PageTokens.Page page = pages.open(token);
            return page.belongsTo(read.orgnr(), read.sender().vkpId(), read.resource(), patient, Instant.now())
                    && page.url().startsWith(endpoint + "/") ? page : null;
        } catch (PageTokens.Invalid e) {
            return null;
        }
    }

    /**
     * The EPJ's paging links as the hub's, relative to the municipality's VKP base ({@code careplan?…}), for ingest
     * to make absolute: the vendor's search with the EPJ's page sealed in {@code _page}. Links to anywhere but the
     * EPJ searched are dropped.
     */
    private ArrayNode links(JsonNode epjLinks, ReadRouted read, Search search) {
        ArrayNode links = EventCodec.mapper().createArrayNode();
        String self = read.resource() + (search.query().isEmpty() ? "" : "?" + search.query());
        Instant expires = Instant.now().plus(PageTokens.LIFETIME).truncatedTo(ChronoUnit.SECONDS);
        for (JsonNode link : epjLinks) {
            String relation = link.path("relation").asText();
            String url = link.path("url").asText("");
            String as = switch (relation) {
                case "self" -> "self";
                case "next" -> "next";
                case "previous", "prev" -> "previous";
                default -> null;
            };
            if (as == null || !url.startsWith(search.endpoint() + "/")) {
                continue;
            }
            String token = pages.seal(new PageTokens.Page(read.orgnr(), read.sender().vkpId(), read.resource(),
                    search.patient(), url, expires));
            links.addObject().put("relation", as).put("url", self + (search.query().isEmpty() ? "?" : "&")
                    + "_page=" + token);
        }
        if (links.isEmpty()) {
            links.addObject().put("relation", "self").put("url", self);
        }
        return links;
    }

    /** The patient a search names ({@code system|value}), or null for a list. */
    static String patientOf(String query) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if ((name.equals("identifier") || name.equals("patient.identifier")) && eq > 0) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The partner profile's patterns as expressions: {@code %} any run of characters, the rest as written. */
    static List<Pattern> patterns(List<String> servicePatterns) {
        return (servicePatterns == null ? List.<String>of() : servicePatterns).stream()
                .map(p -> Pattern.compile(java.util.Arrays.stream(p.split("%", -1)).map(Pattern::quote)
                        .collect(java.util.stream.Collectors.joining(".*")))).toList();
    }

    /**
     * The patients with an active service of the patterns: by national id and by the EPJ's reference to them, so
     * that an EPJ's resources can be told whose they are either way.
     */
    record Served(Set<String> nationalIds, Set<String> references) {

        static Served of(JsonNode episodes, List<Pattern> patterns, Instant now) {
            Set<String> ids = new HashSet<>();
            Set<String> refs = new HashSet<>();
            for (JsonNode entry : episodes.path("entry")) {
                JsonNode e = entry.path("resource");
                if (active(e, patterns, now)) {
                    JsonNode who = e.path("patient");
                    if (who.has("reference")) {
                        refs.add(who.get("reference").asText());
                    }
                    if (who.path("identifier").has("value")) {
                        ids.add(who.path("identifier").path("value").asText());
                    }
                }
            }
            return new Served(ids, refs);
        }

        /** Active, not ended, and of one of the services: the EPJ's own filter is not relied on. */
        static boolean active(JsonNode episode, List<Pattern> patterns, Instant now) {
            if (!"EpisodeOfCare".equals(episode.path("resourceType").asText())
                    || !"active".equals(episode.path("status").asText())) {
                return false;
            }
            String end = episode.path("period").path("end").asText(null);
            if (end != null && !end.isBlank() && !ends(end).isAfter(now)) {
                return false;
            }
            for (JsonNode type : episode.path("type")) {
                for (JsonNode coding : type.path("coding")) {
                    String code = coding.path("code").asText("");
                    if (patterns.stream().anyMatch(p -> p.matcher(code).matches())) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The end of a FHIR date or dateTime: a day ends at its last moment. */
        private static Instant ends(String end) {
            return end.length() == 10 ? java.time.LocalDate.parse(end).plusDays(1).atStartOfDay(
                    java.time.ZoneOffset.UTC).toInstant() : java.time.OffsetDateTime.parse(end).toInstant();
        }

        boolean isEmpty() {
            return nationalIds.isEmpty() && references.isEmpty();
        }

        /** Whether a resource is about a patient served: a Patient of theirs, or what names one of them. */
        boolean covers(JsonNode resource) {
            if ("Patient".equals(resource.path("resourceType").asText())
                    && references.contains("Patient/" + resource.path("id").asText())) {
                return true;
            }
            for (String[] id : personIds(resource)) {
                if (nationalIds.contains(id[1])) {
                    return true;
                }
            }
            for (String field : List.of("subject", "patient")) {
                if (references.contains(resource.path(field).path("reference").asText())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The answer with only what is about patients served, and what that discloses, sealed. */
    private EventData answered(ReadRouted read, String body, Served served, long epjMillis, Search search)
            throws IOException {
        JsonNode parsed = EventCodec.mapper().readTree(body);
        if (!(parsed instanceof ObjectNode bundle) || !"Bundle".equals(bundle.path("resourceType").asText())) {
            return failed(read, 502, VkpCode.OTHER, "epj-answer", "the EPJ's answer is not a FHIR Bundle", null);
        }
        Map<String, Integer> disclosed = new TreeMap<>();
        List<String> patients = new ArrayList<>();
        if (read.patientKey() != null) {
            patients.add(read.patientKey());
        }
        ArrayNode kept = EventCodec.mapper().createArrayNode();
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            // the EPJ searched one patient, whose service was checked; a list keeps only patients served
            if (read.patientKey() == null && !served.covers(resource)) {
                continue;
            }
            kept.add(entry);
            disclosed.merge(resource.path("resourceType").asText("unknown"), 1, Integer::sum);
            personIds(resource).forEach(id -> {
                String key = pseudonym.of(id[0], id[1]);
                if (!patients.contains(key)) {
                    patients.add(key);
                }
            });
        }
        bundle.set("entry", kept);
        bundle.set("link", links(bundle.path("link"), read, search));
        // one patient's search is the EPJ's, whole; a list's total would count patients left out
        if (read.patientKey() == null) {
            bundle.remove("total");
        }
        String keyOwner = read.patientKey() != null ? read.patientKey() : VkpReads.readKey(read.readId());
        Duration left = Duration.between(Instant.now(), read.answerBy());
        String sealed = vault.seal(read.orgnr(), keyOwner, read.readId(), bundle.toString())
                .await().atMost(left.isNegative() ? Duration.ofMillis(1) : left);
        return new ReadAnswered(read.readId(), read.orgnr(), read.sender(), read.resource(), read.patientKey(),
                disclosed, patients, sealed, epjMillis, Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    /** The national ids a resource is about: a Patient's own, or its subject's or patient's logical reference. */
    static List<String[]> personIds(JsonNode resource) {
        List<String[]> ids = new ArrayList<>();
        List<JsonNode> identifiers = new ArrayList<>();
        if ("Patient".equals(resource.path("resourceType").asText())) {
            resource.path("identifier").forEach(identifiers::add);
        }
        identifiers.add(resource.path("subject").path("identifier"));
        identifiers.add(resource.path("patient").path("identifier"));
        for (JsonNode id : identifiers) {
            String system = id.path("system").asText(null);
            String value = id.path("value").asText(null);
            if (system != null && value != null && NationalId.isPersonSystem(system)) {
                ids.add(new String[] {system, value});
            }
        }
        return ids;
    }

    private static ReadFailed failed(ReadRouted read, int status, VkpCode code, String rule, String reason,
            Integer retryAfter) {
        return new ReadFailed(read.readId(), read.orgnr(), read.sender(), "delivery", status, code.code(), rule,
                reason, retryAfter, Instant.now().truncatedTo(ChronoUnit.MICROS));
    }
}
