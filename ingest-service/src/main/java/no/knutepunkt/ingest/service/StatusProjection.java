package no.knutepunkt.ingest.service;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import no.knutepunkt.ingest.repository.IdempotencyRepository;
import no.knutepunkt.ingest.repository.MessageStatusRepository;
import no.knutepunkt.ingest.repository.MessageStatusRepository.Step;
import no.knutepunkt.model.event.DeliveryAttemptFailed;
import no.knutepunkt.model.event.DeliveryFailed;
import no.knutepunkt.model.event.EventData;
import no.knutepunkt.model.event.EventEnvelope;
import no.knutepunkt.model.event.MessageAuthorized;
import no.knutepunkt.model.event.MessageDelivered;
import no.knutepunkt.model.event.MessageDenied;
import no.knutepunkt.model.event.MessageJournaled;
import no.knutepunkt.model.event.MessageReceived;
import no.knutepunkt.model.event.MessageRouted;
import no.knutepunkt.model.event.MessageUnroutable;
import no.knutepunkt.model.event.MessageValidated;
import no.knutepunkt.model.event.EventCodec;

/** Turns each lifecycle event into one step of the message's status. */
@ApplicationScoped
public class StatusProjection {

    private final MessageStatusRepository repository;
    private final IdempotencyRepository idempotency;

    public StatusProjection(MessageStatusRepository repository, IdempotencyRepository idempotency) {
        this.repository = repository;
        this.idempotency = idempotency;
    }

    @WithTransaction
    public Uni<Void> apply(EventEnvelope envelope) {
        if (envelope.payload() instanceof MessageValidated v) {
            return repository.recordValidation(v.messageId(), v.orgnr(), v.validatedAt(), v.errors(), v.warnings(),
                    EventCodec.mapper().valueToTree(v.findings()).toString()).replaceWithVoid();
        }
        if (envelope.payload() instanceof DeliveryAttemptFailed a) {
            return repository.recordAttempt(a.messageId(), a.orgnr(), a.attempt(), a.error(), a.nextAttemptAt())
                    .replaceWithVoid();
        }
        Step step = stepOf(envelope.payload());
        Uni<Void> recorded = step == null ? Uni.createFrom().voidItem() : repository.record(step).replaceWithVoid();
        if (envelope.payload() instanceof MessageReceived m && m.idempotencyKey() != null) {
            // the log says the message is stored: its key answers retries, whatever became of the write's own claim
            return recorded.chain(() -> idempotency.restore(m.idempotencyKey(), m.messageId(), m.payloadSha256(),
                    m.receivedAt()));
        }
        return recorded;
    }

    static Step stepOf(EventData data) {
        if (data instanceof MessageReceived e) {
            return new Step(e.messageId(), e.orgnr(), e.sender().vkpId(), e.kind().name(), "received_at",
                    e.receivedAt(), null, null, null, null);
        }
        if (data instanceof MessageAuthorized e) {
            return new Step(e.messageId(), e.orgnr(), e.sender().vkpId(), e.kind().name(), "authorized_at",
                    e.decidedAt(), null, null, null, null);
        }
        if (data instanceof MessageDenied e) {
            return new Step(e.messageId(), e.orgnr(), e.sender().vkpId(), null, "denied_at", e.decidedAt(),
                    e.vkpCode(), e.reason(), e.ruleForSender(), null);
        }
        if (data instanceof MessageRouted e) {
            return new Step(e.messageId(), e.orgnr(), null, null, "routed_at", e.routedAt(), null, null, null,
                    null);
        }
        if (data instanceof MessageUnroutable e) {
            return new Step(e.messageId(), e.orgnr(), null, null, "unroutable_at", e.routedAt(), "3",
                    e.reason(), "no-route", null);
        }
        if (data instanceof MessageDelivered e) {
            return new Step(e.messageId(), e.orgnr(), null, null, "delivered_at", e.deliveredAt(), null, null,
                    null, e.attempts());
        }
        if (data instanceof MessageJournaled e) {
            return new Step(e.messageId(), e.orgnr(), null, null, "journaled_at", e.journaledAt(), null, null, null,
                    null);
        }
        if (data instanceof DeliveryFailed e) {
            return new Step(e.messageId(), e.orgnr(), null, null, "failed_at", e.failedAt(), "3", e.lastError(),
                    "delivery-attempts", e.attempts());
        }
        return null;
    }
}
