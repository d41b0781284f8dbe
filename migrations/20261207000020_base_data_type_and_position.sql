-- Issue 22: the certificate prints the sending organisation's type and its reference person's
-- position. `organisation_type` is the list code, or the free text where the list lacks it.
-- Rows projected before stay null until their base data change or a replay.
ALTER TABLE institutions
    ADD COLUMN organisation_type text,
    ADD COLUMN contact_position  text;
