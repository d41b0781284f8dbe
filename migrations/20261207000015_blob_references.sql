-- R-ERASE, R-ISOLATION: who holds each stored file. A blob is deleted only when its last
-- holder lets it go: the same bytes (a photo used by two institutions' documents, a PDF and
-- a signature) are stored once, and erasing one document must not take them from another.
-- Written by the command side with the blob (never by a projection), so it is never behind.
CREATE TABLE blob_references
(
    sha256 text NOT NULL,
    -- `document/<uuid>` or `signature_library/<uuid>`.
    holder text NOT NULL,
    PRIMARY KEY (sha256, holder)
);

CREATE INDEX blob_references_holder ON blob_references (holder);

-- The holders of the files stored so far: documents by their state's file index, signature
-- libraries by the hashes their events name.
INSERT INTO blob_references (sha256, holder)
SELECT f.sha256, 'document/' || f.document_id
  FROM document_files f
 WHERE EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = f.sha256)
ON CONFLICT DO NOTHING;

INSERT INTO blob_references (sha256, holder)
SELECT DISTINCT m[1], 'signature_library/' || e.aggregate_id
  FROM events e, regexp_matches(e.payload::text, '"([0-9a-f]{64})"', 'g') AS m
 WHERE e.aggregate_type = 'signature_library'
   AND EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = m[1])
ON CONFLICT DO NOTHING;
