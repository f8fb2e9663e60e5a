package no.knutepunkt.routing.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.model.event.KindRule;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.Orgnr;
import no.knutepunkt.model.rest.Rejection;
import no.knutepunkt.routing.Route;
import no.knutepunkt.routing.messaging.RegisterRebuild;
import no.knutepunkt.routing.repository.RouteRepository;
import no.knutepunkt.routing.service.RouteService;
import no.knutepunkt.routing.service.RouteService.RouteRequest;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The operator API of the routing register. */
@Path("/routing/v1/routes")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    private final RouteService service;
    private final RouteRepository routes;
    private final RegisterRebuild rebuild;
    private final Callers callers;

    public RouteResource(RouteService service, RouteRepository routes, RegisterRebuild rebuild, Callers callers) {
        this.service = service;
        this.routes = routes;
        this.rebuild = rebuild;
        this.callers = callers;
    }

    /** A route as the register holds it. */
    public record RouteView(String orgnr, int version, String epjProduct, String mode, String endpoint,
            String credentialsRef, Map<MessageKind, KindRule> kinds, String registeredBy, Instant registeredAt) {
        static RouteView of(Route r) {
            return new RouteView(r.orgnr, r.version, r.epjProduct, r.mode, r.endpoint, r.credentialsRef, r.kinds(),
                    r.registeredBy, r.registeredAt);
        }
    }

    @GET
    @WithSession
    public Uni<List<RouteView>> list() {
        mustOperate();
        return routes.listAll().map(all -> all.stream().map(RouteView::of).toList());
    }

    @GET
    @Path("/{orgnr}")
    @WithSession
    public Uni<RouteView> get(@PathParam("orgnr") String orgnr) {
        mustOperate();
        return routes.findById(orgnr).map(route -> {
            if (route == null) {
                throw new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID_ORG, "route-unknown",
                        "no route for municipality " + orgnr));
            }
            return RouteView.of(route);
        });
    }

    /** 202 with the new version when the route changed; 200 when it already was exactly so. */
    @PUT
    @Path("/{orgnr}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> put(@PathParam("orgnr") String orgnr, RouteRequest request) {
        String operator = mustOperate();
        if (!Orgnr.isWellFormed(orgnr)) {
            throw new Rejection(400, Outcomes.error(IssueType.VALUE, VkpCode.INVALID_ORG, "orgnr-format",
                    "the municipality must be a 9-digit organisation number"));
        }
        return service.register(orgnr, request, operator).map(registered -> registered == null
                ? Response.ok().build()
                : Response.accepted(registered).build());
    }

    /** Empties the routes projection and replays the register topic into it. */
    @jakarta.ws.rs.POST
    @Path("/projection/rebuild")
    public Uni<RegisterRebuild.Rebuilt> rebuild() {
        mustOperate();
        return rebuild.rebuild();
    }

    private String mustOperate() {
        ApiCaller caller = callers.current();
        caller.mustOperate();
        return caller.clientId();
    }
}
