-- The documents projection (one row per certificate document, with the folded state the
-- API reads), stored files (photos, signatures) outside the events, and copy requests.

CREATE TABLE document_views
(
    id                      uuid PRIMARY KEY,
    mobility_id             uuid        NOT NULL,
    institution_id          uuid        NOT NULL,
    europass_number         text        NOT NULL,
    language                text        NOT NULL,
    holder_name             text,
    host_email              text,
    participant_email       text,
    participant_locked_from timestamptz,
    missing_fields          jsonb       NOT NULL,
    -- The document as the domain folds it from its events (plain copies of personal data,
    -- removed by erasure like everything else here).
    state                   jsonb       NOT NULL,
    certificates            integer     NOT NULL DEFAULT 0,
    updated_at              timestamptz NOT NULL,
    version                 bigint      NOT NULL
);

CREATE INDEX document_views_mobility ON document_views (mobility_id);
CREATE INDEX document_views_host ON document_views (host_email);
CREATE INDEX document_views_participant ON document_views (participant_email);

-- Photos and signature images, by content hash; events refer to them by hash so that they
-- can be erased.
CREATE TABLE blobs
(
    sha256     text PRIMARY KEY,
    media_type text        NOT NULL,
    bytes      bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- R-COPY: a copy request with a client mutation id is carried out once.
CREATE TABLE copy_operations
(
    client_mutation_id text PRIMARY KEY,
    request_hash       text        NOT NULL,
    source_document    uuid        NOT NULL,
    targets            integer     NOT NULL,
    created_at         timestamptz NOT NULL,
    completed_at       timestamptz
);
