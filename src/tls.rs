//! TLS for the server and for the clients that ship with it (the `health` probe and the load
//! generator), through tonic's rustls support. PEM files are read and checked once at start, so
//! that a wrong path or a file of the wrong kind stops the server with the flag named instead of
//! failing every handshake later.

use std::path::{Path, PathBuf};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity, ServerTlsConfig, Uri};

/// Why a TLS file was refused.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("--{flag}: cannot read {path}: {source}")]
    Read {
        flag: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("--{flag}: {path} holds no PEM {what}")]
    NoPem {
        flag: &'static str,
        path: PathBuf,
        what: &'static str,
    },
    #[error("--{flag} needs --{needs}")]
    Missing {
        flag: &'static str,
        needs: &'static str,
    },
    #[error("{0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("--addr: {0}")]
    Address(String),
}

/// The server's certificate chain and key, and the CA that client certificates must chain to
/// for mutual TLS; PEM, read and checked.
#[derive(Clone)]
pub struct ServerTls {
    cert: Vec<u8>,
    key: Vec<u8>,
    client_ca: Option<Vec<u8>>,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("ServerTls")
            .field("mutual", &self.client_ca.is_some())
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// Reads `--tls-cert`, `--tls-key` and `--tls-client-ca`; `None` when TLS is off.
    pub fn load(
        cert: Option<&Path>,
        key: Option<&Path>,
        client_ca: Option<&Path>,
    ) -> Result<Option<Self>, TlsError> {
        let (cert, key) = match (cert, key, client_ca) {
            (None, None, None) => return Ok(None),
            (Some(cert), Some(key), _) => (cert, key),
            (None, _, _) => {
                let flag = if key.is_some() {
                    "tls-key"
                } else {
                    "tls-client-ca"
                };
                return Err(TlsError::Missing {
                    flag,
                    needs: "tls-cert",
                });
            }
            (Some(_), None, _) => {
                return Err(TlsError::Missing {
                    flag: "tls-cert",
                    needs: "tls-key",
                });
            }
        };
        Ok(Some(Self {
            cert: read_certificates("tls-cert", cert)?,
            key: read_private_key("tls-key", key)?,
            client_ca: client_ca
                .map(|ca| read_certificates("tls-client-ca", ca))
                .transpose()?,
        }))
    }

    /// Whether clients must present a certificate.
    pub fn is_mutual(&self) -> bool {
        self.client_ca.is_some()
    }

    pub fn config(&self) -> ServerTlsConfig {
        let config = ServerTlsConfig::new().identity(Identity::from_pem(&self.cert, &self.key));
        match &self.client_ca {
            Some(ca) => config.client_ca_root(Certificate::from_pem(ca)),
            None => config,
        }
    }
}

fn read(flag: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        flag,
        path: path.to_owned(),
        source,
    })
}

fn read_certificates(flag: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    let pem = read(flag, path)?;
    if !CertificateDer::pem_slice_iter(&pem).any(|c| c.is_ok()) {
        return Err(TlsError::NoPem {
            flag,
            path: path.to_owned(),
            what: "certificate",
        });
    }
    Ok(pem)
}

fn read_private_key(flag: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    let pem = read(flag, path)?;
    if PrivateKeyDer::from_pem_slice(&pem).is_err() {
        return Err(TlsError::NoPem {
            flag,
            path: path.to_owned(),
            what: "private key",
        });
    }
    Ok(pem)
}

/// How a client (the health probe, the load generator) reaches a server: plaintext, or TLS
/// with the CA to trust and, for mutual TLS, its own certificate.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClientTlsArgs {
    /// Speak TLS, trusting the CA certificates of this PEM file.
    #[arg(long = "tls-ca")]
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS; needs --tls-ca and --tls-client-key.
    #[arg(long = "tls-client-cert")]
    pub cert: Option<PathBuf>,
    /// Client private key (PEM) for mutual TLS.
    #[arg(long = "tls-client-key")]
    pub key: Option<PathBuf>,
    /// The name the server's certificate must carry, when it is not the host of --addr.
    #[arg(long = "tls-domain")]
    pub domain: Option<String>,
}

impl ClientTlsArgs {
    /// An endpoint for `addr` (HOST:PORT), over TLS when --tls-ca is given.
    pub fn endpoint(&self, addr: &str) -> Result<Endpoint, TlsError> {
        let Some(ca) = &self.ca else {
            if self.cert.is_some() || self.key.is_some() {
                return Err(TlsError::Missing {
                    flag: "tls-client-cert",
                    needs: "tls-ca",
                });
            }
            return Endpoint::from_shared(format!("http://{addr}")).map_err(TlsError::from);
        };
        let uri: Uri = format!("https://{addr}")
            .parse()
            .map_err(|e| TlsError::Address(format!("{addr}: {e}")))?;
        let domain = match &self.domain {
            Some(domain) => domain.clone(),
            None => uri
                .host()
                .ok_or_else(|| TlsError::Address(format!("{addr} has no host")))?
                .trim_matches(['[', ']'])
                .to_owned(),
        };
        let mut config = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(read_certificates("tls-ca", ca)?))
            .domain_name(domain);
        match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => {
                config = config.identity(Identity::from_pem(
                    read_certificates("tls-client-cert", cert)?,
                    read_private_key("tls-client-key", key)?,
                ));
            }
            (None, None) => {}
            (Some(_), None) => {
                return Err(TlsError::Missing {
                    flag: "tls-client-cert",
                    needs: "tls-client-key",
                });
            }
            (None, Some(_)) => {
                return Err(TlsError::Missing {
                    flag: "tls-client-key",
                    needs: "tls-client-cert",
                });
            }
        }
        Ok(Endpoint::from(uri).tls_config(config)?)
    }
}
