-- A claim is pending while its message is being written to the log, stored once the broker has it, released (with the
-- refusal its vendor heard) when it could not be: duplicates wait for the first write and answer what it came to.
-- Claims made before hold messages that were stored.
ALTER TABLE idempotency_claim ADD COLUMN state character varying(16) NOT NULL DEFAULT 'stored';
ALTER TABLE idempotency_claim ADD COLUMN refusal_status integer;
ALTER TABLE idempotency_claim ADD COLUMN refusal text;
