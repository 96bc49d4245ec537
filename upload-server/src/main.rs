//! `upload-server`: serve the API (default), or print a token.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use upload_server::{AppState, Config, app};

/// Rowpress upload server: stores exported PDF, DOCX and XLSX files (local
/// disk or S3), records each export (SQLite or PostgreSQL) and returns
/// download URLs. With no configuration it keeps everything under ./data and
/// listens on 127.0.0.1:3000. Every flag can also be set by the environment
/// variable shown.
#[derive(Parser)]
#[command(name = "upload-server", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Print a bearer token for a user, signed with the server's secret.
    Token {
        /// The user id (letters, digits, '-' and '_').
        #[arg(long)]
        user: String,
        /// How long the token is valid (`1h`, `30m`, `7d`).
        #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
        ttl: Duration,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Some(Command::Token { user, ttl }) => token(&cli.config, &user, ttl),
        None | Some(Command::Serve) => runtime.block_on(serve(cli.config)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn token(config: &Config, user: &str, ttl: Duration) -> Result<(), String> {
    let keys = upload_server::auth::Keys::from_secret(&config.secret()?);
    println!("{}", keys.issue(user, ttl)?);
    Ok(())
}

async fn serve(config: Config) -> Result<(), String> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let bind = config.bind;
    let state = AppState::build(config).await?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    tracing::info!(%bind, "listening");
    let config = state.config.clone();
    let sweeper = tokio::spawn(upload_server::sweep::run(state.clone()));
    let served = upload_server::serve::serve(listener, app(state), &config, shutdown())
        .await
        .map_err(|e| format!("server failed: {e}"));
    sweeper.abort();
    served
}

/// SIGTERM or Ctrl-C: stop accepting, let requests in flight finish.
async fn shutdown() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down; finishing requests in flight");
}
