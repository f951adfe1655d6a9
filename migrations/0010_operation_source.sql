-- eightsync state database, step 10: which HR export each operation came from.
--   operations.source_sha256: the hex SHA-256 of the export the operation was planned from. It
--     is the cycle's own export (cycles.source_sha256) except for leavers deactivated from a
--     newer export read while the cycle ran; NULL for rows written before this step.
ALTER TABLE operations ADD COLUMN source_sha256 TEXT;
