//! The shadow schema of a rebuild: copies of the projections' tables under their own names
//! (`CREATE TABLE replay_x.t (LIKE public.t INCLUDING ALL)`), a checkpoint per projection and
//! the subject keys used. A transaction that sets `search_path` to the schema makes the
//! projections' unqualified SQL write the copies while the API keeps using the live tables.
//! The search path holds the shadow schema alone (with a view of `subject_keys` for the
//! decryption), so a table a projection writes without declaring it fails loudly instead of
//! being written live twice.
//!
//! Every batch is one transaction that moves the shadow checkpoint with its writes: an
//! interrupted rebuild loses at most one batch and continues from the checkpoint. A
//! projection with a [`RebuildFold`](crate::rebuild_fold::RebuildFold) is caught up
//! differently: its rows stay in memory across windows of events and are written once per
//! flush, after which the checkpoint moves (see [`folding`]).

use super::batch::{self, Position, Window};
use super::{folding, identifier, BATCH_SIZE};
use crate::projector::Projection;
use eventstore::unseal::Unsealer;
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;

#[derive(Clone)]
pub struct Shadow {
    pub schema: String,
    pub projections: Vec<Arc<dyn Projection>>,
}

impl Shadow {
    /// Creates the schema with empty copies of every projection's tables.
    pub async fn create(
        pool: &PgPool,
        projections: &[Arc<dyn Projection>],
        schema: &str,
    ) -> anyhow::Result<Self> {
        identifier(schema)?;
        for projection in projections {
            anyhow::ensure!(
                !projection.tables().is_empty(),
                "projection {} does not declare its tables: it cannot be replayed",
                projection.name()
            );
            projection
                .tables()
                .iter()
                .try_for_each(|t| identifier(t).map(drop))?;
        }
        let mut tx = pool.begin().await?;
        for sql in [
            format!("CREATE SCHEMA {schema}"),
            format!(
                "CREATE TABLE {schema}.replay_checkpoints (projection text PRIMARY KEY,
                     last_tx bigint NOT NULL, last_position bigint NOT NULL,
                     horizon bigint NOT NULL)"
            ),
            format!(
                "CREATE TABLE {schema}.replay_used_keys (subject text PRIMARY KEY, key_id uuid)"
            ),
            format!("CREATE VIEW {schema}.subject_keys AS SELECT * FROM public.subject_keys"),
        ] {
            sqlx::query(&sql).execute(&mut *tx).await?;
        }
        for projection in projections {
            for table in projection.tables() {
                sqlx::query(&format!(
                    "CREATE TABLE {schema}.{table} (LIKE public.{table} INCLUDING ALL)"
                ))
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(&format!(
                "INSERT INTO {schema}.replay_checkpoints VALUES ($1, 0, 0, 0)"
            ))
            .bind(projection.name())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Self {
            schema: schema.to_string(),
            projections: projections.to_vec(),
        })
    }

    /// Opens an interrupted rebuild: the projections it was started with, taken from
    /// `available` by name.
    pub async fn open(
        pool: &PgPool,
        available: &[Arc<dyn Projection>],
        schema: &str,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(
            Self::exists(pool, schema).await?,
            "{schema} is not an unfinished replay (already swapped in, discarded, or never started)"
        );
        let names: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT projection FROM {schema}.replay_checkpoints ORDER BY projection"
        ))
        .fetch_all(pool)
        .await?;
        let projections = names
            .iter()
            .map(|name| {
                available
                    .iter()
                    .find(|p| p.name() == name)
                    .cloned()
                    .ok_or_else(|| anyhow::anyhow!("{schema} rebuilds unknown projection {name}"))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            schema: schema.to_string(),
            projections,
        })
    }

    /// Whether `schema` is a rebuild's shadow schema.
    pub async fn exists(pool: &PgPool, schema: &str) -> anyhow::Result<bool> {
        identifier(schema)?;
        Ok(sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(format!("{schema}.replay_checkpoints"))
            .fetch_one(pool)
            .await?)
    }

    /// Every table of every projection, sorted (one global lock order).
    pub fn tables(&self) -> Vec<&'static str> {
        let mut tables: Vec<_> = self
            .projections
            .iter()
            .flat_map(|p| p.tables().iter().copied())
            .collect();
        tables.sort_unstable();
        tables.dedup();
        tables
    }

    /// Points the transaction's unqualified names at the shadow schema.
    pub async fn enter(&self, conn: &mut PgConnection) -> anyhow::Result<()> {
        Self::enter_schema(conn, &self.schema).await
    }

    /// [`Shadow::enter`] for the shadow schema `schema`.
    pub async fn enter_schema(conn: &mut PgConnection, schema: &str) -> anyhow::Result<()> {
        sqlx::query(&format!("SET LOCAL search_path TO {schema}"))
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn checkpoint(
        &self,
        conn: &mut PgConnection,
        projection: &str,
    ) -> anyhow::Result<Position> {
        let (tx, position): (i64, i64) = sqlx::query_as(&format!(
            "SELECT last_tx, last_position FROM {}.replay_checkpoints WHERE projection = $1",
            self.schema
        ))
        .bind(projection)
        .fetch_one(conn)
        .await?;
        Ok(Position { tx, position })
    }

    /// About how many events the rebuild still has to apply: the planner's estimate from the
    /// table's statistics. An exact count took a scan of its own, beside a rebuild bound by
    /// the same CPU (about a twentieth of the rebuild's time on a million events); a total
    /// for the progress needs no more.
    pub async fn remaining(&self, pool: &PgPool) -> anyhow::Result<u64> {
        let mut conn = pool.acquire().await?;
        let horizon = batch::horizon(&mut conn).await?;
        let mut total = 0;
        for projection in &self.projections {
            let from = self.checkpoint(&mut conn, projection.name()).await?;
            let plan: serde_json::Value = sqlx::query_scalar(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM events
                  WHERE (tx_id, global_position) > ($1::text::xid8, $2)
                    AND tx_id < $3::text::xid8 AND aggregate_type = ANY($4)",
            )
            .bind(from.tx.to_string())
            .bind(from.position)
            .bind(horizon.to_string())
            .bind(projection.aggregate_types())
            .fetch_one(&mut *conn)
            .await?;
            let rows = plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0);
            total += rows.max(0.0) as u64;
        }
        Ok(total)
    }

    /// One batch in its own transaction; returns how many events it applied.
    pub async fn batch(
        &self,
        pool: &PgPool,
        projection: &dyn Projection,
        until: Option<Position>,
    ) -> anyhow::Result<usize> {
        let mut tx = pool.begin().await?;
        let horizon = batch::horizon(&mut tx).await?;
        // A shadow batch and its shadow checkpoint commit together; one lost in a crash is
        // simply applied again on resume, so the commit need not wait for the disk.
        sqlx::query("SET LOCAL synchronous_commit = off")
            .execute(&mut *tx)
            .await?;
        self.enter(&mut tx).await?;
        // Two processes resuming the same schema take turns.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('europass.replay.' || $1))")
            .bind(&self.schema)
            .execute(&mut *tx)
            .await?;
        let applied = self.step(&mut tx, projection, horizon, until).await?;
        tx.commit().await?;
        Ok(applied)
    }

    /// Applies up to one batch inside the caller's transaction (search path already on the
    /// shadow) and moves the shadow checkpoint with it.
    pub async fn step(
        &self,
        conn: &mut PgConnection,
        projection: &dyn Projection,
        horizon: i64,
        until: Option<Position>,
    ) -> anyhow::Result<usize> {
        let after = self.checkpoint(conn, projection.name()).await?;
        let window = Window {
            types: projection.aggregate_types(),
            after,
            until,
            aggregate: None,
            limit: BATCH_SIZE,
        };
        let mut unsealer = Unsealer::default();
        let (applied, last) =
            batch::apply_window(conn, projection, &mut unsealer, horizon, &window).await?;
        if applied == 0 {
            return Ok(0);
        }
        self.note_keys(conn, &unsealer).await?;
        // A full batch may have left events of its last transaction (as in the projector).
        let reached = if applied as i64 == BATCH_SIZE {
            last.tx
        } else {
            horizon
        };
        self.move_checkpoint(conn, projection.name(), last, reached)
            .await?;
        Ok(applied)
    }

    pub(super) async fn move_checkpoint(
        &self,
        conn: &mut PgConnection,
        projection: &str,
        last: Position,
        reached: i64,
    ) -> anyhow::Result<()> {
        sqlx::query(&format!(
            "UPDATE {}.replay_checkpoints SET last_tx = $2, last_position = $3,
                    horizon = GREATEST(horizon, $4)
              WHERE projection = $1",
            self.schema
        ))
        .bind(projection)
        .bind(last.tx)
        .bind(last.position)
        .bind(reached)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Records which key each subject's values were decrypted with. A subject seen with two
    /// different keys is marked unknown (NULL): `settle` rebuilds it.
    pub async fn note_keys(
        &self,
        conn: &mut PgConnection,
        unsealer: &Unsealer,
    ) -> anyhow::Result<()> {
        Self::note_keys_in(conn, &self.schema, unsealer).await
    }

    /// [`Shadow::note_keys`] for the shadow schema `schema`.
    pub async fn note_keys_in(
        conn: &mut PgConnection,
        schema: &str,
        unsealer: &Unsealer,
    ) -> anyhow::Result<()> {
        let subjects = unsealer.subjects_with_keys();
        if subjects.is_empty() {
            return Ok(());
        }
        sqlx::query(&format!(
            "INSERT INTO {schema}.replay_used_keys (subject, key_id)
             SELECT s, k.key_id FROM unnest($1::text[]) s
               LEFT JOIN public.subject_keys k ON k.subject = s
             ON CONFLICT (subject) DO UPDATE SET key_id = CASE
                 WHEN {schema}.replay_used_keys.key_id = excluded.key_id THEN excluded.key_id END"
        ))
        .bind(&subjects)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Catches up every projection in batches of their own, calling `each` after every batch.
    /// `to_live` stops each projection at what the live projector has applied (verify
    /// compares like with like), read afresh for every batch.
    pub async fn catch_up(
        &self,
        pool: &PgPool,
        to_live: bool,
        mut each: impl FnMut(&'static str, usize),
    ) -> anyhow::Result<u64> {
        let mut total = 0;
        for projection in &self.projections {
            if let Some(fold) = projection.rebuild_fold() {
                total +=
                    folding::catch_up(self, pool, projection.as_ref(), fold, to_live, &mut each)
                        .await?;
                continue;
            }
            loop {
                let until = if to_live {
                    let mut conn = pool.acquire().await?;
                    Some(live_checkpoint(&mut conn, projection.name()).await?)
                } else {
                    None
                };
                let applied = self.batch(pool, projection.as_ref(), until).await?;
                total += applied as u64;
                each(projection.name(), applied);
                if (applied as i64) < BATCH_SIZE {
                    break;
                }
            }
        }
        Ok(total)
    }

    /// Drops the schema and everything in it.
    pub async fn discard(pool: &PgPool, schema: &str) -> anyhow::Result<()> {
        identifier(schema)?;
        let mut tx = pool.begin().await?;
        sqlx::query("SET LOCAL client_min_messages = warning")
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What the live projector has applied of a projection.
pub async fn live_checkpoint(
    conn: &mut PgConnection,
    projection: &str,
) -> anyhow::Result<Position> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT last_tx, last_position FROM public.projector_checkpoints WHERE projection = $1",
    )
    .bind(projection)
    .fetch_optional(conn)
    .await?;
    let (tx, position) = row.unwrap_or((0, 0));
    Ok(Position { tx, position })
}
