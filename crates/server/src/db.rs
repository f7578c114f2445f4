//! Database connection and migrations. One set of queries serves SQLite (the default, a file under
//! the data directory) and PostgreSQL (`DATABASE_URL=postgres://…`) through sqlx's `Any` driver;
//! each backend has its own numbered migrations for its dialect.

use crate::live::hub::{Hub, Wake};
use crate::turns::{Lane, Turn, Turns};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyPool, ConnectOptions, Executor, Transaction};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The SQLite database file, for the export's own reads ([`crate::records::export`]); `None` on
    /// PostgreSQL.
    pub sqlite_file: Option<PathBuf>,
    /// SQLite has one writer at a time; queueing writers here ([`Turns`]: first come first
    /// served, small writes before waiting batches) beats SQLite's busy-wait polling (which
    /// starves some writers for seconds under load). The turn comes with the one connection
    /// every write transaction uses: in WAL mode a connection drops its page cache whenever
    /// another connection wrote since its last transaction, so writers taking turns over the
    /// shared pool each started cold and read every page again.
    sqlite_writer: Arc<Turns>,
    /// Where write transactions begin: SQLite's one writer connection, or PostgreSQL's pool.
    writer: AnyPool,
    /// This instance's live streams, woken by committed write transactions.
    pub live: Hub,
    /// On PostgreSQL, the address the listener for other instances' wakes connects to, and
    /// whether it listens yet: it starts with the first stream.
    listener: Option<(Arc<str>, Arc<tokio::sync::OnceCell<()>>)>,
}

/// A write transaction; on SQLite it also holds this process's writer turn until it ends.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: Option<Turn>,
    /// Live streams to wake once (and only if) this transaction commits.
    wakes: Vec<Wake>,
    hub: Hub,
}

impl WriteTx {
    /// Wakes the live streams of `wake` after a successful commit, on every server instance.
    pub fn wake(&mut self, wake: Wake) {
        self.wakes.push(wake);
    }

    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        self.wakes.sort_unstable();
        self.wakes.dedup();
        if self.tx.backend_name() == "PostgreSQL" {
            // PostgreSQL delivers these at commit, to every instance's listener, this one's too.
            for payload in crate::live::listen::payloads(&self.wakes) {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(crate::live::listen::CHANNEL)
                    .bind(payload)
                    .execute(&mut *self.tx)
                    .await?;
            }
            return self.tx.commit().await;
        }
        self.tx.commit().await?;
        self.wakes.iter().for_each(|wake| self.hub.send(*wake));
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = Transaction<'static, Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// What a transaction-level lock on PostgreSQL serializes.
#[derive(Debug, Clone, Copy)]
pub enum LockKey {
    /// Appends to the audit chain, which read the head and then insert after it.
    AuditChain,
    /// One courier's change feed: ids must become visible in increasing order.
    CourierChanges(i64),
    /// One station's parcels: a manifest import or a reassignment reads them, decides, and writes.
    StationParcels(i64),
}

/// Takes a PostgreSQL advisory lock held until the transaction ends, so writers on every server
/// instance take turns. SQLite needs none: a write transaction already excludes all others.
pub async fn lock_for_transaction(
    conn: &mut sqlx::AnyConnection,
    key: LockKey,
) -> Result<(), sqlx::Error> {
    if conn.backend_name() != "PostgreSQL" {
        return Ok(());
    }
    // The two-key form: the first key names what is locked, the second which one.
    let (kind, id): (i32, i64) = match key {
        LockKey::AuditChain => (1, 0),
        LockKey::CourierChanges(courier_id) => (2, courier_id),
        LockKey::StationParcels(station_id) => (3, station_id),
    };
    let id = i32::try_from(id).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1, $2)")
        .bind(kind)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Most bind parameters one statement may carry on both backends: SQLite's limit (PostgreSQL's
/// is 65,535). Multi-row statements are cut into chunks of [`rows_per_statement`] rows.
const MAX_BIND_PARAMETERS: usize = 32_766;

/// How many rows of `columns` bound values fit in one statement.
pub fn rows_per_statement(columns: usize) -> usize {
    MAX_BIND_PARAMETERS / columns
}

/// How a statement marks its bound values. PostgreSQL needs numbered ones (`$1`). SQLite gets
/// plain `?`, bound in the order they appear: sqlx looks each numbered one up by name, a linear
/// search in SQLite, which made binding a multi-row INSERT of thousands of values quadratic.
#[derive(Debug, Clone, Copy)]
pub struct Placeholders {
    numbered: bool,
}

impl Placeholders {
    pub fn of(conn: &sqlx::AnyConnection) -> Placeholders {
        Placeholders {
            numbered: conn.backend_name() == "PostgreSQL",
        }
    }

    /// For a statement run on the pool rather than on a held connection.
    pub fn of_db(db: &Db) -> Placeholders {
        Placeholders {
            numbered: db.backend == Backend::Postgres,
        }
    }

    fn mark(self, n: usize) -> String {
        if self.numbered {
            format!("${n}")
        } else {
            "?".to_string()
        }
    }

    /// `$1, $2, $3`: `count` placeholders from the `first`th, for an `IN (…)` list.
    pub fn list(self, first: usize, count: usize) -> String {
        (first..first + count)
            .map(|n| self.mark(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `($1, $2), ($3, $4)`: the rows of a `VALUES` list, `columns` placeholders each.
    pub fn rows(self, rows: usize, columns: usize) -> String {
        self.rows_from(1, rows, columns)
    }

    /// [`Placeholders::rows`] numbered from the `first`th, after a statement's other values.
    pub fn rows_from(self, first: usize, rows: usize, columns: usize) -> String {
        (0..rows)
            .map(|row| format!("({})", self.list(first + row * columns, columns)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// WAL for concurrent readers; FULL so an acknowledged write survives a power cut, not only a
/// crash; a wait instead of "database is locked". The WAL grows to 10,000 pages (SQLite's default
/// is 1,000) before a commit copies it back into the database file: ingest batches dirty hundreds
/// of pages each, so the default checkpointed every other batch, each time writing and syncing the
/// database file inside a writer's turn; now a tenth as often, writing a page once that several
/// batches rewrote.
pub(crate) const SQLITE_SETTINGS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 10000;";

/// The one connection that SQLite write transactions use, kept open so its page cache stays warm.
async fn sqlite_writer(options: AnyConnectOptions) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .after_connect(|conn, _| {
            Box::pin(async move { conn.execute(SQLITE_SETTINGS).await.map(drop) })
        })
        .connect_with(options)
        .await
}

/// The SQLite URL for a data directory: `<dir>/doorstep.db`, created when missing.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("doorstep.db").display()
    )
}

impl Db {
    /// Connects and applies every pending migration.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(SQLITE_SETTINGS).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options.clone())
            .await?;
        let (writer, sqlite_file) = match backend {
            Backend::Sqlite => (
                sqlite_writer(options).await?,
                Some(
                    SqliteConnectOptions::from_str(url)?
                        .get_filename()
                        .to_owned(),
                ),
            ),
            Backend::Postgres => (pool.clone(), None),
        };
        let db = Db {
            pool,
            backend,
            sqlite_file,
            sqlite_writer: Arc::default(),
            writer,
            live: Hub::default(),
            listener: (backend == Backend::Postgres).then(|| (url.into(), Arc::default())),
        };
        db.migrate().await?;
        Ok(db)
    }

    /// A transaction that will write. On SQLite it takes the write lock at BEGIN (IMMEDIATE), so
    /// concurrent writers queue on the busy timeout instead of failing with "database is locked"
    /// when a read lock cannot be upgraded.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        self.begin_write_in(Lane::Small).await
    }

    /// [`Db::begin_write`] for a write that waits in `lane`: a big one ([`Lane::Batch`]) lets
    /// small ones that arrive while it waits go first.
    pub async fn begin_write_in(&self, lane: Lane) -> Result<WriteTx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let turn = self.sqlite_writer.take(lane).await;
                let tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx {
                    tx,
                    _turn: Some(turn),
                    wakes: Vec::new(),
                    hub: self.live.clone(),
                })
            }
            Backend::Postgres => Ok(WriteTx {
                tx: self.writer.begin().await?,
                _turn: None,
                wakes: Vec::new(),
                hub: self.live.clone(),
            }),
        }
    }

    /// Makes sure wakes committed through other instances reach this one's streams: on
    /// PostgreSQL the first call starts listening and returns once it listens. SQLite has one
    /// instance, which wakes its streams itself.
    pub async fn hear_other_instances(&self) -> Result<(), sqlx::Error> {
        let Some((url, listening)) = &self.listener else {
            return Ok(());
        };
        listening
            .get_or_try_init(|| crate::live::listen::start(url, self.live.clone()))
            .await?;
        Ok(())
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrations = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrations.run(&self.pool).await?;
        Ok(())
    }
}
