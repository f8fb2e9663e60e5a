package no.knutepunkt.consent.rest;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import no.knutepunkt.consent.config.ConsentConfig;
import no.knutepunkt.consent.rest.Views.DecisionView;
import no.knutepunkt.consent.rest.Views.GrantView;
import no.knutepunkt.consent.rest.Views.RestrictionView;
import no.knutepunkt.consent.service.DecisionService;
import no.knutepunkt.consent.service.DecisionService.Evaluation;
import no.knutepunkt.model.rest.ApiCaller;
import no.knutepunkt.model.rest.Callers;

import java.time.Instant;
import java.util.List;

/** Why a message was allowed or denied, and whether one would be, at any time from the register's history. */
@Path("/consent/v1/municipalities/{orgnr}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class DecisionResource {

    private final DecisionService decisions;
    private final ConsentConfig config;
    private final Callers callers;

    public DecisionResource(DecisionService decisions, ConsentConfig config, Callers callers) {
        this.decisions = decisions;
        this.config = config;
        this.callers = callers;
    }

    /** A decision with the grant version it rests on (as it stood then) and, if any, the restriction. */
    public record Explanation(DecisionView decision, GrantView grant, RestrictionView restriction) {
    }

    /** The answer to a what-if, with the grant version it rests on as it stood at {@code at}. */
    public record Verdict(Instant at, String decision, String vkpCode, String rule, String reason, String grantId,
            Integer grantVersion, String restrictionId, GrantView grant) {
    }

    @GET
    @Path("/decisions")
    public Uni<List<DecisionView>> latest(@PathParam("orgnr") String orgnr, @QueryParam("vkpId") String vkpId,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        callers.current().mustActFor(orgnr);
        return decisions.latest(orgnr, vkpId, limit).map(all -> all.stream().map(DecisionView::of).toList());
    }

    @GET
    @Path("/decisions/{messageId}")
    public Uni<Explanation> explain(@PathParam("orgnr") String orgnr, @PathParam("messageId") String messageId) {
        callers.current().mustActFor(orgnr);
        return decisions.explain(orgnr, messageId).map(e -> new Explanation(DecisionView.of(e.decision()),
                e.grant() == null ? null : GrantView.of(e.grant(), e.decision().decidedAt, config.expiryWarning()),
                e.restriction() == null ? null : RestrictionView.of(e.restriction())));
    }

    /** Would a sender be allowed to write or read a resource, for a patient, at a time (now when absent)? */
    @POST
    @Path("/evaluate")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Verdict> evaluate(@PathParam("orgnr") String orgnr, Evaluation question) {
        callers.current().mustActFor(orgnr);
        return decisions.evaluate(orgnr, question).map(e -> new Verdict(e.at(),
                e.verdict().allowed() ? "allow" : "deny", e.verdict().vkpCode(), e.verdict().rule(),
                e.verdict().reason(), e.verdict().grantId(), e.verdict().grantVersion(), e.verdict().restrictionId(),
                e.grant() == null ? null : GrantView.of(e.grant(), e.at(), config.expiryWarning())));
    }
}
