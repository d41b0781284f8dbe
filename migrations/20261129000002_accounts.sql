-- Query tables of the accounts and institutions projections, and the authentication state
-- (sessions, login throttling), which is operational state rather than business facts.
CREATE TABLE institutions
(
    id              uuid PRIMARY KEY,
    name            text        NOT NULL,
    address         text,
    country         text,
    contact_person  text,
    phone           text,
    email           text,
    website         text,
    primary_account uuid        NOT NULL,
    registered_at   timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE accounts
(
    id                   uuid PRIMARY KEY,
    email                text,
    name                 text,
    role                 text        NOT NULL,
    institution_id       uuid,
    is_primary           boolean     NOT NULL DEFAULT false,
    status               text        NOT NULL,
    must_change_password boolean     NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    -- Global position of the opening event: a stable order for lists.
    created_position     bigint      NOT NULL
);

CREATE INDEX accounts_institution ON accounts (institution_id);

CREATE TABLE sessions
(
    token_hash   text PRIMARY KEY,
    account_id   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);

CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE login_throttle
(
    key               text PRIMARY KEY,
    failures          integer     NOT NULL,
    window_started_at timestamptz NOT NULL,
    blocked_until     timestamptz
);
