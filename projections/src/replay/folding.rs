//! Catching up a projection that folds across batches ([`RebuildFold`]).
//!
//! Two tasks: a reader reads windows of [`FOLD_WINDOW`] events (each in a short read-only
//! transaction, decrypted and upcast) and hands them over while it reads the next; the folder
//! folds them into the rows held in memory. Rows are written when [`FOLD_HELD`] are held and
//! at the end, in transactions of [`WRITE_ROWS`] rows, and only then does the shadow
//! checkpoint move. An interrupted rebuild resumes from the last such flush; a row written
//! before the crash skips the events already in it (see [`RebuildFold`]).

use super::batch::{self, Position, Window};
use super::shadow::{live_checkpoint, Shadow};
use crate::projector::Projection;
use crate::rebuild_fold::RebuildFold;
use anyhow::Context;
use eventstore::stored_event::StoredEvent;
use eventstore::unseal::Unsealer;
use sqlx::PgPool;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Events read per window.
const FOLD_WINDOW: i64 = 20_000;
/// Rows a fold may hold in memory before they are written and forgotten.
const FOLD_HELD: usize = 200_000;
/// Rows per write transaction of a flush.
const WRITE_ROWS: usize = 2_000;
/// Write transactions of a flush running at once.
const WRITERS: usize = 2;

/// One window of opened events.
struct Read {
    events: Vec<StoredEvent>,
    last: Position,
    /// Every event of a transaction below this is read.
    reached: i64,
    finished: bool,
}

/// Catches `projection` up in `shadow` with `fold`; returns how many events it folded.
pub(super) async fn catch_up(
    shadow: &Shadow,
    pool: &PgPool,
    projection: &dyn Projection,
    fold: Box<dyn RebuildFold>,
    to_live: bool,
    each: &mut impl FnMut(&'static str, usize),
) -> anyhow::Result<u64> {
    // Two processes resuming the same schema take turns, for the whole catch-up (the lock
    // goes with the connection if the process dies).
    let mut lock = pool.acquire().await?;
    sqlx::query("SELECT pg_advisory_lock(hashtext('europass.replay.' || $1))")
        .bind(&shadow.schema)
        .execute(&mut *lock)
        .await?;
    let after = shadow.checkpoint(&mut lock, projection.name()).await?;
    let (sender, receiver) = mpsc::channel(1);
    let reader = tokio::spawn(read(
        pool.clone(),
        shadow.schema.clone(),
        projection.name(),
        projection.aggregate_types(),
        after,
        to_live,
        sender,
    ));
    let outcome = fold_all(shadow, pool, projection.name(), fold, receiver, each).await;
    // Stops the reader if folding failed; a no-op if it is done.
    reader.abort();
    sqlx::query("SELECT pg_advisory_unlock(hashtext('europass.replay.' || $1))")
        .bind(&shadow.schema)
        .execute(&mut *lock)
        .await?;
    outcome
}

/// The reader: windows in the projector's order until one is not full.
async fn read(
    pool: PgPool,
    schema: String,
    name: &'static str,
    types: &'static [&'static str],
    mut after: Position,
    to_live: bool,
    sender: mpsc::Sender<anyhow::Result<Read>>,
) {
    loop {
        let read = read_one(&pool, &schema, name, types, after, to_live).await;
        let finished = read.as_ref().map_or(true, |r| r.finished);
        if let Ok(read) = &read {
            after = read.last;
        }
        if sender.send(read).await.is_err() || finished {
            return;
        }
    }
}

async fn read_one(
    pool: &PgPool,
    schema: &str,
    name: &'static str,
    types: &'static [&'static str],
    after: Position,
    to_live: bool,
) -> anyhow::Result<Read> {
    // No xid unless keys are noted: no live projection waits on a read.
    let mut tx = pool.begin().await?;
    let until = if to_live {
        Some(live_checkpoint(&mut tx, name).await?)
    } else {
        None
    };
    let horizon = batch::horizon(&mut tx).await?;
    let window = Window {
        types,
        after,
        until,
        aggregate: None,
        limit: FOLD_WINDOW,
    };
    let mut unsealer = Unsealer::default();
    let (events, last) = batch::read_window(&mut tx, &mut unsealer, horizon, &window).await?;
    // The keys before any row built from them is written: a key deleted meanwhile is then
    // always one `settle` knows about.
    Shadow::note_keys_in(&mut tx, schema, &unsealer).await?;
    tx.commit().await?;
    let full = events.len() as i64 == FOLD_WINDOW;
    Ok(Read {
        // A full window may have left events of its last transaction.
        reached: if full { last.tx } else { horizon },
        finished: !full,
        events,
        last,
    })
}

/// The folder: folds every window, flushing when memory is full and at the end.
async fn fold_all(
    shadow: &Shadow,
    pool: &PgPool,
    name: &'static str,
    mut fold: Box<dyn RebuildFold>,
    mut receiver: mpsc::Receiver<anyhow::Result<Read>>,
    each: &mut impl FnMut(&'static str, usize),
) -> anyhow::Result<u64> {
    let mut total = 0u64;
    // The last window folded since the last flush.
    let mut pending: Option<(Position, i64)> = None;
    while let Some(read) = receiver.recv().await {
        let read = read?;
        if !read.events.is_empty() {
            // Rows not held yet come from the shadow copies.
            let mut tx = pool.begin().await?;
            shadow.enter(&mut tx).await?;
            fold.fold(&mut tx, &read.events)
                .await
                .with_context(|| format!("replaying {name} up to {:?}", read.last))?;
            tx.commit().await?;
            pending = Some((read.last, read.reached));
        }
        total += read.events.len() as u64;
        each(name, read.events.len());
        if let Some((last, reached)) = pending {
            if read.finished || fold.held() >= FOLD_HELD {
                flush(shadow, pool, name, fold.as_mut(), last, reached).await?;
                fold.forget();
                pending = None;
            }
        }
        if read.finished {
            return Ok(total);
        }
    }
    anyhow::bail!("the reader of {name} stopped without finishing")
}

/// Writes every row the fold changed, then moves the shadow checkpoint to `last`.
async fn flush(
    shadow: &Shadow,
    pool: &PgPool,
    projection: &str,
    fold: &mut dyn RebuildFold,
    last: Position,
    reached: i64,
) -> anyhow::Result<()> {
    // Two writes at a time, each in a short transaction of its own (each holds back the
    // live projector's horizon while it runs): one is prepared while the other executes. A
    // write lost in a crash is repeated on resume, so none waits for the disk.
    let mut writing = JoinSet::new();
    while let Some(rows) = fold.take_write(WRITE_ROWS)? {
        if writing.len() >= WRITERS {
            writing.join_next().await.context("a write")???;
        }
        let (pool, schema) = (pool.clone(), shadow.schema.clone());
        writing.spawn(async move {
            let mut tx = pool.begin().await?;
            sqlx::query("SET LOCAL synchronous_commit = off")
                .execute(&mut *tx)
                .await?;
            Shadow::enter_schema(&mut tx, &schema).await?;
            rows.execute(&mut tx).await?;
            tx.commit().await?;
            anyhow::Ok(())
        });
    }
    while let Some(written) = writing.join_next().await {
        written??;
    }
    let mut tx = pool.begin().await?;
    shadow
        .move_checkpoint(&mut tx, projection, last, reached)
        .await?;
    tx.commit().await?;
    Ok(())
}
