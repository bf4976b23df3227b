//! The bearer-token check: which tokens the server accepts, where they come from, and how a
//! rotated secret file takes effect without a restart.
//!
//! Tokens come from `--auth-token-file` (one a line; blank lines and `#` comments ignored), so
//! that they stay out of the process list and the pod spec, and several tokens can be valid at
//! once: a rotation adds the new token, clients move over, then the old one is removed, with no
//! moment when a client's token is refused. The file is re-read every second rather than watched
//! through inotify: Kubernetes updates a mounted secret by swapping a symlink of the directory,
//! which file watchers see inconsistently, while re-reading a few bytes a second costs nothing.
//! Tokens are compared in constant time (`subtle`), each one, so that timing tells nothing about
//! which token or how much of it matched.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use subtle::ConstantTimeEq;
use tonic::{Request, Status};

/// How often the token file is re-read.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// Why a token file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} holds no token (one token a line; blank lines and # comments are ignored)")]
    Empty { path: PathBuf },
    #[error("{path}, line {line}: a token must be printable ASCII without spaces")]
    Malformed { path: PathBuf, line: usize },
}

/// Reads the tokens of a token file.
pub fn read_token_file(path: &Path) -> Result<Vec<String>, TokenFileError> {
    let content = std::fs::read_to_string(path).map_err(|source| TokenFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut tokens = Vec::new();
    for (number, line) in content.lines().enumerate() {
        let token = line.trim();
        if token.is_empty() || token.starts_with('#') {
            continue;
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(TokenFileError::Malformed {
                path: path.to_owned(),
                line: number + 1,
            });
        }
        tokens.push(token.to_owned());
    }
    if tokens.is_empty() {
        return Err(TokenFileError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(tokens)
}

/// Where the accepted tokens come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// No token: every call is let through.
    None,
    /// One token given on the command line or in the environment.
    Fixed(String),
    /// A file of tokens, re-read when it changes.
    File(PathBuf),
}

/// Which services the token guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AuthScope {
    /// The Analyzer only; health and reflection stay open for probes and grpcurl.
    #[default]
    Analyzer,
    /// Every service, health and reflection included.
    All,
}

/// The tokens accepted now, shared by every connection and replaced whole on a reload.
#[derive(Clone, Default)]
pub struct BearerTokens {
    /// `Bearer TOKEN` as the `authorization` metadata carries it, one entry a token.
    expected: Arc<RwLock<Vec<Vec<u8>>>>,
}

impl BearerTokens {
    pub fn new(tokens: &[String]) -> Self {
        let accepted = Self::default();
        accepted.replace(tokens);
        accepted
    }

    /// Replaces the accepted tokens.
    pub fn replace(&self, tokens: &[String]) {
        let expected = tokens
            .iter()
            .map(|t| format!("Bearer {t}").into_bytes())
            .collect();
        *self.expected.write().expect("token lock is never poisoned") = expected;
    }

    /// Whether `authorization` (the metadata value as sent) carries one of the tokens. Every
    /// token is compared, in constant time, whatever the first comparisons gave.
    pub fn accepts(&self, authorization: &[u8]) -> bool {
        let expected = self.expected.read().expect("token lock is never poisoned");
        let matched = expected
            .iter()
            .fold(subtle::Choice::from(0), |found, token| {
                found | token.as_slice().ct_eq(authorization)
            });
        bool::from(matched)
    }

    /// Checks one call's metadata.
    pub fn check<T>(&self, request: &Request<T>) -> Result<(), Status> {
        match request.metadata().get("authorization") {
            Some(given) if self.accepts(given.as_bytes()) => Ok(()),
            Some(_) => Err(Status::unauthenticated(
                "authorization: the bearer token is wrong",
            )),
            None => Err(Status::unauthenticated(
                "authorization: this server requires a bearer token (metadata `authorization: Bearer TOKEN`)",
            )),
        }
    }
}

/// The server's token check: the accepted tokens (none when auth is off) and what they guard.
#[derive(Clone)]
pub struct Authenticator {
    tokens: Option<BearerTokens>,
    scope: AuthScope,
}

impl Authenticator {
    /// Reads the tokens and, for a token file, starts re-reading it every
    /// [`RELOAD_INTERVAL`] until the authenticator and its interceptors are all dropped. Must be
    /// called inside a Tokio runtime when the source is a file.
    pub fn start(source: &TokenSource, scope: AuthScope) -> Result<Self, TokenFileError> {
        let tokens = match source {
            TokenSource::None => None,
            TokenSource::Fixed(token) => Some(BearerTokens::new(std::slice::from_ref(token))),
            TokenSource::File(path) => {
                let tokens = BearerTokens::new(&read_token_file(path)?);
                tokio::spawn(reload(path.clone(), Arc::downgrade(&tokens.expected)));
                Some(tokens)
            }
        };
        Ok(Self { tokens, scope })
    }

    /// The interceptor of one service: the Analyzer's is `guarded`; health and reflection are
    /// guarded only when the scope is [`AuthScope::All`].
    pub fn interceptor(
        &self,
        analyzer: bool,
    ) -> impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone + use<> {
        let tokens = self
            .tokens
            .clone()
            .filter(|_| analyzer || self.scope == AuthScope::All);
        move |request: Request<()>| {
            if let Some(tokens) = &tokens {
                tokens.check(&request)?;
            }
            Ok(request)
        }
    }
}

/// Re-reads the token file every [`RELOAD_INTERVAL`]; a change replaces the tokens. A file that
/// is missing, empty or malformed for a while (a rotation half done) keeps the last good tokens,
/// with a warning, rather than locking every client out.
async fn reload(path: PathBuf, tokens: std::sync::Weak<RwLock<Vec<Vec<u8>>>>) {
    let mut last = std::fs::read(&path).ok();
    let mut failing = false;
    let mut ticks = tokio::time::interval(RELOAD_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(expected) = tokens.upgrade() else {
            return;
        };
        let content = std::fs::read(&path).ok();
        if content == last && !failing {
            continue;
        }
        match read_token_file(&path) {
            Ok(new_tokens) => {
                BearerTokens { expected }.replace(&new_tokens);
                tracing::info!(path = %path.display(), tokens = new_tokens.len(), "auth token file reloaded");
                failing = false;
            }
            Err(error) if !failing => {
                tracing::warn!(%error, "auth token file unusable; keeping the tokens read before");
                failing = true;
            }
            Err(_) => {}
        }
        last = content;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_tokens_each_accepted_in_full_only() {
        let tokens = BearerTokens::new(&["old-token".into(), "new-token".into()]);
        assert!(tokens.accepts(b"Bearer old-token"));
        assert!(tokens.accepts(b"Bearer new-token"));
        assert!(!tokens.accepts(b"Bearer new-toke"));
        assert!(!tokens.accepts(b"Bearer new-tokenX"));
        assert!(!tokens.accepts(b"new-token"));
        assert!(!tokens.accepts(b""));
        tokens.replace(&["new-token".into()]);
        assert!(!tokens.accepts(b"Bearer old-token"));
    }

    #[test]
    fn token_file_lines_comments_and_errors() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("tokens");
        std::fs::write(&path, "# rotated 2026-11\n\n  alpha \nbeta\n").expect("write");
        assert_eq!(read_token_file(&path).expect("valid"), ["alpha", "beta"]);
        std::fs::write(&path, "# nothing\n\n").expect("write");
        assert!(matches!(
            read_token_file(&path),
            Err(TokenFileError::Empty { .. })
        ));
        std::fs::write(&path, "good\nwith space\n").expect("write");
        let error = read_token_file(&path).expect_err("a space inside a token");
        assert!(error.to_string().contains("line 2"), "{error}");
        assert!(read_token_file(&dir.path().join("missing")).is_err());
    }
}
