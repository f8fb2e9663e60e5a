-- The schema as it stood before Flyway (Hibernate had made it from the entities); later changes are new versions.

CREATE TABLE deliveries (
    message_id character varying(255) NOT NULL,
    acknowledged_by character varying(255),
    attempts integer NOT NULL,
    credentials_ref character varying(255),
    dead_at timestamp(6) with time zone,
    delivered_at timestamp(6) with time zone,
    endpoint character varying(255),
    epj_product character varying(255),
    first_attempt_at timestamp(6) with time zone,
    journal_type character varying(255),
    journaled_at timestamp(6) with time zone,
    kind character varying(255),
    last_error character varying(2000),
    mode character varying(255),
    next_attempt_at timestamp(6) with time zone,
    orgnr character varying(255),
    patient_key character varying(255),
    payload text,
    priority integer NOT NULL,
    redrive_id character varying(255),
    routed_at timestamp(6) with time zone,
    routed_event_id character varying(255),
    routed_offset bigint NOT NULL,
    sender character varying(255),
    state character varying(255),
    strikes integer NOT NULL,
    updated_at timestamp(6) with time zone,
    CONSTRAINT deliveries_pkey PRIMARY KEY (message_id)
);
CREATE INDEX deliveries_due ON deliveries USING btree (state, next_attempt_at);
CREATE INDEX deliveries_inbox ON deliveries USING btree (orgnr, updated_at, message_id);
CREATE INDEX deliveries_patient ON deliveries USING btree (patient_key, endpoint, routed_offset);

CREATE TABLE delivery_pauses (
    pause_id character varying(255) NOT NULL,
    from_at timestamp(6) with time zone,
    orgnr character varying(255),
    paused_at timestamp(6) with time zone,
    paused_by character varying(255),
    reason character varying(2000),
    until_at timestamp(6) with time zone,
    CONSTRAINT delivery_pauses_pkey PRIMARY KEY (pause_id)
);

CREATE TABLE redrives (
    redrive_id character varying(255) NOT NULL,
    ended_at timestamp(6) with time zone,
    ended_by character varying(255),
    filter text,
    journaled_skipped integer NOT NULL,
    matched integer NOT NULL,
    orgnr character varying(255),
    per_epj_per_second integer NOT NULL,
    reason character varying(2000),
    requested_at timestamp(6) with time zone,
    requested_by character varying(255),
    state character varying(255),
    CONSTRAINT redrives_pkey PRIMARY KEY (redrive_id)
);
