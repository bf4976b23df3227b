//! Binding the Unix domain socket of a sidecar with its permissions set before anyone can
//! connect: the socket is bound under a temporary name beside the final one, given its mode, and
//! only then renamed into place, so there is no moment when the default umask's mode lets
//! another user in.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tokio::net::UnixListener;

/// Binds a listening socket at `path` with permissions `mode` (0600: its owner only).
pub fn bind(path: &Path, mode: u32) -> std::io::Result<UnixListener> {
    let mut staging = path.as_os_str().to_owned();
    staging.push(format!(".{}.binding", std::process::id()));
    let staging = Path::new(&staging);
    let _ = std::fs::remove_file(staging);
    let listener = std::os::unix::net::UnixListener::bind(staging)?;
    let placed = std::fs::set_permissions(staging, std::fs::Permissions::from_mode(mode))
        .and_then(|()| std::fs::rename(staging, path));
    if let Err(error) = placed {
        let _ = std::fs::remove_file(staging);
        return Err(error);
    }
    listener.set_nonblocking(true)?;
    UnixListener::from_std(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_socket_has_the_mode_asked_for() {
        let dir = tempfile::tempdir().expect("temp dir");
        for mode in [0o600, 0o660] {
            let path = dir.path().join(format!("d{mode:o}.sock"));
            let _listener = bind(&path, mode).expect("binds");
            let metadata = std::fs::metadata(&path).expect("socket exists");
            assert!(std::os::unix::fs::FileTypeExt::is_socket(
                &metadata.file_type()
            ));
            assert_eq!(metadata.permissions().mode() & 0o777, mode);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 2, "no staging name left behind: {names:?}");
    }
}
