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

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated() {
        return Response.fromResponse(outcome(401, Outcomes.error(IssueType.LOGIN, VkpCode.NOT_AUTHORIZED,
                "helseid-token", "a valid HelseID access token is required (signature, issuer, audience, expiry)")))
                .header("WWW-Authenticate", "Bearer").build();
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
        String ref = java.util.UUID.randomUUID().toString();
        LOG.errorf("unexpected error %s: %s", ref, e.getClass().getName());
        return outcome(500, Outcomes.error(IssueType.EXCEPTION, VkpCode.OTHER, "internal",
                "internal error; reference " + ref));
    }

    static Response outcome(int status, OperationOutcome outcome) {
        return Response.status(status).type(FHIR_JSON).entity(Outcomes.toJson(outcome)).build();
    }
}
