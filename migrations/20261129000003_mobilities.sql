-- Query tables of the mobilities and documents projections, and the Try Out number sequence.

-- Try Out numbers: a sandbox series outside the event store (R-TRYOUT).
CREATE SEQUENCE tryout_number_seq;

CREATE TABLE mobilities
(
    id                  uuid PRIMARY KEY,
    institution_id      uuid        NOT NULL,
    status              text        NOT NULL,
    issuer_code         text        NOT NULL,
    issuer_label_en     text        NOT NULL,
    issuer_label_lv     text        NOT NULL,
    is_try_out          boolean     NOT NULL,
    procedure           text        NOT NULL,
    programme_code      text,
    programme_label_en  text,
    programme_label_lv  text,
    project_number      text,
    description         text,
    participants        integer     NOT NULL,
    folders_by_post     boolean     NOT NULL,
    start_date          date        NOT NULL,
    end_date            date        NOT NULL,
    reference_version   text        NOT NULL,
    requested_at        timestamptz NOT NULL,
    decided_at          timestamptz,
    rejection_reason    text,
    -- Documents waiting for the NEC (the request itself, or more asked for later), and since when.
    pending_documents   integer     NOT NULL,
    pending_since       timestamptz,
    created_position    bigint      NOT NULL
);

CREATE INDEX mobilities_queue ON mobilities (pending_since, id) WHERE pending_documents > 0;
CREATE INDEX mobilities_institution ON mobilities (institution_id, created_position);

CREATE TABLE documents
(
    id               uuid PRIMARY KEY,
    mobility_id      uuid        NOT NULL,
    institution_id   uuid        NOT NULL,
    europass_number  text        NOT NULL UNIQUE,
    is_try_out       boolean     NOT NULL,
    created_at       timestamptz NOT NULL,
    created_position bigint      NOT NULL,
    ordinal          integer     NOT NULL
);

CREATE INDEX documents_mobility ON documents (mobility_id, created_position, ordinal);
