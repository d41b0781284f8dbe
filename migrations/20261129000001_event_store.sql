-- The event store used by postgres-es 0.5 (its column set), plus what a reliable projector
-- needs: a global position and the id of the writing transaction. Readers take only events
-- whose transaction is older than every running one (pg_snapshot_xmin), in
-- (tx_id, global_position) order, so an event that commits late can never be skipped.
CREATE TABLE events
(
    aggregate_type  text                         NOT NULL,
    aggregate_id    text                         NOT NULL,
    sequence        bigint CHECK (sequence >= 0) NOT NULL,
    event_type      text                         NOT NULL,
    event_version   text                         NOT NULL,
    payload         json                         NOT NULL,
    metadata        json                         NOT NULL,
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    tx_id           xid8                         NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE UNIQUE INDEX events_commit_order ON events (tx_id, global_position);
CREATE UNIQUE INDEX events_global_position ON events (global_position);

-- Wake projectors when events commit (NOTIFY is delivered at commit).
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('europass_events', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_notify
    AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();

-- Append-only: events are never updated. Deleting is reserved for the Try Out purge, which
-- must say so explicitly in its transaction (SET LOCAL europass.purge = 'on').
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('europass.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the event store is append-only (% refused)', TG_OP;
END;
$$;

CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- Keys for personal data in events (crypto-shredding, R-ERASE): one per aggregate.
-- Deleting a row makes that aggregate's personal values unreadable everywhere.
CREATE TABLE subject_keys
(
    subject    text PRIMARY KEY,
    -- Ciphertexts name the key they were made with: after an erasure a subject may get a new
    -- key, and values sealed with the deleted one must read as erased, not fail.
    key_id     uuid        NOT NULL DEFAULT gen_random_uuid(),
    key        bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Where each projection stands: the last applied (tx, position) and its horizon, the
-- transaction id below which every event has been applied.
CREATE TABLE projector_checkpoints
(
    projection    text PRIMARY KEY,
    last_tx       bigint      NOT NULL DEFAULT 0,
    last_position bigint      NOT NULL DEFAULT 0,
    horizon       bigint      NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
