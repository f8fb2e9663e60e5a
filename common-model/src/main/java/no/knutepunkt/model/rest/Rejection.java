package no.knutepunkt.model.rest;

import org.hl7.fhir.r4.model.OperationOutcome;

/** A request refused with an HTTP status and an OperationOutcome that says why. Nothing reaches the log. */
public class Rejection extends RuntimeException {

    private final int status;
    private final transient OperationOutcome outcome;
    /** Seconds after which the same request may succeed (a Retry-After header), or null. */
    private final Long retryAfterSeconds;

    public Rejection(int status, OperationOutcome outcome) {
        this(status, outcome, null);
    }

    private Rejection(int status, OperationOutcome outcome, Long retryAfterSeconds) {
        super(outcome.getIssueFirstRep().getDiagnostics(), null, false, false);
        this.status = status;
        this.outcome = outcome;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Refused for now: the same request may succeed after {@code seconds}. */
    public static Rejection retryLater(int status, long seconds, OperationOutcome outcome) {
        return new Rejection(status, outcome, seconds);
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public OperationOutcome outcome() {
        return outcome;
    }
}
