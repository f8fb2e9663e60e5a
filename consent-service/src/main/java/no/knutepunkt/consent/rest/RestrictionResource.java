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
import no.knutepunkt.consent.rest.Views.RestrictionView;
import no.knutepunkt.consent.service.RegisterService;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;

import java.net.URI;
import java.util.List;

/**
 * A municipality's blocks on single patients. The patient is named by national id on creation only; it is hashed at
 * once, and no answer ever contains it or its hash.
 */
@Path("/consent/v1/municipalities/{orgnr}/restrictions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RestrictionResource {

    private final RegisterService register;
    private final Callers callers;

    public RestrictionResource(RegisterService register, Callers callers) {
        this.register = register;
        this.callers = callers;
    }

    /** @param vkpId the one sender it applies to; every sender when absent */
    public record NewRestriction(String nationalId, String vkpId, String reason) {
    }

    public record Lifting(String reason) {
    }

    /** What creating one answers: its id, never the patient. */
    public record Restricted(String restrictionId, String vkpId, java.time.Instant restrictedAt) {
    }

    @GET
    public Uni<List<RestrictionView>> list(@PathParam("orgnr") String orgnr) {
        callers.current().mustActFor(orgnr);
        return register.restrictionsOf(orgnr).map(all -> all.stream().map(RestrictionView::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@PathParam("orgnr") String orgnr, NewRestriction request) {
        ApiCaller caller = callers.current();
        caller.mustAdminister(orgnr);
        if (request == null) {
            throw RegisterService.invalid("restriction-request", "a restriction needs nationalId and reason");
        }
        return register.restrict(orgnr, request.nationalId(), request.vkpId(), request.reason(), caller.clientId())
                .map(change -> Response.status(change.inForce() ? 201 : 202)
                        .location(URI.create("/consent/v1/municipalities/" + orgnr + "/restrictions/"
                                + change.event().restrictionId()))
                        .entity(new Restricted(change.event().restrictionId(), change.event().vkpId(),
                                change.event().restrictedAt())).build());
    }

    @POST
    @Path("/{restrictionId}/lift")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> lift(@PathParam("orgnr") String orgnr, @PathParam("restrictionId") String restrictionId,
            Lifting lifting) {
        ApiCaller caller = callers.current();
        caller.mustAdminister(orgnr);
        return register.lift(orgnr, restrictionId, lifting == null ? null : lifting.reason(), caller.clientId())
                .map(change -> Response.status(change.inForce() ? 200 : 202).entity(change.event()).build());
    }
}
