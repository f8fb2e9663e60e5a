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
import no.knutepunkt.delivery.Delivery;
import no.knutepunkt.delivery.DeliveryPause;
import no.knutepunkt.delivery.service.DeliveryControl;
import no.knutepunkt.model.event.DeadLetterHandled;
import no.knutepunkt.model.event.DeliveryResumed;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;

import java.time.Instant;
import java.util.List;

/**
 * Delivery to one municipality's EPJ, for an NHN operator and for the municipality's administrator: pauses and
 * maintenance windows, and dead letters. Every action records who took it.
 */
@Path("/delivery/v1/municipalities/{orgnr}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryControlResource {

    private final DeliveryControl control;
    private final Callers callers;

    public DeliveryControlResource(DeliveryControl control, Callers callers) {
        this.control = control;
        this.callers = callers;
    }

    /**
     * @param from  when the pause begins (now when absent)
     * @param until when it ends (at resume when absent)
     */
    public record Pause(Instant from, Instant until, String reason) {
    }

    public record Reason(String reason) {
    }

    public record PauseView(String pauseId, Instant from, Instant until, String reason, String pausedBy,
            Instant pausedAt, boolean inForce) {
        static PauseView of(DeliveryPause p, Instant now) {
            return new PauseView(p.pauseId, p.fromAt, p.untilAt, p.reason, p.pausedBy, p.pausedAt, p.inForceAt(now));
        }
    }

    /** A dead letter as the municipality sees it: what and why, never the payload. */
    public record DeadLetter(String messageId, String kind, String state, int attempts, String lastError,
            Instant routedAt, Instant deadAt, String endpoint) {
        static DeadLetter of(Delivery d) {
            return new DeadLetter(d.messageId, d.kind, d.state, d.attempts, d.lastError, d.routedAt, d.deadAt,
                    d.endpoint);
        }
    }

    @GET
    @Path("/pauses")
    public Uni<List<PauseView>> pauses(@PathParam("orgnr") String orgnr) {
        callers.current().mustActFor(orgnr);
        Instant now = Instant.now();
        return control.pauses(orgnr).map(all -> all.stream().map(p -> PauseView.of(p, now)).toList());
    }

    @POST
    @Path("/pauses")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> pause(@PathParam("orgnr") String orgnr, Pause pause) {
        ApiCaller caller = callers.current();
        caller.mustActFor(orgnr);
        Pause p = pause == null ? new Pause(null, null, null) : pause;
        return control.pause(orgnr, p.from(), p.until(), p.reason(), caller.clientId())
                .map(paused -> Response.status(201).entity(paused).build());
    }

    /** Ends every pause in force now; planned windows stay. */
    @POST
    @Path("/resume")
    public Uni<DeliveryResumed> resume(@PathParam("orgnr") String orgnr) {
        ApiCaller caller = callers.current();
        caller.mustActFor(orgnr);
        return control.resume(orgnr, caller.clientId());
    }

    @GET
    @Path("/dead-letters")
    public Uni<List<DeadLetter>> deadLetters(@PathParam("orgnr") String orgnr,
            @QueryParam("deleted") boolean deleted) {
        callers.current().mustActFor(orgnr);
        return control.deadLetters(orgnr, deleted).map(all -> all.stream().map(DeadLetter::of).toList());
    }

    /** resend (delivered again from the first attempt), delete (with a reason) or restore (undo a delete). */
    @POST
    @Path("/dead-letters/{messageId}/{action}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<DeadLetterHandled> handle(@PathParam("orgnr") String orgnr, @PathParam("messageId") String messageId,
            @PathParam("action") String action, Reason reason) {
        ApiCaller caller = callers.current();
        caller.mustActFor(orgnr);
        return control.handle(orgnr, messageId, action, reason == null ? null : reason.reason(), caller.clientId());
    }
}
