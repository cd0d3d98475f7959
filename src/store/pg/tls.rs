//! TLS to the server, with libpq's meaning of `sslmode`, `sslrootcert`, `sslcert` and
//! `sslkey`. tokio-postgres reads only `sslmode=disable|prefer|require` and refuses the rest,
//! so kuvert takes these four out of the URL, gives tokio-postgres the mode it knows, and
//! builds the rustls connector that does what libpq would: `verify-full` checks the chain
//! and the host name, `verify-ca` the chain, `require` and `prefer` only encrypt unless a
//! root certificate is there (then they check the chain, as libpq does). TLS that was asked
//! for is never given up for plaintext.

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{AlertDescription, CertificateError, DigitallySignedStruct, RootCertStore};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{CertFault, Problem, Result};

/// libpq's `sslmode`, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// Where the server's certificate is checked against (`sslrootcert`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roots {
    /// libpq's default, `~/.postgresql/root.crt`, used when it exists.
    Default,
    File(PathBuf),
    /// `sslrootcert=system`: the OS trust store.
    System,
}

/// The URL's TLS parameters, as kuvert reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub mode: Mode,
    pub roots: Roots,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

/// Splits a URL into what tokio-postgres reads (the URL without kuvert's TLS parameters) and
/// those parameters. `server` is the address without its password, for messages.
pub fn split(url: &str, server: &str) -> Result<(String, Settings)> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let mut mode = None;
    let mut settings = Settings {
        mode: Mode::Prefer,
        roots: Roots::Default,
        cert: None,
        key: None,
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(raw_key, server)?;
        if !matches!(
            key.as_str(),
            "sslmode" | "sslrootcert" | "sslcert" | "sslkey"
        ) {
            kept.push(pair);
            continue;
        }
        let value = decode(raw_value, server)?;
        let bad = || Problem::BadTlsParameter {
            server: server.to_owned(),
            key: key.clone(),
            value: value.clone(),
        };
        match key.as_str() {
            "sslmode" => mode = Some(parse_mode(&value).ok_or_else(bad)?),
            _ if value.is_empty() => return Err(bad().into()),
            "sslrootcert" if value == "system" => settings.roots = Roots::System,
            "sslrootcert" => settings.roots = Roots::File(value.into()),
            "sslcert" => settings.cert = Some(value.into()),
            _ => settings.key = Some(value.into()),
        }
    }
    settings.mode = match (mode, &settings.roots) {
        // As libpq: the system's roots mean verify-full, and nothing weaker.
        (None, Roots::System) => Mode::VerifyFull,
        (Some(m), Roots::System) if m != Mode::VerifyFull => {
            return Err(Problem::BadTlsParameter {
                server: server.to_owned(),
                key: "sslrootcert".into(),
                value: "system".into(),
            }
            .into());
        }
        (m, _) => m.unwrap_or(Mode::Prefer),
    };
    let rest = match kept.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{}", kept.join("&")),
    };
    Ok((rest, settings))
}

fn parse_mode(value: &str) -> Option<Mode> {
    Some(match value {
        "disable" => Mode::Disable,
        "prefer" => Mode::Prefer,
        "require" => Mode::Require,
        "verify-ca" => Mode::VerifyCa,
        "verify-full" => Mode::VerifyFull,
        // `allow` (plaintext first) is libpq's too, but tokio-postgres has no such order.
        _ => return None,
    })
}

fn decode(text: &str, server: &str) -> Result<String> {
    match percent_decode_str(text).decode_utf8() {
        Ok(t) => Ok(t.into_owned()),
        Err(e) => Err(Problem::BadServerUrl {
            server: server.to_owned(),
            detail: e.to_string(),
        }
        .into()),
    }
}

/// Connects with the TLS the settings ask for. Unix sockets never use TLS (PostgreSQL has
/// none there, and libpq ignores sslmode for them).
pub fn connect(config: &mut Config, settings: &Settings, server: &str) -> Result<Client> {
    let sockets_only = config.get_hostaddrs().is_empty()
        && !config.get_hosts().is_empty()
        && config
            .get_hosts()
            .iter()
            .all(|h| !matches!(h, Host::Tcp(_)));
    if sockets_only || settings.mode == Mode::Disable {
        config.ssl_mode(SslMode::Disable);
        return config.connect(NoTls).map_err(|e| refused(e, server).into());
    }
    let tls = client_config(settings, server, home().as_deref())?;
    config.ssl_mode(match settings.mode {
        Mode::Prefer => SslMode::Prefer,
        _ => SslMode::Require,
    });
    config
        .connect(MakeRustlsConnect::new(tls))
        .map_err(|e| refused(e, server).into())
}

/// The home folder libpq looks in for `.postgresql/` (HOME first, as libpq).
fn home() -> Option<PathBuf> {
    std::env::home_dir().filter(|h| !h.as_os_str().is_empty())
}

/// The rustls configuration for these settings; `home` holds libpq's default files.
pub fn client_config(
    settings: &Settings,
    server: &str,
    home: Option<&Path>,
) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let default = |name: &str| home.map(|h| h.join(".postgresql").join(name));
    let roots = match &settings.roots {
        Roots::File(path) => Some(root_file(path, server)?),
        Roots::System => Some(system_roots(server)?),
        Roots::Default => match default("root.crt").filter(|p| p.exists()) {
            Some(path) => Some(root_file(&path, server)?),
            None if settings.mode >= Mode::VerifyCa => {
                return Err(Problem::NoRootCert {
                    server: server.to_owned(),
                    path: default("root.crt").unwrap_or_else(|| "~/.postgresql/root.crt".into()),
                }
                .into());
            }
            None => None,
        },
    };
    let verifier = Verifier {
        roots: roots.map(Arc::new),
        names: settings.mode == Mode::VerifyFull,
        algorithms: provider.signature_verification_algorithms,
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Problem::NoServer {
            server: server.to_owned(),
            detail: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    let cert = match &settings.cert {
        Some(path) => Some(path.clone()),
        None => default("postgresql.crt").filter(|p| p.exists()),
    };
    let mut config = match cert {
        None => builder.with_no_client_auth(),
        Some(cert) => {
            let key = match &settings.key {
                Some(path) => path.clone(),
                None => default("postgresql.key").unwrap_or_else(|| "postgresql.key".into()),
            };
            let chain = certificates(&cert, server)?;
            let bytes = read(&key, server)?;
            private(&key, server)?;
            let der =
                PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| tls_file(&key, server, e))?;
            builder
                .with_client_auth_cert(chain, der)
                .map_err(|e| tls_file(&key, server, e))?
        }
    };
    // PostgreSQL 17's direct TLS needs the ALPN name; older servers ignore it.
    config.alpn_protocols = vec![b"postgresql".to_vec()];
    Ok(config)
}

fn read(path: &Path, server: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| tls_file(path, server, e))
}

/// libpq's rule for a private key: no one else may read it (0600), or the group too when
/// root owns it (0640).
fn private(key: &Path, server: &str) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(key).map_err(|e| tls_file(key, server, e))?;
    let others = match meta.uid() {
        0 => 0o037,
        _ => 0o077,
    };
    match meta.mode() & others {
        0 => Ok(()),
        _ => Err(tls_file(
            key,
            server,
            format!(
                "others may read the key (mode {:o}); chmod 0600 it",
                meta.mode() & 0o777
            ),
        )),
    }
}

fn tls_file(path: &Path, server: &str, e: impl std::fmt::Display) -> crate::error::Error {
    Problem::TlsFile {
        server: server.to_owned(),
        file: path.to_owned(),
        why: e.to_string(),
    }
    .into()
}

/// Every certificate of a PEM file; a file without one is refused.
fn certificates(path: &Path, server: &str) -> Result<Vec<CertificateDer<'static>>> {
    let bytes = read(path, server)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| tls_file(path, server, e))?;
    match certs.is_empty() {
        true => Err(tls_file(path, server, "no PEM certificate in the file")),
        false => Ok(certs),
    }
}

fn root_file(path: &Path, server: &str) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    for cert in certificates(path, server)? {
        roots.add(cert).map_err(|e| tls_file(path, server, e))?;
    }
    Ok(roots)
}

fn system_roots(server: &str) -> Result<RootCertStore> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(found.certs);
    match roots.is_empty() {
        true => Err(tls_file(
            Path::new("system"),
            server,
            found
                .errors
                .first()
                .map_or("the OS trust store has no certificates".into(), |e| {
                    e.to_string()
                }),
        )),
        false => Ok(roots),
    }
}

/// Checks the server's certificate as the mode asks: against the roots (none: encryption
/// only, as libpq's `require` without a root certificate), and the host name for
/// `verify-full`. The handshake's signatures are checked in every case.
#[derive(Debug)]
struct Verifier {
    roots: Option<Arc<RootCertStore>>,
    names: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        if let Some(roots) = &self.roots {
            let cert = ParsedCertificate::try_from(end_entity)?;
            verify_server_cert_signed_by_trust_anchor(
                &cert,
                roots,
                intermediates,
                now,
                self.algorithms.all,
            )?;
            if self.names {
                verify_server_name(&cert, server_name)?;
            }
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// What a failed connection means: the TLS faults by name, the rest as the server said.
fn refused(e: postgres::Error, server: &str) -> Problem {
    let server = server.to_owned();
    // tokio-postgres' words when the server answers the TLS request with "no".
    if e.source()
        .is_some_and(|s| s.to_string() == "server does not support TLS")
    {
        return Problem::ServerWithoutTls { server };
    }
    let fault = match tls_error(&e) {
        Some(rustls::Error::InvalidCertificate(c)) => match c {
            CertificateError::UnknownIssuer => CertFault::UnknownCa,
            CertificateError::NotValidForNameContext {
                expected,
                presented,
            } => CertFault::WrongHost {
                expected: expected.to_str().into_owned(),
                presented: presented
                    .iter()
                    .map(|n| bare(n))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            CertificateError::NotValidForName => CertFault::WrongHost {
                expected: String::new(),
                presented: String::new(),
            },
            other => CertFault::Other(format!("{other:?}")),
        },
        Some(rustls::Error::AlertReceived(alert)) if client_cert_alert(*alert) => {
            return Problem::ClientCertRefused {
                server,
                detail: format!("{alert:?}"),
            };
        }
        // tokio-postgres shows a server's refusal as "db error" alone: its words instead.
        _ => {
            let detail = match e.as_db_error() {
                Some(db) => format!("{}: {}", db.severity(), db.message()),
                None => e.to_string(),
            };
            return Problem::NoServer { server, detail };
        }
    };
    Problem::ServerCertRefused { server, fault }
}

/// A presented name as a person writes it: rustls gives `DnsName("db.fk.se")`.
fn bare(name: &str) -> &str {
    match name.split_once("(\"") {
        Some((_, rest)) => rest.strip_suffix("\")").unwrap_or(rest),
        None => name,
    }
}

/// The alerts a server sends when it wants a client certificate or refuses kuvert's.
fn client_cert_alert(alert: AlertDescription) -> bool {
    use AlertDescription::*;
    matches!(
        alert,
        CertificateRequired
            | BadCertificate
            | UnsupportedCertificate
            | CertificateRevoked
            | CertificateExpired
            | CertificateUnknown
            | UnknownCA
            | AccessDenied
    )
}

/// The rustls error under a connection's error (tokio-rustls wraps it in an io::Error).
fn tls_error(e: &postgres::Error) -> Option<&rustls::Error> {
    let mut next: Option<&(dyn StdError + 'static)> = e.source();
    while let Some(err) = next {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        let inner = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        if let Some(r) = inner.and_then(|i| i.downcast_ref::<rustls::Error>()) {
            return Some(r);
        }
        next = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> (String, Settings) {
        split(url, "server").expect("a good URL")
    }

    fn refusal(url: &str) -> Problem {
        match split(url, "server") {
            Err(crate::error::Error::Problem(p)) => p,
            other => panic!("{url}: {other:?}"),
        }
    }

    #[test]
    fn a_presented_name_is_shown_bare() {
        assert_eq!(bare("DnsName(\"localhost\")"), "localhost");
        assert_eq!(bare("10.1.2.3"), "10.1.2.3");
    }

    #[test]
    fn the_tls_parameters_are_taken_out_and_the_rest_kept_as_written() {
        let (rest, s) = settings(
            "postgresql://anna@db.fk.se:5432/kuvert?connect_timeout=5&sslmode=verify-full\
             &sslrootcert=/etc/kuvert/ca%20bundle.pem&sslcert=c.pem&sslkey=k.pem&user=a%40b",
        );
        assert_eq!(
            rest,
            "postgresql://anna@db.fk.se:5432/kuvert?connect_timeout=5&user=a%40b"
        );
        assert_eq!(
            s,
            Settings {
                mode: Mode::VerifyFull,
                roots: Roots::File("/etc/kuvert/ca bundle.pem".into()),
                cert: Some("c.pem".into()),
                key: Some("k.pem".into()),
            }
        );
        let (rest, s) = settings("postgresql://db/kuvert?sslmode=require");
        assert_eq!(rest, "postgresql://db/kuvert");
        assert_eq!((s.mode, s.roots), (Mode::Require, Roots::Default));
    }

    #[test]
    fn no_sslmode_is_prefer_as_in_libpq_and_system_roots_mean_verify_full() {
        assert_eq!(settings("postgresql://db/k").1.mode, Mode::Prefer);
        let (_, s) = settings("postgresql://db/k?sslrootcert=system");
        assert_eq!((s.mode, s.roots), (Mode::VerifyFull, Roots::System));
        assert!(matches!(
            refusal("postgresql://db/k?sslrootcert=system&sslmode=require"),
            Problem::BadTlsParameter { key, .. } if key == "sslrootcert"
        ));
    }

    #[test]
    fn a_mode_libpq_does_not_have_or_an_empty_file_is_refused_by_name() {
        for (url, name, value) in [
            ("postgresql://db/k?sslmode=allow", "sslmode", "allow"),
            (
                "postgresql://db/k?sslmode=verify_full",
                "sslmode",
                "verify_full",
            ),
            ("postgresql://db/k?sslrootcert=", "sslrootcert", ""),
        ] {
            match refusal(url) {
                Problem::BadTlsParameter { key, value: v, .. } => {
                    assert_eq!((key.as_str(), v.as_str()), (name, value), "{url}")
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        assert!(matches!(
            refusal("postgresql://db/k?sslcert=%FF"),
            Problem::BadServerUrl { .. }
        ));
    }

    #[test]
    fn verify_without_a_root_certificate_names_libpqs_default_file() {
        let home = tempfile::tempdir().expect("tempdir");
        let (_, s) = settings("postgresql://db/k?sslmode=verify-ca");
        match client_config(&s, "server", Some(home.path())) {
            Err(crate::error::Error::Problem(Problem::NoRootCert { path, .. })) => {
                assert_eq!(path, home.path().join(".postgresql/root.crt"))
            }
            other => panic!("{:?}", other.map(|_| ())),
        }
        // require without one only encrypts, as libpq's.
        let (_, s) = settings("postgresql://db/k?sslmode=require");
        assert!(client_config(&s, "server", Some(home.path())).is_ok());
    }

    #[test]
    fn a_certificate_file_that_cannot_be_used_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "no certificate here").expect("write");
        for file in [dir.path().join("missing.pem"), junk] {
            let url = format!(
                "postgresql://db/k?sslmode=verify-full&sslrootcert={}",
                file.display()
            );
            let (_, s) = settings(&url);
            match client_config(&s, "server", None) {
                Err(crate::error::Error::Problem(Problem::TlsFile { file: f, .. })) => {
                    assert_eq!(f, file)
                }
                other => panic!("{:?}", other.map(|_| ())),
            }
        }
    }
}
