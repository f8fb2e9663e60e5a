package no.knutepunkt.consent.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.consent.PartnerProfileVersion;
import no.knutepunkt.consent.service.RegisterService;
import no.knutepunkt.model.event.PartnerProfileChanged;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A municipality's partner profile: which of its EPJ's services each ServiceCode means, so that a vendor reading for
 * a ServiceCode sees only patients with such a service. Its administrator sets it; every version is kept.
 */
@Path("/consent/v1/municipalities/{orgnr}/partner-profile")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PartnerProfileResource {

    private final RegisterService register;
    private final Callers callers;

    public PartnerProfileResource(RegisterService register, Callers callers) {
        this.register = register;
        this.callers = callers;
    }

    /** @param serviceCodes ServiceCode → the EPJ's service codes, {@code %} a wildcard: {@code {"GPS": ["%.2.3"]}} */
    public record Profile(Map<String, List<String>> serviceCodes) {
    }

    public record ProfileView(String orgnr, int version, Map<String, List<String>> serviceCodes, String changedBy,
            Instant changedAt) {
        static ProfileView of(PartnerProfileVersion p) {
            return new ProfileView(p.orgnr, p.version, p.serviceCodeMap(), p.changedBy, p.changedAt);
        }

        static ProfileView of(PartnerProfileChanged e) {
            return new ProfileView(e.orgnr(), e.version(), e.serviceCodes(), e.changedBy(), e.changedAt());
        }
    }

    @GET
    public Uni<Response> read(@PathParam("orgnr") String orgnr) {
        callers.current().mustActFor(orgnr);
        return register.profile(orgnr).map(p -> Response.ok(ProfileView.of(p)).tag(GrantResource.etag(p.version))
                .build());
    }

    @GET
    @Path("/history")
    public Uni<List<ProfileView>> history(@PathParam("orgnr") String orgnr) {
        callers.current().mustActFor(orgnr);
        return register.profileHistory(orgnr).map(all -> all.stream().map(ProfileView::of).toList());
    }

    /** 200 when the new version is in force for the next read, 202 when it is on the log but not yet in force. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> set(@PathParam("orgnr") String orgnr, @HeaderParam("If-Match") String ifMatch,
            Profile profile) {
        ApiCaller caller = callers.current();
        caller.mustAdminister(orgnr);
        return register.setProfile(orgnr, profile == null ? null : profile.serviceCodes(),
                GrantResource.version(ifMatch), caller.clientId()).map(change -> Response
                        .status(change.inForce() ? 200 : 202).entity(ProfileView.of(change.event()))
                        .tag(GrantResource.etag(change.event().version())).build());
    }
}
