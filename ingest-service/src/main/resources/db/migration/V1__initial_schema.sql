-- The schema as it stood before Flyway (Hibernate had made it from the entities); later changes are new versions.

CREATE TABLE idempotency_claim (
    key_hash character varying(255) NOT NULL,
    body_sha256 character varying(255),
    claimed_at timestamp(6) with time zone,
    message_id character varying(255),
    CONSTRAINT idempotency_claim_pkey PRIMARY KEY (key_hash)
);

CREATE TABLE message_status (
    message_id character varying(255) NOT NULL,
    attempts integer,
    authorized_at timestamp(6) with time zone,
    delivered_at timestamp(6) with time zone,
    denied_at timestamp(6) with time zone,
    failed_at timestamp(6) with time zone,
    journaled_at timestamp(6) with time zone,
    kind character varying(255),
    last_error character varying(2000),
    next_attempt_at timestamp(6) with time zone,
    orgnr character varying(255),
    reason character varying(255),
    reason_code character varying(255),
    received_at timestamp(6) with time zone,
    routed_at timestamp(6) with time zone,
    rule character varying(255),
    sender_vkp_id character varying(255),
    unroutable_at timestamp(6) with time zone,
    validated_at timestamp(6) with time zone,
    validation_errors integer,
    validation_findings text,
    validation_warnings integer,
    CONSTRAINT message_status_pkey PRIMARY KEY (message_id)
);
