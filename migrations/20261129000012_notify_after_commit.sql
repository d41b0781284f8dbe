-- Appends no longer NOTIFY inside their own transaction (issue 8). PostgreSQL holds a
-- database-wide lock on its notification queue from before a notifying transaction's commit
-- until it ends, disk flush included, so every append waited for the one before it instead of
-- sharing a flush. The appending process now wakes its own projector in memory and notifies
-- other processes from a separate statement after the commit (commands/src/store/notify.rs);
-- projectors still poll as a fallback.
DROP TRIGGER events_notify ON events;
DROP FUNCTION events_notify();
