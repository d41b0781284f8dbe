-- Which documents name which stored file (photo, issued certificates): `GET /files/{sha}`
-- decides access by an index lookup here instead of scanning every document's state.
-- Written by the documents projection with the document's row (the 64-hex strings of its
-- folded state); filled here once from the existing rows by the same rule.
CREATE TABLE document_files
(
    sha256      text NOT NULL,
    document_id uuid NOT NULL,
    PRIMARY KEY (sha256, document_id)
);

CREATE INDEX document_files_document ON document_files (document_id);

INSERT INTO document_files (sha256, document_id)
SELECT DISTINCT m[1], v.id
  FROM document_views v, regexp_matches(v.state::text, '"([0-9a-f]{64})"', 'g') AS m;
