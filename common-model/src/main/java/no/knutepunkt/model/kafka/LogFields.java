package no.knutepunkt.model.kafka;

/** Fields every service puts in its log lines (the MDC; JSON logs show them), so that one message can be followed. */
public final class LogFields {

    /** The message's id: what a vendor, a municipality and an operator all quote. Never personal data. */
    public static final String MESSAGE_ID = "messageId";

    private LogFields() {
    }
}
