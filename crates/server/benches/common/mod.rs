//! What both server benchmarks need.

/// The URL of a new, empty database `name` on the PostgreSQL server of `server_url`
/// (`…/postgres`). One an earlier run left there (a hand run against a lasting cluster) is
/// dropped first.
pub async fn fresh_postgres_url(server_url: &str, name: &str) -> String {
    let admin = sqlx::PgPool::connect(server_url).await.unwrap();
    for statement in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&statement).execute(&admin).await.unwrap();
    }
    admin.close().await;
    let (base, _) = server_url
        .rsplit_once('/')
        .expect("a URL ending in /<database>");
    format!("{base}/{name}")
}
