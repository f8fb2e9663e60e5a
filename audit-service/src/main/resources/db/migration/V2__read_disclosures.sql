-- The patients a list read disclosed, so that each patient's access log finds it (its subject is the read's id)
ALTER TABLE log_entries ADD COLUMN patients text;
