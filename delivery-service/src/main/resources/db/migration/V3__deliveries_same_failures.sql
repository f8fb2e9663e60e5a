-- Answered failures in a row with the same error: a message the EPJ fails the same way each time becomes a dead
-- letter after delivery.max-same-failures of them, even while the circuit is open.
ALTER TABLE deliveries ADD COLUMN same_failures integer NOT NULL DEFAULT 0;
