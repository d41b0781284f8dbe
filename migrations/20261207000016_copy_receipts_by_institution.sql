-- R-COPY (issue 18): a client mutation id is the institution's own (another institution's
-- request under the same id is carried out, not refused), and a row is the receipt of a
-- request carried out: written by the statement that writes the copies, with the answer
-- (`targets`). A row without completion was never proven carried out: it is dropped, as
-- are rows whose source document (hence institution) is unknown.
ALTER TABLE copy_operations ADD COLUMN scope uuid;

UPDATE copy_operations c
   SET scope = d.institution_id
  FROM document_views d
 WHERE d.id = c.source_document;

DELETE FROM copy_operations WHERE scope IS NULL OR completed_at IS NULL;

ALTER TABLE copy_operations
    ALTER COLUMN scope SET NOT NULL,
    DROP CONSTRAINT copy_operations_pkey,
    ADD PRIMARY KEY (scope, client_mutation_id);
