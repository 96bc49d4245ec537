//! s3s-fs, a real S3-compatible server, for the tests of the S3 backend.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const ACCESS: &str = "rowpress-test";
pub const SECRET: &str = "rowpress-test-secret-key";

/// s3s-fs on a free port over a scratch directory; killed when dropped.
pub struct S3 {
    child: Child,
    /// Its port.
    pub port: u16,
    /// Where it keeps the buckets.
    pub dir: PathBuf,
}

impl S3 {
    /// Starts one with a bucket `exports-bucket`.
    pub fn start() -> S3 {
        let dir =
            std::env::temp_dir().join(format!("rowpress-s3-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join("exports-bucket")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = spawn(port, &dir);
        S3 { child, port, dir }
    }

    /// Starts it again on the same port and directory.
    pub fn restart(&mut self) {
        self.stop();
        self.child = spawn(self.port, &self.dir);
    }

    /// Kills it.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// s3s-fs on `port` over `dir`, once it accepts connections.
fn spawn(port: u16, dir: &std::path::Path) -> Child {
    let mut child = Command::new("s3s-fs")
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--access-key",
            ACCESS,
            "--secret-key",
            SECRET,
        ])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("s3s-fs (cargo install --locked s3s-fs@0.14.1 --features binary; scripts/setup.sh does)");
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("s3s-fs did not start on port {port}");
}

impl Drop for S3 {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
