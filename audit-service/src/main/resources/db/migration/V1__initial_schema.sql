-- The schema as it stood before Flyway (Hibernate had made it from the entities); later changes are new versions.

CREATE TABLE log_entries (
    log_offset bigint NOT NULL,
    log_partition integer NOT NULL,
    topic character varying(255) NOT NULL,
    chain_hash character varying(255),
    correlation_id character varying(255),
    event text,
    event_hash character varying(255),
    event_id character varying(255),
    orgnr character varying(255),
    source character varying(255),
    subject character varying(255),
    time timestamp(6) with time zone,
    type character varying(255),
    CONSTRAINT log_entries_pkey PRIMARY KEY (log_offset, log_partition, topic)
);
CREATE INDEX log_entries_message ON log_entries USING btree (correlation_id, log_offset);
CREATE INDEX log_entries_municipality ON log_entries USING btree (orgnr, subject, "time");
