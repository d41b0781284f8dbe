//! The event store: postgres-es's event repository, used only through
//! `PersistedEventStore::new_event_store` (its snapshot and aggregate stores load wrong state),
//! wrapped so that personal data is encrypted on the way in and decrypted on the way out.
//! No queries are registered with the frameworks: query tables are built by the projector.

use crate::error::CommandError;
use crate::pii;
use cqrs_es::persist::{
    PersistedEventRepository, PersistedEventStore, PersistenceError, ReplayStream, SerializedEvent,
    SerializedSnapshot,
};
use cqrs_es::{Aggregate, CqrsFramework, EventStore as _};
use domain::account::Account;
use domain::document::Document;
use domain::institution::Institution;
use domain::metadata::{Actor, EventMetadata};
use domain::mobility::series::NumberSeries;
use domain::mobility::Mobility;
use domain::signature::SignatureLibrary;
use domain::Refusal;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlx::PgPool;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use uuid::Uuid;

fn unknown(err: anyhow::Error) -> PersistenceError {
    PersistenceError::UnknownError(err.into())
}

/// postgres-es's repository with personal data encrypted per aggregate (see [`pii`]).
pub struct EncryptingRepository {
    inner: PostgresEventRepository,
    pool: PgPool,
}

impl EncryptingRepository {
    pub fn new(pool: PgPool) -> Self {
        Self {
            inner: PostgresEventRepository::new(pool.clone()),
            pool,
        }
    }

    async fn decrypt_all(&self, events: &mut [SerializedEvent]) -> Result<(), PersistenceError> {
        let Some(first) = events.iter().find(|e| pii::has_encrypted_data(&e.payload)) else {
            return Ok(());
        };
        // All events of one load belong to one aggregate, hence to one subject.
        let subject = pii::subject_of(&first.aggregate_type, &first.aggregate_id);
        let key = pii::load_key(&self.pool, &subject).await.map_err(unknown)?;
        for event in events.iter_mut() {
            pii::decrypt(key.as_ref(), &subject, &mut event.payload).map_err(unknown)?;
        }
        Ok(())
    }
}

impl PersistedEventRepository for EncryptingRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        let mut events = self.inner.get_events::<A>(aggregate_id).await?;
        self.decrypt_all(&mut events).await?;
        Ok(events)
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        let mut events = self
            .inner
            .get_last_events::<A>(aggregate_id, last_sequence)
            .await?;
        self.decrypt_all(&mut events).await?;
        Ok(events)
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        _aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        Ok(None)
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        _snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        let mut sealed = events.to_vec();
        if let Some(first) = events.iter().find(|e| pii::has_personal_data(&e.payload)) {
            let subject = pii::subject_of(&first.aggregate_type, &first.aggregate_id);
            let key = pii::key_for_writing(&self.pool, &subject)
                .await
                .map_err(unknown)?;
            for event in &mut sealed {
                pii::encrypt(&key, &subject, &mut event.payload).map_err(unknown)?;
            }
        }
        self.inner.persist::<A>(&sealed, None).await
    }

    /// Streams raw (still encrypted) events; replays go through the projector instead.
    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        self.inner.stream_events::<A>(aggregate_id).await
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        self.inner.stream_all_events::<A>().await
    }
}

/// Who is acting, in which request: turned into event metadata with the clock's time. It
/// also records the newest transaction that wrote events for this request, so that the API
/// can wait for exactly that to be projected (read your writes).
#[derive(Clone, Debug)]
pub struct CommandContext {
    pub actor: Actor,
    pub correlation_id: Uuid,
    pub written: Arc<AtomicI64>,
}

impl CommandContext {
    pub fn new(actor: Actor) -> Self {
        Self::with_correlation(actor, Uuid::new_v4(), Arc::default())
    }

    pub fn with_correlation(actor: Actor, correlation_id: Uuid, written: Arc<AtomicI64>) -> Self {
        Self {
            actor,
            correlation_id,
            written,
        }
    }

    /// The newest transaction id that wrote events in this request, 0 if none.
    pub fn written_tx(&self) -> i64 {
        self.written.load(Ordering::SeqCst)
    }
}

type Store<A> = PersistedEventStore<EncryptingRepository, A>;

/// One aggregate type's command side: a framework (one per type, as cqrs-es requires) and
/// an event store for loading current state.
pub struct AggregateStore<A: Aggregate<Error = Refusal, Services = ()>> {
    framework: CqrsFramework<A, Store<A>>,
    reader: Store<A>,
    pool: PgPool,
}

/// Conflicts are retried this many times: a command is decided again on the fresh state.
const CONFLICT_RETRIES: usize = 3;

impl<A> AggregateStore<A>
where
    A: Aggregate<Error = Refusal, Services = ()>,
    A::Command: Clone,
{
    fn new(pool: &PgPool) -> Self {
        Self {
            framework: CqrsFramework::new(
                PersistedEventStore::new_event_store(EncryptingRepository::new(pool.clone()))
                    .with_upcasters(crate::upcasters::all()),
                vec![],
                (),
            ),
            reader: PersistedEventStore::new_event_store(EncryptingRepository::new(pool.clone()))
                .with_upcasters(crate::upcasters::all()),
            pool: pool.clone(),
        }
    }

    /// Notes the transaction that wrote this aggregate's newest events in the request.
    async fn note_written(&self, id: &str, ctx: &CommandContext) -> Result<(), CommandError> {
        let tx: Option<i64> = sqlx::query_scalar(
            "SELECT max(tx_id::text::bigint) FROM events WHERE aggregate_type = $1 AND aggregate_id = $2",
        )
        .bind(A::TYPE)
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        if let Some(tx) = tx {
            ctx.written.fetch_max(tx, Ordering::SeqCst);
        }
        Ok(())
    }

    /// Decides and appends atomically; a refusal writes nothing. Concurrent writers to the same
    /// aggregate conflict on (aggregate, sequence); the loser is decided again on fresh state.
    pub async fn execute(
        &self,
        id: Uuid,
        command: A::Command,
        ctx: &CommandContext,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), CommandError> {
        self.execute_tracked(id, command, ctx, at, true).await
    }

    /// Like [`execute`](Self::execute) without noting the written transaction: for bulk
    /// operations that note all their aggregates at once with [`note_written_all`].
    pub async fn execute_untracked(
        &self,
        id: Uuid,
        command: A::Command,
        ctx: &CommandContext,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), CommandError> {
        self.execute_tracked(id, command, ctx, at, false).await
    }

    /// Notes the newest transaction that wrote any of these aggregates (one query).
    pub async fn note_written_all(
        &self,
        ids: &[Uuid],
        ctx: &CommandContext,
    ) -> Result<(), CommandError> {
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let tx: Option<i64> = sqlx::query_scalar(
            "SELECT max(tx_id::text::bigint) FROM events WHERE aggregate_type = $1 AND aggregate_id = ANY($2)",
        )
        .bind(A::TYPE)
        .bind(&ids)
        .fetch_one(&self.pool)
        .await?;
        if let Some(tx) = tx {
            ctx.written.fetch_max(tx, Ordering::SeqCst);
        }
        Ok(())
    }

    #[tracing::instrument(name = "command", skip_all, fields(aggregate = A::TYPE, id = %id))]
    async fn execute_tracked(
        &self,
        id: Uuid,
        command: A::Command,
        ctx: &CommandContext,
        at: chrono::DateTime<chrono::Utc>,
        track: bool,
    ) -> Result<(), CommandError> {
        let meta = EventMetadata {
            actor: ctx.actor.clone(),
            correlation_id: ctx.correlation_id,
            at,
        }
        .to_map();
        let id = id.to_string();
        let mut attempt = 0;
        loop {
            let result = self
                .framework
                .execute_with_metadata(&id, command.clone(), meta.clone())
                .await
                .map_err(CommandError::from);
            match result {
                Err(CommandError::Conflict) if attempt < CONFLICT_RETRIES => {
                    attempt += 1;
                    tracing::debug!(attempt, "conflict, deciding again");
                }
                Ok(()) if track => return self.note_written(&id, ctx).await,
                other => return other,
            }
        }
    }

    /// The aggregate's current state, folded from all its events.
    #[tracing::instrument(name = "load", skip_all, fields(aggregate = A::TYPE, id = %id))]
    pub async fn load(&self, id: Uuid) -> Result<A, CommandError> {
        let context = self
            .reader
            .load_aggregate(&id.to_string())
            .await
            .map_err(CommandError::from)?;
        Ok(context.aggregate)
    }

    /// Every event of one aggregate, in order, decrypted, with its metadata.
    pub async fn history(&self, id: Uuid) -> Result<Vec<cqrs_es::EventEnvelope<A>>, CommandError> {
        self.reader
            .load_events(&id.to_string())
            .await
            .map_err(CommandError::from)
    }

    /// The aggregate as it stood at `at` (events stamped later are left out).
    pub async fn load_as_of(
        &self,
        id: Uuid,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<A, CommandError> {
        let mut state = A::default();
        for event in self.history(id).await? {
            let stamped = event
                .metadata
                .get("at")
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok());
            if stamped.is_some_and(|t| t > at) {
                break;
            }
            state.apply(event.payload);
        }
        Ok(state)
    }

    /// Appends without retrying on conflict: for tests that prove the conflict itself.
    pub async fn execute_once(
        &self,
        id: Uuid,
        command: A::Command,
        ctx: &CommandContext,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), CommandError> {
        let meta = EventMetadata {
            actor: ctx.actor.clone(),
            correlation_id: ctx.correlation_id,
            at,
        }
        .to_map();
        self.framework
            .execute_with_metadata(&id.to_string(), command, meta)
            .await
            .map_err(CommandError::from)?;
        self.note_written(&id.to_string(), ctx).await
    }
}

/// Every aggregate type's command side.
pub struct EventStore {
    pub accounts: AggregateStore<Account>,
    pub institutions: AggregateStore<Institution>,
    pub mobilities: AggregateStore<Mobility>,
    pub series: AggregateStore<NumberSeries>,
    pub documents: AggregateStore<Document>,
    pub signatures: AggregateStore<SignatureLibrary>,
}

impl EventStore {
    pub fn new(pool: PgPool) -> Self {
        Self {
            accounts: AggregateStore::new(&pool),
            institutions: AggregateStore::new(&pool),
            mobilities: AggregateStore::new(&pool),
            series: AggregateStore::new(&pool),
            documents: AggregateStore::new(&pool),
            signatures: AggregateStore::new(&pool),
        }
    }
}
