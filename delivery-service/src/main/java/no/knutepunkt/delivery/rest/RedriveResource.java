package no.knutepunkt.delivery.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.delivery.service.Redrives;
import no.knutepunkt.model.event.MessageKind;
import no.knutepunkt.model.event.RedriveFilter;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * Re-drives, for an NHN operator (any filter) and a municipality's administrator (its own messages only): a dry run
 * with counts, the re-drive itself, its progress, and cancelling it.
 */
@Path("/delivery/v1/redrives")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RedriveResource {

    private final Redrives redrives;
    private final Callers callers;

    public RedriveResource(Redrives redrives, Callers callers) {
        this.redrives = redrives;
        this.callers = callers;
    }

    /**
     * @param orgnr the municipality (an operator may leave it out: every municipality)
     * @param epj   the EPJ product (e.g. {@code gerica}) or endpoint
     * @param dryRun true: only say what would be re-driven
     */
    public record Request(String orgnr, String epj, String sender, MessageKind kind, Instant from, Instant to,
            List<String> states, Integer perEpjPerSecond, String reason, boolean dryRun) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> redrive(Request request) {
        ApiCaller caller = callers.current();
        if (request == null || request.orgnr() == null) {
            caller.mustOperate();
        } else {
            caller.mustActFor(request.orgnr());
        }
        RedriveFilter filter = redrives.complete(new RedriveFilter(request.orgnr(), request.epj(), request.sender(),
                request.kind(), request.from(), request.to(), request.states()));
        int rate = redrives.rate(request.perEpjPerSecond());
        if (request.dryRun()) {
            return redrives.plan(filter, rate).map(plan -> Response.ok(plan).build());
        }
        return redrives.start(filter, rate, request.reason(), caller.clientId())
                .map(p -> Response.accepted(p).location(URI.create("/delivery/v1/redrives/" + p.redriveId()))
                        .build());
    }

    @GET
    public Uni<List<Redrives.Progress>> list(@QueryParam("orgnr") String orgnr) {
        ApiCaller caller = callers.current();
        if (orgnr == null) {
            caller.mustOperate();
        } else {
            caller.mustActFor(orgnr);
        }
        return redrives.list(orgnr).chain(all -> all.isEmpty() ? Uni.createFrom().item(List.<Redrives.Progress>of())
                : io.smallrye.mutiny.Multi.createFrom().iterable(all)
                        .onItem().transformToUniAndConcatenate(redrives::progress).collect().asList());
    }

    @GET
    @Path("/{redriveId}")
    public Uni<Redrives.Progress> progress(@PathParam("redriveId") String redriveId) {
        return redrives.progress(redriveId).invoke(p -> mayAccess(p.filter()));
    }

    @POST
    @Path("/{redriveId}/cancel")
    public Uni<Redrives.Progress> cancel(@PathParam("redriveId") String redriveId) {
        ApiCaller caller = callers.current();
        return redrives.progress(redriveId).invoke(p -> mayAccess(p.filter()))
                .chain(p -> redrives.cancel(redriveId, caller.clientId()));
    }

    private void mayAccess(RedriveFilter filter) {
        ApiCaller caller = callers.current();
        if (filter.orgnr() == null) {
            caller.mustOperate();
        } else {
            caller.mustActFor(filter.orgnr());
        }
    }
}
