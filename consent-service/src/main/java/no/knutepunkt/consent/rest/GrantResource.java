package no.knutepunkt.consent.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.consent.Grant;
import no.knutepunkt.consent.service.GrantService;
import no.knutepunkt.consent.service.GrantService.NewGrant;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A municipality's grants: who may send to it, for what, until when, and on which legal basis. */
@Path("/consent/v1/municipalities/{orgnr}/grants")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class GrantResource {

    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private final GrantService service;
    private final JsonWebToken token;

    public GrantResource(GrantService service, JsonWebToken token) {
        this.service = service;
        this.token = token;
    }

    public record GrantView(String grantId, int version, String vkpId, String vendor, String system,
            List<String> scopes, Instant validFrom, Instant validTo, String legalBasis, String state,
            boolean expiresSoon, Instant revokedAt, String revokeReason, String changedBy, Instant changedAt) {

        static GrantView of(Grant g, Instant now) {
            String state = g.stateAt(now);
            boolean soon = "active".equals(state) && g.validTo != null
                    && g.validTo.isBefore(now.plus(EXPIRY_WARNING));
            return new GrantView(g.grantId, g.version, g.vkpId, g.vendor, g.system, g.scopeList(), g.validFrom,
                    g.validTo, g.legalBasis, state, soon, g.revokedAt, g.revokeReason, g.changedBy, g.changedAt);
        }
    }

    public record Revocation(String reason) {
    }

    @GET
    public Uni<List<GrantView>> list(@PathParam("orgnr") String orgnr) {
        Caller.of(token).mustRead(orgnr);
        Instant now = Instant.now();
        return service.list(orgnr).map(grants -> grants.stream().map(g -> GrantView.of(g, now)).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@PathParam("orgnr") String orgnr, NewGrant request) {
        Caller caller = Caller.of(token);
        caller.mustAdminister(orgnr);
        return service.grant(orgnr, request, caller.clientId()).map(granted -> Response
                .created(URI.create("/consent/v1/municipalities/" + orgnr + "/grants/" + granted.grantId()))
                .entity(granted).build());
    }

    @POST
    @Path("/{grantId}/revoke")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> revoke(@PathParam("orgnr") String orgnr, @PathParam("grantId") String grantId,
            Revocation revocation) {
        Caller caller = Caller.of(token);
        caller.mustAdminister(orgnr);
        return service.revoke(orgnr, grantId, revocation == null ? null : revocation.reason(), caller.clientId())
                .map(revoked -> Response.accepted(revoked).build());
    }
}
