package no.knutepunkt.model.kafka;

import java.util.List;
import java.util.Map;

/**
 * Every Kafka topic of Knutepunkt, with the settings it is created with. Each stage of a message has its own topic;
 * registers (grants, routes) have theirs. All are audit history: deleted by nothing, compacted never.
 */
public final class Topics {

    /** {@link no.knutepunkt.model.event.MessageReceived}, written by ingest. */
    public static final String MESSAGES_RECEIVED = "knutepunkt.message.received";
    /** Consent decisions: authorized or denied, one per received message. */
    public static final String CONSENT_DECISIONS = "knutepunkt.consent.decisions";
    /** Routing decisions: routed or unroutable, one per authorized message. */
    public static final String ROUTING_DECISIONS = "knutepunkt.routing.decisions";
    /** Delivery outcomes: each failed attempt, delivered, dead-lettered, journaled. */
    public static final String DELIVERY_OUTCOMES = "knutepunkt.delivery.outcomes";
    /** Deep validation findings, one per received message, written off the request path. */
    public static final String VALIDATION_FINDINGS = "knutepunkt.validation.findings";
    /** Grant and revocation events of the municipalities' consent register. */
    public static final String CONSENT_GRANTS = "knutepunkt.consent.grants";
    /** Operators' and municipalities' delivery actions: pauses, resumes, and what is done with dead letters. */
    public static final String DELIVERY_CONTROL = "knutepunkt.delivery.control";
    /** Erasures of patients' payloads (crypto-shredding): who had whose payloads made unreadable, and why. */
    public static final String RETENTION = "knutepunkt.retention";
    /** Route changes of the routing register. */
    public static final String ROUTING_REGISTER = "knutepunkt.routing.register";

    /**
     * Vendors' reads of an EPJ as ingest took them: requested ({@link no.knutepunkt.model.event.ReadRequested}), or
     * refused at the door ({@link no.knutepunkt.model.event.ReadRefused}); each later stage has its own topic.
     */
    public static final String READS_REQUESTED = "knutepunkt.read.requested";
    /** Consent's decisions on reads: authorized or denied. */
    public static final String READ_DECISIONS = "knutepunkt.read.decisions";
    /** Routing's choice of the EPJ that answers each authorized read. */
    public static final String READS_ROUTED = "knutepunkt.read.routed";
    /** What each read disclosed (sealed), or why it got no answer. */
    public static final String READ_OUTCOMES = "knutepunkt.read.outcomes";

    /** Where a service parks an event it could not process, so that nothing is dropped. */
    public static String deadLetters(String service) {
        return "knutepunkt.deadletter." + service;
    }

    /** Partitions of message topics: the unit of parallelism per stage; keys keep one patient's events in order. */
    public static final int MESSAGE_PARTITIONS = 6;

    /** One partition for registers: all changes of a register are totally ordered. */
    public static final int REGISTER_PARTITIONS = 1;

    /**
     * The largest event a topic takes and a producer sends: a body the hub accepts (1 MB) sealed (base64, 4/3) in its
     * envelope is about 1.4 MB, so every accepted message fits on the log; Kafka's default (1 MiB) made bundles from
     * about 750 KB fail to be stored.
     */
    public static final int MAX_EVENT_BYTES = 2 * 1024 * 1024;

    /**
     * Settings for every topic. Audit history is kept forever ({@code retention.ms=-1}) and never compacted.
     * {@code min.insync.replicas} comes from the deployment (2 with 3 brokers in production, 1 locally).
     */
    public static Map<String, String> configs(int minInsyncReplicas) {
        return Map.of(
                "cleanup.policy", "delete",
                "retention.ms", "-1",
                "retention.bytes", "-1",
                "min.insync.replicas", Integer.toString(minInsyncReplicas),
                "unclean.leader.election.enable", "false",
                "message.timestamp.type", "CreateTime",
                "max.message.bytes", Integer.toString(MAX_EVENT_BYTES));
    }

    public record Spec(String name, int partitions) {
    }

    public static final List<String> SERVICES = List.of("ingest-service", "consent-service", "routing-service",
            "delivery-service", "audit-service");

    public static List<Spec> all() {
        List<Spec> specs = new java.util.ArrayList<>(List.of(
                new Spec(MESSAGES_RECEIVED, MESSAGE_PARTITIONS),
                new Spec(CONSENT_DECISIONS, MESSAGE_PARTITIONS),
                new Spec(ROUTING_DECISIONS, MESSAGE_PARTITIONS),
                new Spec(DELIVERY_OUTCOMES, MESSAGE_PARTITIONS),
                new Spec(VALIDATION_FINDINGS, MESSAGE_PARTITIONS),
                new Spec(CONSENT_GRANTS, REGISTER_PARTITIONS),
                new Spec(ROUTING_REGISTER, REGISTER_PARTITIONS),
                new Spec(DELIVERY_CONTROL, REGISTER_PARTITIONS),
                new Spec(RETENTION, REGISTER_PARTITIONS),
                new Spec(READS_REQUESTED, MESSAGE_PARTITIONS),
                new Spec(READ_DECISIONS, MESSAGE_PARTITIONS),
                new Spec(READS_ROUTED, MESSAGE_PARTITIONS),
                new Spec(READ_OUTCOMES, MESSAGE_PARTITIONS)));
        SERVICES.forEach(s -> specs.add(new Spec(deadLetters(s), REGISTER_PARTITIONS)));
        return List.copyOf(specs);
    }

    private Topics() {
    }
}
