-- Notices for institutions (e.g. "the host has logged in"), written when the fact happens.
CREATE TABLE notifications
(
    id             uuid PRIMARY KEY,
    institution_id uuid        NOT NULL,
    kind           text        NOT NULL,
    message        text        NOT NULL,
    document_id    uuid,
    created_at     timestamptz NOT NULL
);

CREATE INDEX notifications_institution ON notifications (institution_id, created_at);
