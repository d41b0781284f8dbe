-- R-OUTCOMES: a local index of ESCO occupations and skills (English and Latvian), loaded from
-- the official ESCO CSV download by `europass esco import DIR`. Reference data, not events.
--
-- The search columns are normalised in Rust (projections::esco::normalise): lower case,
-- diacritics folded (ā č ē ģ ī ķ ļ ņ š ū ž -> a c e g i k l n s u z, and other Latin letters
-- alike), punctuation replaced by single spaces. Queries are normalised the same way, so a
-- query without diacritics finds labels with them.

CREATE TABLE esco_concepts
(
    uri             text        NOT NULL,
    language        text        NOT NULL CHECK (language IN ('en', 'lv')),
    kind            text        NOT NULL CHECK (kind IN ('occupation', 'skill')),
    preferred_label text        NOT NULL,
    alt_labels      text[]      NOT NULL DEFAULT '{}',
    hidden_labels   text[]      NOT NULL DEFAULT '{}',
    description     text,
    -- Occupations: ISCO-08 group and the ESCO occupation code; skills: skill type and reuse level.
    isco_group      text,
    code            text,
    skill_type      text,
    reuse_level     text,
    status          text,
    -- Normalised preferred label.
    search_label    text        NOT NULL,
    -- Normalised alternative and hidden labels.
    search_alts     text[]      NOT NULL DEFAULT '{}',
    -- Everything searchable in one string: ' ' || label || ' | ' || alts ... || ' | ' || description.
    search_text     text        NOT NULL,
    -- When an import last changed the row.
    imported_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (uri, language)
);

CREATE INDEX esco_concepts_kind_language ON esco_concepts (kind, language);

-- Substring search (LIKE '%word%') is faster with a trigram index. pg_trgm ships with the
-- PostgreSQL server (contrib) and is a trusted extension; where it is missing the search still
-- works, it scans the (small) table instead.
DO
$$
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX esco_concepts_search_trgm ON esco_concepts USING gin (search_text gin_trgm_ops);
    EXCEPTION
        WHEN OTHERS THEN
            RAISE NOTICE 'pg_trgm unavailable, ESCO search without trigram index: %', SQLERRM;
    END
$$;
