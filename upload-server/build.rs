//! Rebuilds the server when a migration is added: `sqlx::migrate!` embeds
//! the migrations folder at compile time, and cargo does not watch it
//! otherwise (sqlx's documented advice).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
