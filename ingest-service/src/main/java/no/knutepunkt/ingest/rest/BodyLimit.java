package no.knutepunkt.ingest.rest;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.OutcomeMappers;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Refuses a declared body over the limit before it is read, with 413 and an OperationOutcome. (A chunked body
 * without a length meets the HTTP layer's own limit, {@code quarkus.http.limits.max-body-size}.) Refuses a path with
 * {@code ;parameters} too: JAX-RS would drop them, so {@code /epj/r4/312229544;x/bundle} would pass for the orgnr.
 */
@ApplicationScoped
public class BodyLimit {

    private final long maxBytes;

    public BodyLimit(IngestConfig config) {
        this.maxBytes = config.limits().maxBodyBytes();
    }

    void install(@Observes Router router) {
        router.route().order(-100).handler(rc -> {
            if (rc.request().path().contains(";")) {
                rc.response().setStatusCode(400).putHeader("Content-Type", OutcomeMappers.FHIR_JSON)
                        .end(Outcomes.toJson(Outcomes.error(IssueType.INVALID, VkpCode.INVALID_FORMAT, "path-syntax",
                                "the path takes no ;parameters")));
                return;
            }
            String length = rc.request().getHeader("Content-Length");
            if (length != null && isOver(length)) {
                rc.response().setStatusCode(413).putHeader("Content-Type", OutcomeMappers.FHIR_JSON)
                        .putHeader("Connection", "close")
                        .end(Outcomes.toJson(Outcomes.error(IssueType.TOOCOSTLY, VkpCode.INVALID_FORMAT, "body-size",
                                "the body is larger than " + maxBytes + " bytes")));
                return;
            }
            rc.next();
        });
    }

    private boolean isOver(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return false; // the HTTP layer rejects a malformed length itself
        }
    }
}
