use clap::{Parser, Subcommand};
use doorstep_server::{app, db, seed, AppState};
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
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DOORSTEP_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Directory for the SQLite database (ignored when DATABASE_URL is set).
    #[arg(long, env = "DOORSTEP_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The built app to serve (Trunk's dist/).
    #[arg(long, env = "DOORSTEP_DIST")]
    dist: Option<PathBuf>,
    /// Database URL; SQLite under --data-dir when unset.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
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
    }
}

async fn serve(args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let url = match args.database_url {
        Some(url) => url,
        None => {
            std::fs::create_dir_all(&args.data_dir)?;
            db::sqlite_url(&args.data_dir)
        }
    };
    let db = db::Db::connect(&url).await?;
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
    let state = AppState::new(db, args.dist);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_requested())
        .await?;
    Ok(())
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
