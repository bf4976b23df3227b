//! The Unix socket of `docsift serve --listen unix:PATH` is private to its owner (mode 0600)
//! unless `--unix-socket-mode` says otherwise, from the moment it exists.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Starts the server on `socket` and waits for the socket to appear.
fn serve(socket: &Path, extra: &[&str]) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_docsift"))
        .args(["serve", "--listen"])
        .arg(format!("unix:{}", socket.display()))
        .args(extra)
        .env("RUST_LOG", "warn")
        .spawn()
        .expect("docsift starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !socket.exists() {
        assert!(
            Instant::now() < deadline,
            "no socket at {}",
            socket.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn mode_of(socket: &Path) -> u32 {
    let metadata = std::fs::metadata(socket).expect("socket exists");
    assert!(metadata.file_type().is_socket());
    metadata.permissions().mode() & 0o777
}

#[test]
fn the_socket_is_created_private_or_with_the_mode_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (extra, mode) in [
        (&[][..], 0o600),
        (&["--unix-socket-mode", "660"][..], 0o660),
    ] {
        let socket = dir.path().join(format!("docsift-{mode:o}.sock"));
        let mut server = serve(&socket, extra);
        let seen = mode_of(&socket);
        server.kill().expect("stop the server");
        server.wait().expect("reaped");
        assert_eq!(seen, mode, "{extra:?}");
    }
}

#[test]
fn a_mode_that_is_not_octal_is_refused_naming_the_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_docsift"))
        .args([
            "serve",
            "--listen",
            "unix:/nonexistent/d.sock",
            "--unix-socket-mode",
            "rw-------",
        ])
        .output()
        .expect("docsift runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--unix-socket-mode"), "{stderr}");
}
