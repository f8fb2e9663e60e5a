package no.knutepunkt.ingest.rest;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import no.knutepunkt.ingest.config.IngestConfig;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.rest.OutcomeMappers;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * What the HTTP layer refuses before a request reaches a resource, each with an OperationOutcome like every other
 * answer:
 * <ul>
 * <li>a declared body over the limit, before it is read (413; a body without a length is measured once read, in
 * {@link Writes}, up to the server's own cap, {@code quarkus.http.limits.max-body-size});</li>
 * <li>headers or a request line too long to be a VKP request (431, 414: the server's own limits sit above these, so
 * that it is this handler that answers);</li>
 * <li>a {@code _format} other than JSON (406: FHIR asks a server to honour it or refuse it, never to ignore it);</li>
 * <li>a path with {@code ;parameters}: JAX-RS would drop them, so {@code /epj/r4/312229544;x/bundle} would pass for the
 * orgnr (400);</li>
 * <li>a body that does not arrive within {@code ingest.limits.body-read-timeout} of the headers (408, connection
 * closed): one declared but never sent, or trickled a byte a second, would otherwise hold its connection, and a slot
 * of the writes in flight, for as long as its sender likes;</li>
 * <li>any failure of a route outside the resources (the status it failed with, or 500 with a reference).</li>
 * </ul>
 */
@ApplicationScoped
public class RequestLimits {

    private static final Logger LOG = Logger.getLogger(RequestLimits.class);

    /** Longest request line and header block; a VKP request has a few hundred bytes of each (a token ~2 KB). */
    static final int MAX_REQUEST_LINE = 8 * 1024;
    static final int MAX_HEADERS = 16 * 1024;
    /** FHIR's {@code _format} values for JSON; the hub serves no XML or Turtle, and says so instead of ignoring it. */
    static final java.util.Set<String> JSON_FORMATS = java.util.Set.of("json", "application/json",
            "application/fhir+json", "application/json+fhir");

    private final long maxBytes;
    private final long bodyReadMillis;
    private final Vertx vertx;

    public RequestLimits(IngestConfig config, Vertx vertx) {
        this.maxBytes = config.limits().maxBodyBytes();
        this.bodyReadMillis = config.limits().bodyReadTimeout().toMillis();
        this.vertx = vertx;
    }

    void install(@Observes Router router) {
        router.route().order(-100).handler(this::check).failureHandler(this::failed);
    }

    private void check(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (!request.isEnded()) {
            long timer = vertx.setTimer(bodyReadMillis, id -> {
                if (!request.isEnded() && !rc.response().ended()) {
                    refuse(rc, 408, Outcomes.error(IssueType.TIMEOUT, VkpCode.TIMED_OUT, "body-read-timeout",
                            "the request body did not arrive within " + bodyReadMillis / 1000
                                    + " s; nothing was accepted"));
                }
            });
            rc.addEndHandler(done -> vertx.cancelTimer(timer));
        }
        if (request.uri().length() > MAX_REQUEST_LINE) {
            refuse(rc, 414, Outcomes.error(IssueType.TOOCOSTLY, VkpCode.INVALID_FORMAT, "request-line-size",
                    "the request line is longer than " + MAX_REQUEST_LINE + " bytes"));
            return;
        }
        int headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADERS) {
            refuse(rc, 431, Outcomes.error(IssueType.TOOCOSTLY, VkpCode.INVALID_FORMAT, "header-size",
                    "the headers are larger than " + MAX_HEADERS + " bytes"));
            return;
        }
        if (request.path().contains(";")) {
            refuse(rc, 400, Outcomes.error(IssueType.INVALID, VkpCode.INVALID_FORMAT, "path-syntax",
                    "the path takes no ;parameters"));
            return;
        }
        String format = request.getParam("_format");
        if (format != null && !JSON_FORMATS.contains(format.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT))) {
            refuse(rc, 406, Outcomes.error(IssueType.NOTSUPPORTED, VkpCode.INVALID_FORMAT, "format",
                    "_format " + Outcomes.bounded(format, 40) + " is not served; only JSON (json, application/fhir+json)"));
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && isOver(length)) {
            refuse(rc, 413, tooLarge(maxBytes));
            return;
        }
        rc.next();
    }

    static OperationOutcome tooLarge(long maxBytes) {
        return Outcomes.error(IssueType.TOOCOSTLY, VkpCode.INVALID_FORMAT, "body-size",
                "the body is larger than " + maxBytes + " bytes");
    }

    private void failed(RoutingContext rc) {
        if (rc.response().ended() || rc.response().headWritten()) {
            return;
        }
        int status = rc.statusCode() > 0 ? rc.statusCode() : 500;
        if (status >= 500) {
            String ref = java.util.UUID.randomUUID().toString();
            LOG.errorf("request failed, reference %s: %s", ref, rc.failure() == null ? status
                    : rc.failure().getClass().getName());
            refuse(rc, status, Outcomes.error(IssueType.EXCEPTION, VkpCode.OTHER, "internal",
                    "internal error; reference " + ref));
        } else if (status == 413) {
            refuse(rc, status, tooLarge(maxBytes));
        } else {
            refuse(rc, status, Outcomes.error(IssueType.PROCESSING, VkpCode.INVALID_FORMAT, "http-" + status,
                    "the request was refused by the HTTP layer (" + status + ")"));
        }
    }

    /**
     * Answers and, for a request whose body may still be coming, closes its HTTP/1 connection after the answer (an
     * HTTP/2 connection carries other requests: there the stream alone ends).
     */
    private static void refuse(RoutingContext rc, int status, OperationOutcome why) {
        boolean close = (!rc.request().isEnded() || status == 408 || status == 413)
                && rc.request().version() != HttpVersion.HTTP_2;
        var response = rc.response().setStatusCode(status).putHeader("Content-Type", OutcomeMappers.FHIR_JSON);
        if (close) {
            response.putHeader("Connection", "close");
        }
        response.end(Outcomes.toJson(why)).onComplete(done -> {
            if (close) {
                rc.request().connection().close();
            }
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
