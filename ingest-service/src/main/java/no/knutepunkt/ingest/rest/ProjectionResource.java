package no.knutepunkt.ingest.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import no.knutepunkt.ingest.messaging.StatusRebuild;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;

/** For operators: the status projection rebuilt from the log. */
@Path("/ingest/v1/status/projection/rebuild")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ProjectionResource {

    private final StatusRebuild rebuild;
    private final Callers callers;

    public ProjectionResource(StatusRebuild rebuild, Callers callers) {
        this.rebuild = rebuild;
        this.callers = callers;
    }

    @POST
    public Uni<StatusRebuild.Rebuilt> rebuild() {
        callers.current().mustOperate();
        return rebuild.rebuild();
    }
}
