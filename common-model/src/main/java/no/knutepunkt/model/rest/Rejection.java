package no.knutepunkt.model.rest;

import org.hl7.fhir.r4.model.OperationOutcome;

/** A request refused with an HTTP status and an OperationOutcome that says why. Nothing reaches the log. */
public class Rejection extends RuntimeException {

    private final int status;
    private final transient OperationOutcome outcome;

    public Rejection(int status, OperationOutcome outcome) {
        super(outcome.getIssueFirstRep().getDiagnostics(), null, false, false);
        this.status = status;
        this.outcome = outcome;
    }

    public int status() {
        return status;
    }

    public OperationOutcome outcome() {
        return outcome;
    }
}
