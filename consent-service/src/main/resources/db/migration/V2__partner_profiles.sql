-- Partner profiles: per municipality, the EPJ service codes each ServiceCode means; one row per version
CREATE TABLE partner_profile_versions (
    orgnr character varying(255) NOT NULL,
    version integer NOT NULL,
    service_codes character varying(8000) NOT NULL,
    changed_by character varying(255),
    changed_at timestamp(6) with time zone NOT NULL,
    CONSTRAINT partner_profile_versions_pkey PRIMARY KEY (orgnr, version)
);
