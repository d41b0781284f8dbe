-- Snapshots of aggregate state, so that a command on a long history folds only the events
-- after the snapshot (issue 8: a 1,000-event document within 2x of a 10-event one).
-- A cache, not a record: the events stay the only truth. A snapshot is used only when its
-- format matches the running code's (commands::store::SNAPSHOT_FORMAT) and it decrypts with
-- the aggregate's current subject key; otherwise the aggregate is folded from its events.
-- The state is sealed whole with the subject key (it holds personal data), so erasing the
-- key erases the snapshot too; erasure and the Try Out purge also delete the row.
CREATE TABLE aggregate_snapshots
(
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    sequence       bigint      NOT NULL,
    format         text        NOT NULL,
    state          json        NOT NULL,
    taken_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id)
);
