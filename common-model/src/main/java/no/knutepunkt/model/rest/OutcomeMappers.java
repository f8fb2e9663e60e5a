package no.knutepunkt.model.rest;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every refusal is an OperationOutcome with a VKP code, including those of the security layer and the framework.
 * Quarkus finds these mappers because common-model carries a beans.xml.
 */
public class OutcomeMappers {

    public static final String FHIR_JSON = "application/fhir+json";

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(OutcomeMappers.class);

    @ServerExceptionMapper
    public Response rejected(Rejection rejection) {
        Response answer = outcome(rejection.status(), rejection.outcome());
        return rejection.retryAfterSeconds() == null ? answer
                : Response.fromResponse(answer).header("Retry-After", rejection.retryAfterSeconds()).build();
    }

    /**
     * 401, with the challenge RFC 6750 asks: {@code error="invalid_token"} when a token was presented and refused (a
     * client library then knows to fetch a new one), a bare {@code Bearer} when there was none.
     */
    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e, jakarta.ws.rs.core.HttpHeaders headers) {
        if (issuerUnavailable(e)) {
            return issuerUnavailable();
        }
        boolean presented = headers.getHeaderString("Authorization") != null;
        return Response.fromResponse(outcome(401, Outcomes.error(IssueType.LOGIN, VkpCode.NOT_AUTHORIZED,
                "helseid-token", "a valid HelseID access token is required (signature, issuer, audience, expiry, "
                        + "type at+jwt)")))
                .header("WWW-Authenticate", presented ? "Bearer error=\"invalid_token\"" : "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return outcome(403, Outcomes.error(IssueType.FORBIDDEN, VkpCode.FORBIDDEN, "forbidden", "not allowed"));
    }

    /** Anything unexpected: a 500 with VKP code 3 and a reference for the logs, never a stack trace. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(RuntimeException e) {
        if (e instanceof jakarta.ws.rs.WebApplicationException web) {
            if (web.getResponse().hasEntity()) {
                return web.getResponse(); // already an answer of ours
            }
            int status = web.getResponse().getStatus();
            return outcome(status, Outcomes.error(status == 404 ? IssueType.NOTFOUND : IssueType.PROCESSING,
                    status == 405 || status == 404 ? VkpCode.INVALID : VkpCode.INVALID_FORMAT, "http-" + status,
                    web.getMessage()));
        }
        if (issuerUnavailable(e)) {
            return issuerUnavailable();
        }
        String ref = java.util.UUID.randomUUID().toString();
        LOG.errorf("unexpected error %s: %s", ref, e.getClass().getName());
        return outcome(500, Outcomes.error(IssueType.EXCEPTION, VkpCode.OTHER, "internal",
                "internal error; reference " + ref));
    }

    /**
     * The token issuer (HelseID) could not be reached for its keys, so no token can be checked: the caller is not at
     * fault and may send again shortly (a 500 said otherwise).
     */
    private Response issuerUnavailable() {
        return rejected(Rejection.retryLater(503, 5, Outcomes.error(IssueType.TRANSIENT, VkpCode.OTHER,
                "token-issuer-unavailable", "the token issuer's keys cannot be read just now, so no token can be "
                        + "checked; nothing was accepted, send it again shortly")));
    }

    /** Quarkus OIDC's own exception, somewhere in the chain (common-model does not depend on quarkus-oidc). */
    private static boolean issuerUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().equals("io.quarkus.oidc.OIDCException")) {
                return true;
            }
        }
        return false;
    }

    static Response outcome(int status, OperationOutcome outcome) {
        return Response.status(status).type(FHIR_JSON).entity(Outcomes.toJson(outcome)).build();
    }
}
