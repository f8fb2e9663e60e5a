package no.knutepunkt.audit.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import no.knutepunkt.audit.messaging.AuditedTopics;
import no.knutepunkt.audit.messaging.IndexRebuild;
import no.knutepunkt.audit.service.Trails;
import no.knutepunkt.audit.service.Verifier;
import no.knutepunkt.model.rest.ApiCaller;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The audit API: a message's trail (for an operator, its municipality, or its sender), and for operators the
 * verification of the log against its hash chain and the rebuild of the trail index from the log.
 */
@Path("/audit/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final Trails trails;
    private final Verifier verifier;
    private final IndexRebuild rebuild;
    private final AuditedTopics topics;
    private final JsonWebToken token;

    public AuditResource(Trails trails, Verifier verifier, IndexRebuild rebuild, AuditedTopics topics,
            JsonWebToken token) {
        this.trails = trails;
        this.verifier = verifier;
        this.rebuild = rebuild;
        this.topics = topics;
        this.token = token;
    }

    @GET
    @Path("/messages/{messageId}/trail")
    public Uni<Trails.Trail> trail(@PathParam("messageId") String messageId) {
        return trails.of(messageId, ApiCaller.of(token::getClaim));
    }

    /** Recomputes every event's hash and the chain from the log; names the first break, if any. */
    @POST
    @Path("/verify")
    public Uni<Verifier.Verification> verify() {
        ApiCaller.of(token::getClaim).mustOperate();
        return Uni.createFrom().item(() -> verifier.verify(topics.names()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @POST
    @Path("/index/rebuild")
    public Uni<IndexRebuild.Rebuilt> rebuild() {
        ApiCaller.of(token::getClaim).mustOperate();
        return rebuild.rebuild();
    }
}
