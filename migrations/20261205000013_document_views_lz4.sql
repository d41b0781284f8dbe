-- Document rows are about 2 kB of JSON and are compressed when written: lz4 compresses
-- several times faster than the default pglz, and the documents projection writes a whole row
-- for every change (a rebuild writes every row). Existing values stay as they are until
-- rewritten. A rebuild's copies take the setting with the table (`LIKE … INCLUDING ALL`).
ALTER TABLE document_views
    ALTER COLUMN state SET COMPRESSION lz4,
    ALTER COLUMN missing_fields SET COMPRESSION lz4;
