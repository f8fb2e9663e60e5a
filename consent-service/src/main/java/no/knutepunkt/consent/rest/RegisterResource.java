package no.knutepunkt.consent.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import no.knutepunkt.consent.config.ConsentConfig;
import no.knutepunkt.consent.messaging.ProjectionRebuild;
import no.knutepunkt.consent.rest.Views.GrantView;
import no.knutepunkt.consent.service.RegisterService;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;

import java.util.List;

/** The register across municipalities: for operators, and for a vendor system its own grants. */
@Path("/consent/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RegisterResource {

    private final RegisterService register;
    private final ProjectionRebuild rebuild;
    private final ConsentConfig config;
    private final Callers callers;

    public RegisterResource(RegisterService register, ProjectionRebuild rebuild, ConsentConfig config,
            Callers callers) {
        this.register = register;
        this.rebuild = rebuild;
        this.config = config;
        this.callers = callers;
    }

    @GET
    @Path("/grants")
    public Uni<List<GrantView>> all() {
        callers.current().mustOperate();
        return register.all().map(grants -> GrantView.of(grants, config.expiryWarning()));
    }

    /** The grants, at every municipality, that name this sender. */
    @GET
    @Path("/senders/{vkpId}/grants")
    public Uni<List<GrantView>> ofSender(@PathParam("vkpId") String vkpId) {
        callers.current().mustBeSender(vkpId);
        return register.ofSender(vkpId).map(grants -> GrantView.of(grants, config.expiryWarning()));
    }

    /** Empties the read model and replays the register and decision topics into it. */
    @POST
    @Path("/projection/rebuild")
    public Uni<ProjectionRebuild.Rebuilt> rebuild() {
        callers.current().mustOperate();
        return rebuild.rebuild();
    }
}
