-- The schema as it stood before Flyway (Hibernate had made it from the entities); later changes are new versions.

CREATE TABLE routes (
    orgnr character varying(255) NOT NULL,
    credentials_ref character varying(255),
    endpoint character varying(255),
    epj_product character varying(255),
    kind_rules text,
    mode character varying(255),
    registered_at timestamp(6) with time zone,
    registered_by character varying(255),
    version integer NOT NULL,
    CONSTRAINT routes_pkey PRIMARY KEY (orgnr)
);
