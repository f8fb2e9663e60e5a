-- The schema as it stood before Flyway (Hibernate had made it from the entities); later changes are new versions.

CREATE TABLE decisions (
    message_id character varying(255) NOT NULL,
    allowed boolean NOT NULL,
    decided_at timestamp(6) with time zone,
    grant_id character varying(255),
    grant_version integer,
    orgnr character varying(255),
    reason character varying(2000),
    restriction_id character varying(255),
    rule character varying(255),
    vkp_code character varying(255),
    vkp_id character varying(255),
    CONSTRAINT decisions_pkey PRIMARY KEY (message_id)
);
CREATE INDEX decisions_municipality ON decisions USING btree (orgnr, decided_at);

CREATE TABLE expiry_warnings (
    grant_id character varying(255) NOT NULL,
    version integer NOT NULL,
    warned_at timestamp(6) with time zone,
    CONSTRAINT expiry_warnings_pkey PRIMARY KEY (grant_id, version)
);

CREATE TABLE grant_versions (
    grant_id character varying(255) NOT NULL,
    version integer NOT NULL,
    change character varying(255),
    changed_at timestamp(6) with time zone,
    changed_by character varying(255),
    legal_basis character varying(2000),
    orgnr character varying(255),
    revoke_reason character varying(2000),
    revoked_at timestamp(6) with time zone,
    scopes character varying(2000),
    service_codes character varying(2000),
    system character varying(255),
    valid_from timestamp(6) with time zone,
    valid_to timestamp(6) with time zone,
    vendor character varying(255),
    vkp_id character varying(255),
    CONSTRAINT grant_versions_pkey PRIMARY KEY (grant_id, version)
);
CREATE INDEX grant_versions_sender ON grant_versions USING btree (orgnr, vkp_id, changed_at);
CREATE INDEX grant_versions_vkp_id ON grant_versions USING btree (vkp_id);

CREATE TABLE patient_restrictions (
    restriction_id character varying(255) NOT NULL,
    lift_reason character varying(2000),
    lifted_at timestamp(6) with time zone,
    lifted_by character varying(255),
    orgnr character varying(255),
    patient_key character varying(255),
    reason character varying(2000),
    restricted_at timestamp(6) with time zone,
    restricted_by character varying(255),
    vkp_id character varying(255),
    CONSTRAINT patient_restrictions_pkey PRIMARY KEY (restriction_id)
);
CREATE INDEX patient_restrictions_patient ON patient_restrictions USING btree (orgnr, patient_key);
