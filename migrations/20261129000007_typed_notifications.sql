-- Notifications name the aggregate types a statement appended (one notification per type and
-- transaction: PostgreSQL folds identical payloads), so the projector wakes only the
-- projections that read them instead of every projection for every event (issue 8).
-- A listener that gets an empty payload still wakes every projection.
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    appended_type text;
BEGIN
    FOR appended_type IN SELECT DISTINCT aggregate_type FROM appended LOOP
        PERFORM pg_notify('europass_events', appended_type);
    END LOOP;
    RETURN NULL;
END;
$$;

DROP TRIGGER events_notify ON events;

CREATE TRIGGER events_notify
    AFTER INSERT ON events
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
