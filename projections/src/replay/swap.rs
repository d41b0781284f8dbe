//! Putting rebuilt tables live, atomically: one transaction holds the live projector off the
//! projections (their advisory locks) and the API off the tables (`ACCESS EXCLUSIVE`),
//! applies what arrived since the last batch, repeats on the copies what happened outside the
//! projector (`settle`), replaces each live table by its copy and hands the shadow checkpoint
//! to the live projector, which carries on from there. Readers wait for the swap only, never
//! for the rebuild.

use super::batch;
use super::settle::settle;
use super::shadow::Shadow;
use super::{lock_projections, BATCH_SIZE};
use sqlx::PgConnection;
use sqlx::PgPool;
use std::time::Duration;

/// Swaps attempts that cannot take their locks quickly are retried after catching up again,
/// so the API never queues behind the swap for long.
const ATTEMPTS: usize = 5;

/// Returns how many events were applied inside the swap transaction.
pub async fn swap(
    pool: &PgPool,
    shadow: &Shadow,
    mut each: impl FnMut(&'static str, usize),
) -> anyhow::Result<u64> {
    let mut attempt = 0;
    let applied = loop {
        // Keeps the remainder inside the locks small.
        shadow.catch_up(pool, false, &mut each).await?;
        match try_swap(pool, shadow, &mut each).await {
            Ok(applied) => break applied,
            Err(err) if attempt + 1 < ATTEMPTS && is_lock_wait(&err) => {
                attempt += 1;
                tracing::warn!(attempt, error = %err, "replay swap could not take its locks; retrying");
                tokio::time::sleep(Duration::from_millis(200 * attempt as u64)).await;
            }
            Err(err) => return Err(err),
        }
    };
    // Fresh tables have no planner statistics yet.
    for table in shadow.tables() {
        sqlx::query(&format!("ANALYZE public.{table}"))
            .execute(pool)
            .await?;
    }
    Ok(applied)
}

async fn try_swap(
    pool: &PgPool,
    shadow: &Shadow,
    each: &mut impl FnMut(&'static str, usize),
) -> anyhow::Result<u64> {
    let schema = &shadow.schema;
    let tables = shadow.tables();
    let mut tx = pool.begin().await?;
    // Short lock waits; no notice per object the final DROP SCHEMA cascades to.
    sqlx::query("SET LOCAL lock_timeout = '2s'")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SET LOCAL client_min_messages = warning")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('europass.replay.' || $1))")
        .bind(schema)
        .execute(&mut *tx)
        .await?;
    lock_projections(&mut tx, shadow.projections.iter().map(|p| p.name())).await?;
    // Sorted names: the same order as every other multi-table writer (the Try Out purge).
    let live: Vec<String> = tables.iter().map(|t| format!("public.{t}")).collect();
    sqlx::query(&format!(
        "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
        live.join(", ")
    ))
    .execute(&mut *tx)
    .await?;
    // Read after the locks: no live batch is running, so nothing live is ahead of this.
    let horizon = batch::horizon(&mut tx).await?;
    shadow.enter(&mut tx).await?;
    let mut applied = 0;
    for projection in &shadow.projections {
        loop {
            let n = shadow
                .step(&mut tx, projection.as_ref(), horizon, None)
                .await?;
            applied += n as u64;
            each(projection.name(), n);
            if (n as i64) < BATCH_SIZE {
                break;
            }
        }
    }
    settle(&mut tx, shadow).await?;
    for table in &tables {
        same_columns(&mut tx, schema, table).await?;
        let renames = index_names(&mut tx, schema, table).await?;
        sqlx::query(&format!("DROP TABLE public.{table}"))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!("ALTER TABLE {schema}.{table} SET SCHEMA public"))
            .execute(&mut *tx)
            .await?;
        // `LIKE` names indexes anew; give them the migration's names back (later migrations
        // refer to them). Through temporary names, in case the two sets overlap.
        for (i, (copy, _)) in renames.iter().enumerate() {
            sqlx::query(&format!(
                "ALTER INDEX public.{copy} RENAME TO replay_swap_{i}"
            ))
            .execute(&mut *tx)
            .await?;
        }
        for (i, (_, original)) in renames.iter().enumerate() {
            sqlx::query(&format!(
                "ALTER INDEX public.replay_swap_{i} RENAME TO {original}"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query(&format!(
        "INSERT INTO public.projector_checkpoints (projection, last_tx, last_position, horizon)
         SELECT projection, last_tx, last_position, horizon FROM {schema}.replay_checkpoints
         ON CONFLICT (projection) DO UPDATE
            SET last_tx = excluded.last_tx, last_position = excluded.last_position,
                horizon = GREATEST(projector_checkpoints.horizon, excluded.horizon),
                updated_at = now()"
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(applied)
}

/// A migration that changed a live table during the rebuild would make the copy stale.
async fn same_columns(conn: &mut PgConnection, schema: &str, table: &str) -> anyhow::Result<()> {
    let columns = |qualified: String| {
        sqlx::query_scalar::<_, String>(
            "SELECT attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull
               FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0
                AND NOT attisdropped ORDER BY attnum",
        )
        .bind(qualified)
    };
    let live = columns(format!("public.{table}"))
        .fetch_all(&mut *conn)
        .await?;
    let copy = columns(format!("{schema}.{table}"))
        .fetch_all(&mut *conn)
        .await?;
    anyhow::ensure!(
        live == copy,
        "public.{table} changed since the replay began (a migration?): start a new replay"
    );
    let triggers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal",
    )
    .bind(format!("public.{table}"))
    .fetch_one(&mut *conn)
    .await?;
    anyhow::ensure!(
        triggers == 0,
        "public.{table} has triggers, which a rebuilt copy would not have"
    );
    Ok(())
}

/// Pairs every index of the copy with the live index of the same definition:
/// (copy's name, live name).
async fn index_names(
    conn: &mut PgConnection,
    schema: &str,
    table: &str,
) -> anyhow::Result<Vec<(String, String)>> {
    let indexes = |qualified: String| {
        sqlx::query_as::<_, (String, String)>(
            "SELECT c.relname::text,
                    i.indisprimary || ' ' || i.indisunique || ' '
                    || substring(pg_get_indexdef(i.indexrelid) from ' USING .*$')
               FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
              WHERE i.indrelid = to_regclass($1) ORDER BY 1",
        )
        .bind(qualified)
    };
    let live = indexes(format!("public.{table}"))
        .fetch_all(&mut *conn)
        .await?;
    let mut copies = indexes(format!("{schema}.{table}"))
        .fetch_all(&mut *conn)
        .await?;
    let mut pairs = vec![];
    for (name, definition) in live {
        let found = copies.iter().position(|(_, d)| *d == definition);
        let Some(found) = found else {
            anyhow::bail!("the copy of {table} lacks index {name}");
        };
        pairs.push((copies.remove(found).0, name));
    }
    Ok(pairs)
}

fn is_lock_wait(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .and_then(|e| e.as_database_error())
            .and_then(|e| e.code())
            .is_some_and(|code| code == "55P03" || code == "40P01")
    })
}
