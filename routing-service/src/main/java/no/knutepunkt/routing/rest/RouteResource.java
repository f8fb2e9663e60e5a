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
import no.knutepunkt.model.event.Destination;
import no.knutepunkt.model.fhir.Outcomes;
import no.knutepunkt.model.fhir.VkpCode;
import no.knutepunkt.model.identity.HelseIdClaims;
import no.knutepunkt.model.identity.Orgnr;
import no.knutepunkt.model.rest.Rejection;
import no.knutepunkt.routing.Route;
import no.knutepunkt.routing.repository.RouteRepository;
import no.knutepunkt.routing.service.RouteService;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

import java.util.List;

/** The operator API of the routing register. */
@Path("/routing/v1/routes")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    private final RouteService service;
    private final RouteRepository routes;
    private final JsonWebToken token;

    public RouteResource(RouteService service, RouteRepository routes, JsonWebToken token) {
        this.service = service;
        this.routes = routes;
        this.token = token;
    }

    @GET
    @WithSession
    public Uni<List<Route>> list() {
        mustOperate();
        return routes.listAll();
    }

    @GET
    @Path("/{orgnr}")
    @WithSession
    public Uni<Route> get(@PathParam("orgnr") String orgnr) {
        mustOperate();
        return routes.findById(orgnr).map(route -> {
            if (route == null) {
                throw new Rejection(404, Outcomes.error(IssueType.NOTFOUND, VkpCode.INVALID_ORG, "route-unknown",
                        "no route for municipality " + orgnr));
            }
            return route;
        });
    }

    /** 202 with the new version when the route changed; 200 when it already was exactly so. */
    @PUT
    @Path("/{orgnr}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> put(@PathParam("orgnr") String orgnr, Destination destination) {
        String operator = mustOperate();
        if (!Orgnr.isWellFormed(orgnr)) {
            throw new Rejection(400, Outcomes.error(IssueType.VALUE, VkpCode.INVALID_ORG, "orgnr-format",
                    "the municipality must be a 9-digit organisation number"));
        }
        return service.register(orgnr, destination, operator).map(registered -> registered == null
                ? Response.ok().build()
                : Response.accepted(registered).build());
    }

    private String mustOperate() {
        if (!HelseIdClaims.scopes(token.getClaim("scope")).contains(HelseIdClaims.SCOPE_OPERATOR)) {
            throw new Rejection(403, Outcomes.error(IssueType.FORBIDDEN, VkpCode.NO_ACCESS, "operator",
                    "only NHN operators manage routes"));
        }
        return token.getClaim(HelseIdClaims.CLIENT_ID);
    }
}
