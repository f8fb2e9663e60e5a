-- The W3C trace context a message was routed in, so that its delivery stays in the message's trace.
ALTER TABLE deliveries ADD COLUMN traceparent character varying(255);
