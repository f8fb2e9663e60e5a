package no.knutepunkt.consent.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.consent.config.ConsentConfig;
import no.knutepunkt.consent.rest.Views.GrantView;
import no.knutepunkt.consent.service.RegisterService;
import no.knutepunkt.consent.service.RegisterService.Change;
import no.knutepunkt.consent.service.RegisterService.Terms;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A municipality's grants: who may send to it and read from it, for what, until when, and on which legal basis.
 * A change is answered 201/200 once it is in force, 202 if the projection had not caught up within the wait.
 * {@code If-Match: "N"} on a change refuses it (412) unless the grant is still at version N.
 */
@Path("/consent/v1/municipalities/{orgnr}/grants")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class GrantResource {

    private final RegisterService register;
    private final ConsentConfig config;
    private final Callers callers;

    public GrantResource(RegisterService register, ConsentConfig config, Callers callers) {
        this.register = register;
        this.config = config;
        this.callers = callers;
    }

    public record Revocation(String reason) {
    }

    @GET
    public Uni<List<GrantView>> list(@PathParam("orgnr") String orgnr) {
        callers.current().mustActFor(orgnr);
        return register.ofMunicipality(orgnr).map(grants -> GrantView.of(grants, config.expiryWarning()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@PathParam("orgnr") String orgnr, Terms terms) {
        ApiCaller caller = callers.current();
        caller.mustAdminister(orgnr);
        return register.grant(orgnr, terms, caller.clientId()).map(change -> Response
                .status(change.inForce() ? 201 : 202)
                .location(URI.create("/consent/v1/municipalities/" + orgnr + "/grants/" + change.event().grantId()))
                .tag(etag(change.event().version())).entity(change.event()).build());
    }

    @GET
    @Path("/{grantId}")
    public Uni<Response> read(@PathParam("orgnr") String orgnr, @PathParam("grantId") String grantId) {
        callers.current().mustActFor(orgnr);
        return register.read(orgnr, grantId).map(g -> Response
                .ok(GrantView.of(g, Instant.now(), config.expiryWarning())).tag(etag(g.version)).build());
    }

    /** Amends the terms: a new version of the same grant, for the same sender. */
    @PUT
    @Path("/{grantId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> amend(@PathParam("orgnr") String orgnr, @PathParam("grantId") String grantId,
            @HeaderParam("If-Match") String ifMatch, Terms terms) {
        ApiCaller caller = callers.current();
        caller.mustAdminister(orgnr);
        return register.amend(orgnr, grantId, terms, version(ifMatch), caller.clientId())
                .map(change -> answer(change, change.event().version()));
    }

    @POST
    @Path("/{grantId}/revoke")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> revoke(@PathParam("orgnr") String orgnr, @PathParam("grantId") String grantId,
            @HeaderParam("If-Match") String ifMatch, Revocation revocation) {
        ApiCaller caller = callers.current();
        caller.mustAdminister(orgnr);
        return register.revoke(orgnr, grantId, revocation == null ? null : revocation.reason(), version(ifMatch),
                caller.clientId()).map(change -> answer(change, change.event().version()));
    }

    /** Every version of the grant: what changed, who changed it and when. */
    @GET
    @Path("/{grantId}/history")
    public Uni<List<GrantView>> history(@PathParam("orgnr") String orgnr, @PathParam("grantId") String grantId) {
        callers.current().mustActFor(orgnr);
        return register.history(orgnr, grantId).map(versions -> versions.stream()
                .map(v -> GrantView.of(v, v.changedAt, config.expiryWarning())).toList());
    }

    static Response answer(Change<?> change, int version) {
        return Response.status(change.inForce() ? 200 : 202).tag(etag(version)).entity(change.event()).build();
    }

    static EntityTag etag(int version) {
        return new EntityTag(Integer.toString(version));
    }

    /** The version an If-Match names, or null; a malformed one is a 400. */
    static Integer version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        String v = ifMatch.trim().replace("W/", "").replace("\"", "");
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw RegisterService.invalid("if-match",
                    "If-Match is the grant's version, e.g. \"3\"");
        }
    }
}
