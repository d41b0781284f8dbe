-- Read your writes per session (issue 8). A section save answers as soon as its events are
-- durable; the same statement notes the writing transaction and aggregate type on the
-- session, and that session's later requests wait until the projections reading those types
-- have applied it before they read any query table.
ALTER TABLE sessions
    ADD COLUMN written_tx    bigint NOT NULL DEFAULT 0,
    ADD COLUMN written_types text[] NOT NULL DEFAULT '{}';
