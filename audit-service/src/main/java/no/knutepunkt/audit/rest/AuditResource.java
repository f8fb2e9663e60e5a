package no.knutepunkt.audit.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import no.knutepunkt.audit.messaging.AuditedTopics;
import no.knutepunkt.audit.messaging.IndexRebuild;
import no.knutepunkt.audit.service.Disclosures;
import no.knutepunkt.audit.service.Erasures;
import no.knutepunkt.audit.service.Trails;
import no.knutepunkt.audit.service.Verifier;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;

import java.time.Instant;

/**
 * The audit API: a message's trail (for an operator, its municipality, or its sender), and for operators the
 * verification of the log against its hash chain and the rebuild of the trail index from the log.
 */
@Path("/audit/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final Trails trails;
    private final Disclosures disclosures;
    private final Verifier verifier;
    private final IndexRebuild rebuild;
    private final AuditedTopics topics;
    private final Callers callers;
    private final Erasures erasures;

    public AuditResource(Trails trails, Disclosures disclosures, Verifier verifier, IndexRebuild rebuild,
            AuditedTopics topics, Callers callers, Erasures erasures) {
        this.erasures = erasures;
        this.trails = trails;
        this.disclosures = disclosures;
        this.verifier = verifier;
        this.rebuild = rebuild;
        this.topics = topics;
        this.callers = callers;
    }

    @GET
    @Path("/messages/{messageId}/trail")
    public Uni<Trails.Trail> trail(@PathParam("messageId") String messageId) {
        return trails.of(messageId, callers.current());
    }

    /**
     * The municipality's access and disclosure log as FHIR AuditEvents: what was received from whom, and disclosed to
     * which EPJ, optionally for one patient (by national id), from {@code from} until {@code to}.
     */
    @GET
    @Path("/municipalities/{orgnr}/audit-events")
    @Produces("application/fhir+json")
    public Uni<String> auditEvents(@PathParam("orgnr") String orgnr, @QueryParam("patient") String patient,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("_count") @DefaultValue("1000") int count) {
        callers.current().mustActFor(orgnr);
        return disclosures.export(orgnr, patient, from == null ? Instant.EPOCH : Instant.parse(from),
                to == null ? Instant.now().plusSeconds(1) : Instant.parse(to), Math.max(1, Math.min(count, 10_000)));
    }

    /** Recomputes every event's hash and the chain from the log; names the first break, if any. */
    @POST
    @Path("/verify")
    public Uni<Verifier.Verification> verify() {
        callers.current().mustOperate();
        return Uni.createFrom().item(() -> verifier.verify(topics.names()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Crypto-shredding: erases the keys of one patient's payloads at the municipality, so that none of them can be read
     * again (on the log, in queues, by the EPJ's pull), while every event and the hash chain stay intact. For the
     * municipality's administrator only; the erasure is itself an event naming who asked and why.
     */
    @POST
    @Path("/municipalities/{orgnr}/erasures")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> erase(@PathParam("orgnr") String orgnr, Erasures.Request request) {
        ApiCaller caller = callers.current();
        caller.mustAdminister(orgnr);
        return erasures.erase(orgnr, request, caller.clientId())
                .map(erased -> Response.status(201).entity(erased).build());
    }

    @POST
    @Path("/index/rebuild")
    public Uni<IndexRebuild.Rebuilt> rebuild() {
        callers.current().mustOperate();
        return rebuild.rebuild();
    }
}
