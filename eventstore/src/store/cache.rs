//! Recently decided states, kept in memory so that a command on a warm aggregate folds
//! nothing and reads no event it has already seen.
//!
//! The cache is never trusted on its own: every load still asks the database, in the same
//! single statement that reads the key and the newer events, whether the cached state is an
//! ancestor of the stored history. It is, when the event at the cached sequence is the very
//! row it was folded from (same global position, which is never reused) and the subject key
//! it was opened with is still there. Anything else (an erasure, a purge, a history written
//! again) drops the entry and the state is loaded from scratch. A command may also decide on
//! a cached state without loading: its append then carries the same proof as a condition
//! (see `append::Guard`), and a state that turns out stale is loaded and decided again. So several server processes,
//! the replay tool and the purge job may all write: a stale entry costs a reload, never a
//! wrong decision.

use crate::pii::SubjectKey;
use std::collections::HashMap;
use std::sync::Mutex;

/// How many aggregates of one type are kept. A warm document state is a few kilobytes.
pub const CACHE_CAPACITY: usize = 4_096;

/// A state as it stood after the event at `sequence`.
#[derive(Clone)]
pub struct Cached<A> {
    pub aggregate: A,
    pub sequence: usize,
    /// The global position of the event at `sequence` (0 before the first event).
    pub position: i64,
    /// The subject key the state's personal values were opened with, if any.
    pub key: Option<SubjectKey>,
    /// The sequence of the newest snapshot known to exist (see `SNAPSHOT_EVERY`).
    pub snapshot_sequence: usize,
}

pub struct StateCache<A> {
    entries: Mutex<HashMap<String, Cached<A>>>,
    capacity: usize,
}

impl<A: Clone> StateCache<A> {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    pub fn get(&self, id: &str) -> Option<Cached<A>> {
        self.lock().get(id).cloned()
    }

    /// Keeps the newer of what is cached and `state` (two requests may finish out of order).
    pub fn put(&self, id: &str, state: Cached<A>) {
        let mut entries = self.lock();
        if entries
            .get(id)
            .is_some_and(|known| known.sequence > state.sequence)
        {
            return;
        }
        if entries.len() >= self.capacity && !entries.contains_key(id) {
            // Any entry will do: a miss only costs one load from the snapshot.
            if let Some(evicted) = entries.keys().next().cloned() {
                entries.remove(&evicted);
            }
        }
        entries.insert(id.to_string(), state);
    }

    pub fn forget(&self, id: &str) {
        self.lock().remove(id);
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached<A>>> {
        // A panic while holding the lock leaves only a map of valid entries behind.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(sequence: usize) -> Cached<usize> {
        Cached {
            aggregate: sequence,
            sequence,
            position: sequence as i64,
            key: None,
            snapshot_sequence: 0,
        }
    }

    #[test]
    fn an_older_state_never_replaces_a_newer_one() {
        let cache = StateCache::new(4);
        cache.put("a", at(5));
        cache.put("a", at(3));
        assert_eq!(cache.get("a").unwrap().sequence, 5);
        cache.put("a", at(6));
        assert_eq!(cache.get("a").unwrap().sequence, 6);
    }

    #[test]
    fn it_holds_at_most_its_capacity() {
        let cache = StateCache::new(2);
        for id in ["a", "b", "c", "d"] {
            cache.put(id, at(1));
        }
        assert_eq!(cache.lock().len(), 2);
        assert!(cache.get("d").is_some(), "the newest entry is kept");
    }
}
