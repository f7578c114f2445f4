//! The `doorstep-server` command: serve the app, or administer accounts and the audit trail.

use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand};
use doorstep_server::admin::{self, AdminError, NewAccount};
use doorstep_server::auth::Role;
use doorstep_server::id_vault::{self, IdKey, IdVault};
use doorstep_server::photos::{Bucket, S3Config};
use doorstep_server::state::AppState;
use doorstep_server::{app, audit, db, photos, records, seed};
use std::net::SocketAddr;
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "doorstep-server", about = "Doorstep API and app server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the app (the default).
    Serve,
    /// Check the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage stations and accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a station.
    CreateStation {
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Create an account and print its generated password (shown only once).
    CreateAccount {
        /// The station's name.
        #[arg(long)]
        station: String,
        /// The sign-in name, without spaces.
        #[arg(long)]
        username: String,
        /// The name the app shows, e.g. 王师傅.
        #[arg(long)]
        display_name: String,
        /// The staff number, e.g. SH-0217.
        #[arg(long)]
        staff_no: String,
        #[arg(long, value_parser = role_parser())]
        role: Role,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Give an account a new generated password (shown only once) and sign it out everywhere.
    ResetPassword {
        username: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Sign an account out of every device and browser; the password stays.
    RevokeDevices {
        username: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Set how many days a station keeps senders' identities (default 1095, 3 years).
    SetIdRetention {
        /// The station's name.
        #[arg(long)]
        station: String,
        #[arg(long)]
        days: i64,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List accounts, all or one station's.
    ListAccounts {
        /// Only this station's accounts.
        #[arg(long)]
        station: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and name the first entry that was edited, inserted, deleted or moved.
    Verify(DatabaseArgs),
}

#[derive(clap::Args)]
struct DatabaseArgs {
    /// Directory for the SQLite database (ignored when DATABASE_URL is set).
    #[arg(long, env = "DOORSTEP_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Database URL; SQLite under --data-dir when unset.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
}

impl DatabaseArgs {
    /// Connects, migrates, and fills in what migrations cannot compute (the review and outcome-time
    /// columns of records stored before they existed), before any command reads the database.
    async fn connect(&self) -> Result<db::Db, Box<dyn std::error::Error>> {
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => {
                std::fs::create_dir_all(&self.data_dir)?;
                db::sqlite_url(&self.data_dir)
            }
        };
        let db = db::Db::connect(&url).await?;
        records::store::backfill_review_columns(&db).await?;
        records::store::backfill_outcome_at(&db).await?;
        Ok(db)
    }
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DOORSTEP_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The built app to serve (Trunk's dist/).
    #[arg(long, env = "DOORSTEP_DIST")]
    dist: Option<PathBuf>,
    /// The app is reached over HTTPS (a TLS proxy in front): session cookies get `Secure` and
    /// the `__Host-` prefix.
    #[arg(long, env = "DOORSTEP_TLS")]
    tls: bool,
    /// The station's cut-off time of day, Shanghai time (`HH:MM`): after it, a parcel of the day
    /// without an outcome counts as unaccounted.
    #[arg(long, env = "DOORSTEP_CUTOFF", default_value = "21:00", value_parser = parse_cutoff)]
    cutoff: u32,
    /// The key senders' ID numbers are sealed with: base64 of 32 random bytes
    /// (`openssl rand -base64 32`). Required with PostgreSQL (every instance needs the same key);
    /// on SQLite it defaults to the file `id_key` beside the database, created on first start.
    #[arg(long, env = "DOORSTEP_ID_KEY", hide_env_values = true)]
    id_key: Option<String>,
    /// The previous ID key while rotating: identities sealed with it are re-sealed with the
    /// current key at startup.
    #[arg(long, env = "DOORSTEP_ID_KEY_OLD", hide_env_values = true)]
    id_key_old: Option<String>,
    /// Where delivery photos are kept: this directory (default `photos` under --data-dir)...
    #[arg(long, env = "DOORSTEP_PHOTOS_DIR")]
    photos_dir: Option<PathBuf>,
    /// ...or this S3-compatible bucket, shared by every instance. Credentials and region come
    /// from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_REGION`.
    #[arg(long, env = "DOORSTEP_PHOTOS_S3_BUCKET", conflicts_with = "photos_dir")]
    photos_s3_bucket: Option<String>,
    /// The bucket's endpoint when it is not AWS itself, e.g. `http://127.0.0.1:9000`.
    #[arg(
        long,
        env = "DOORSTEP_PHOTOS_S3_ENDPOINT",
        requires = "photos_s3_bucket"
    )]
    photos_s3_endpoint: Option<String>,
    #[command(flatten)]
    database: DatabaseArgs,
}

impl ServeArgs {
    fn photo_bucket(&self) -> Result<Bucket, object_store::Error> {
        match &self.photos_s3_bucket {
            Some(bucket) => Bucket::s3(&S3Config {
                bucket: bucket.clone(),
                endpoint: self.photos_s3_endpoint.clone(),
            }),
            None => Bucket::directory(
                &self
                    .photos_dir
                    .clone()
                    .unwrap_or_else(|| self.database.data_dir.join("photos")),
            ),
        }
    }

    /// The ID keys: the configured one, else (SQLite only) the key file beside the database,
    /// created on the first start and announced on stdout.
    fn id_vault(&self) -> Result<IdVault, String> {
        let old = self
            .id_key_old
            .as_deref()
            .map(IdKey::from_base64)
            .transpose()?;
        let current = match (&self.id_key, &self.database.database_url) {
            (Some(key), _) => IdKey::from_base64(key)?,
            (None, Some(_)) => {
                return Err(
                    "DOORSTEP_ID_KEY is required with DATABASE_URL: every instance \
                    must seal senders' ID numbers with the same key (openssl rand -base64 32)"
                        .into(),
                )
            }
            (None, None) => {
                std::fs::create_dir_all(&self.database.data_dir).map_err(|e| e.to_string())?;
                let path = self.database.data_dir.join(id_vault::KEY_FILE);
                let (key, created) = id_vault::key_file(&path)?;
                if created {
                    println!(
                        "Created the ID key {} (mode 0600): senders' ID numbers are sealed with it. \
                         Back it up apart from the database; without it they cannot be read.",
                        path.display()
                    );
                }
                key
            }
        };
        Ok(IdVault { current, old })
    }
}

/// `HH:MM` (00:00–23:59) as minutes after midnight.
fn parse_cutoff(text: &str) -> Result<u32, String> {
    let bad = || format!("`{text}` is not a time of day: write HH:MM, e.g. 21:00");
    let (hours, minutes) = text.trim().split_once(':').ok_or_else(bad)?;
    let hours: u32 = hours.parse().map_err(|_| bad())?;
    let minutes: u32 = minutes.parse().map_err(|_| bad())?;
    if hours > 23 || minutes > 59 || text.trim().len() != 5 {
        return Err(bad());
    }
    Ok(hours * 60 + minutes)
}

/// `--role` takes the core's role codes, which `--help` lists.
fn role_parser() -> impl clap::builder::TypedValueParser<Value = Role> {
    clap::builder::PossibleValuesParser::new(Role::ALL.map(Role::code))
        .try_map(|code: String| Role::from_code(&code).ok_or("not a role"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.serve).await,
        Command::Audit {
            command: AuditCommand::Verify(database),
        } => verify_audit(database).await,
        Command::Admin { command } => run_admin(command).await,
    }
}

/// Runs an admin command; a refusal (unknown name, duplicate, blank field) is one line on stderr
/// and exit status 1.
async fn run_admin(command: AdminCommand) -> Result<(), Box<dyn std::error::Error>> {
    let result = match command {
        AdminCommand::CreateStation { name, database } => {
            let db = database.connect().await?;
            admin::create_station(&db, &name)
                .await
                .map(|_| println!("Created the station {}.", name.trim()))
        }
        AdminCommand::CreateAccount {
            station,
            username,
            display_name,
            staff_no,
            role,
            database,
        } => {
            let db = database.connect().await?;
            let account = NewAccount {
                station: &station,
                username: &username,
                display_name: &display_name,
                staff_no: &staff_no,
                role,
            };
            admin::create_account(&db, &account).await.map(|password| {
                println!(
                    "Created the {} account {} at {} (password shown only now):",
                    role.code(),
                    username.trim(),
                    station.trim()
                );
                println!("  username: {}  password: {password}", username.trim());
            })
        }
        AdminCommand::ResetPassword { username, database } => {
            let db = database.connect().await?;
            admin::reset_password(&db, &username).await.map(|reset| {
                println!(
                    "New password for {} (shown only now): {}",
                    username.trim(),
                    reset.password
                );
                println!("Signed out of {} sessions.", reset.revoked_sessions);
            })
        }
        AdminCommand::RevokeDevices { username, database } => {
            let db = database.connect().await?;
            admin::revoke_devices(&db, &username)
                .await
                .map(|revoked| println!("Revoked {revoked} sessions of {}.", username.trim()))
        }
        AdminCommand::SetIdRetention {
            station,
            days,
            database,
        } => {
            let db = database.connect().await?;
            admin::set_id_retention(&db, &station, days)
                .await
                .map(|()| println!("{} keeps senders' identities {days} days.", station.trim()))
        }
        AdminCommand::ListAccounts { station, database } => {
            let db = database.connect().await?;
            admin::list_accounts(&db, station.as_deref())
                .await
                .map(|accounts| {
                    println!("station\tusername\trole\tdisplay name\tstaff no");
                    for a in accounts {
                        println!(
                            "{}\t{}\t{}\t{}\t{}",
                            a.station, a.username, a.role, a.display_name, a.staff_no
                        );
                    }
                })
        }
    };
    result.or_else(|error: AdminError| {
        eprintln!("error: {error}");
        std::process::exit(1)
    })
}

/// Prints how many entries are intact, or exits with status 1 naming the first bad entry.
async fn verify_audit(database: DatabaseArgs) -> Result<(), Box<dyn std::error::Error>> {
    let db = database.connect().await?;
    match audit::verify(&db).await? {
        Ok(count) => {
            println!("audit trail intact: {count} entries");
            Ok(())
        }
        Err(broken) => {
            eprintln!("audit trail broken at {broken}");
            std::process::exit(1);
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let vault = args.id_vault()?;
    let db = args.database.connect().await?;
    let resealed = records::identities::rotate(&db, &vault).await?;
    if resealed > 0 {
        println!("Re-sealed {resealed} sender identities with the new ID key.");
    }
    tokio::spawn(purge_identities_daily(db.clone()));
    let photos = args.photo_bucket()?;
    tokio::spawn(purge_photos_daily(db.clone(), photos.clone()));
    let created = seed::seed_demo(&db).await?;
    if !created.is_empty() {
        println!(
            "Created the demo station {} with these accounts (shown only now):",
            seed::DEMO_STATION
        );
        for account in &created {
            println!(
                "  {:<10} username: {:<10} password: {}",
                account.role.code(),
                account.username,
                account.password
            );
        }
    }
    if let Some(dist) = &args.dist {
        if !dist.join("index.html").exists() {
            return Err(
                format!("{} has no index.html: build the app first", dist.display()).into(),
            );
        }
    }
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    println!("Doorstep is listening on http://{addr}");
    println!("  courier app:    http://{addr}/courier");
    println!("  supervisor:     http://{addr}/supervisor");
    println!("  API document:   http://{addr}/api/v1/openapi.json");
    let live = db.live.clone();
    let mut state = AppState::new(db, args.dist, vault);
    state.policy.tls = args.tls;
    state.cutoff_minute = args.cutoff;
    state.photos = photos;
    // Connection info gives per-address limits (sign-in, recipient pages) the client's address.
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_requested().await;
        // Open live streams would hold the shutdown forever; the apps reconnect elsewhere.
        live.close();
    })
    .await?;
    Ok(())
}

/// Deletes real-name data past each station's retention period, at startup and then daily.
async fn purge_identities_daily(db: db::Db) {
    let mut daily = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
    loop {
        daily.tick().await;
        match records::identities::purge_expired(&db, doorstep_server::clock::now_ms()).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "deleted sender identities past retention"),
            Err(error) => tracing::error!(%error, "deleting expired sender identities failed"),
        }
    }
}

/// Deletes delivery photos past each station's retention period, at startup and then daily.
async fn purge_photos_daily(db: db::Db, bucket: Bucket) {
    let mut daily = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
    loop {
        daily.tick().await;
        let now = doorstep_server::clock::now_ms();
        match photos::retention::purge_expired(&db, &bucket, now).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "deleted photos past retention"),
            Err(error) => tracing::error!(%error, "deleting expired photos failed"),
        }
    }
}

/// Ctrl-C, or SIGTERM from a service manager: finish the requests in flight, then stop.
async fn shutdown_requested() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler can be installed");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::parse_cutoff;

    #[test]
    fn the_cutoff_is_a_time_of_day() {
        assert_eq!(parse_cutoff("21:00"), Ok(21 * 60));
        assert_eq!(parse_cutoff("07:30"), Ok(7 * 60 + 30));
        for bad in ["24:00", "21", "9:00", "21:60", "ab:cd"] {
            assert!(parse_cutoff(bad).is_err(), "{bad}");
        }
    }
}
