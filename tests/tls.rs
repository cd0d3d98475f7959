//! TLS to the server through the real binary and a real server of the test's own, on
//! 127.0.0.1 with `ssl=on` and only `hostssl` lines in pg_hba (so a connection that works is
//! encrypted): verify-full and verify-ca as libpq means them, the refusals a desk hears (wrong
//! host name, unknown CA, no TLS on the server, a client certificate missing or unknown), and
//! client certificates when the server demands them. The certificates are made here.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::pg::{Cluster, ServerTls, Tcp};
use common::stderr;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

/// The login the server lets in only with a client certificate (pg_hba `cert`).
const CERT_LOGIN: &str = "kuvert_tls_anna";

/// A CA and what it signed, as PEM files in `dir`.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// A CA named `name`: its certificate in `{name}.crt`, the issuer to sign with.
fn ca(dir: &Path, name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, format!("kuvert test {name}"));
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("CA");
    std::fs::write(dir.join(format!("{name}.crt")), ca.pem()).expect("write CA");
    ca
}

/// A certificate for `names` with common name `cn`, signed by `ca`: `{file}.crt`, `{file}.key`.
fn leaf(dir: &Path, file: &str, cn: &str, names: &[&str], ca: &CertifiedIssuer<'_, KeyPair>) {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).expect("params");
    params.distinguished_name.push(DnType::CommonName, cn);
    let key = KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, ca).expect("sign");
    std::fs::write(dir.join(format!("{file}.crt")), cert.pem()).expect("write cert");
    let path = dir.join(format!("{file}.key"));
    std::fs::write(&path, key.serialize_pem()).expect("write key");
    std::fs::set_permissions(&path, PermissionsExt::from_mode(0o600)).expect("chmod");
}

/// The test's certificates: the office CA, a server certificate for `localhost` only (so
/// 127.0.0.1 is another host name), a client certificate for `CERT_LOGIN`, and a stranger
/// CA with a client certificate of its own.
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        // In the target folder: a static is never dropped, and `cargo clean` clears it.
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
        let office = ca(dir.path(), "ca");
        leaf(dir.path(), "server", "localhost", &["localhost"], &office);
        leaf(dir.path(), "client", CERT_LOGIN, &[], &office);
        let stranger = ca(dir.path(), "stranger");
        leaf(dir.path(), "stranger-client", CERT_LOGIN, &[], &stranger);
        Pki { dir }
    })
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The TLS server of this test binary: hostssl only, `CERT_LOGIN` by client certificate.
fn tls_server() -> Option<&'static Cluster> {
    static SERVER: OnceLock<Option<Cluster>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let pki = pki();
            Cluster::own_tcp(&Tcp {
                tls: Some(ServerTls {
                    cert: read(pki.file("server.crt")),
                    key: read(pki.file("server.key")),
                    client_ca: Some(read(pki.file("ca.crt"))),
                }),
                hba: vec![
                    format!("hostssl all {CERT_LOGIN} 127.0.0.1/32 cert"),
                    "hostssl all all 127.0.0.1/32 trust".into(),
                ],
            })
        })
        .as_ref()
}

/// A server on 127.0.0.1 without TLS.
fn plain_server() -> Option<&'static Cluster> {
    static SERVER: OnceLock<Option<Cluster>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            Cluster::own_tcp(&Tcp {
                tls: None,
                hba: vec!["host all all 127.0.0.1/32 trust".into()],
            })
        })
        .as_ref()
}

/// The address of `db` on `host` as `login`, with the URL's TLS parameters `tls`.
fn url(pg: &Cluster, host: &str, db: &str, login: &str, tls: &str) -> String {
    format!("postgresql://{login}@{host}:{}/{db}?{tls}", pg.port())
}

/// A run of kuvert at a desk whose home has no `.postgresql` folder unless the test makes one.
fn kuvert(home: &Path, db: &str, args: &[&str]) -> Output {
    std::fs::write(home.join("kuvert.toml"), "").expect("config");
    Command::new(env!("CARGO_BIN_EXE_kuvert"))
        .args(args)
        .env("KUVERT_DB", db)
        .env("KUVERT_CONFIG", home.join("kuvert.toml"))
        .env("HOME", home)
        .env_remove("KUVERT_USER")
        .env_remove("KUVERT_LANG")
        .output()
        .expect("run kuvert")
}

/// Runs, asserts the exit code, and returns stderr.
fn expect(home: &Path, db: &str, args: &[&str], code: i32) -> String {
    let out = kuvert(home, db, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "kuvert {args:?} on {db}: stdout {} stderr {}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    stderr(&out)
}

fn root(name: &str) -> String {
    format!("sslrootcert={}", pki().file(name).display())
}

#[test]
fn verify_full_connects_and_a_registered_login_works_over_it() {
    let Some(pg) = tls_server() else { return };
    let home = tempfile::tempdir().expect("home");
    let db = pg.database("tls_full");
    let tls = format!("sslmode=verify-full&{}", root("ca.crt"));
    let lisa = format!("lisa_{db}");
    let owner = url(pg, "localhost", &db, "postgres", &tls);
    expect(home.path(), &owner, &["init"], 0);
    let add = [
        "user", "add", &lisa, "--name", "Lisa", "--role", "lead", "--team", "A",
    ];
    expect(home.path(), &owner, &add, 0);
    let as_lisa = url(pg, "localhost", &db, &lisa, &tls);
    let out = kuvert(home.path(), &as_lisa, &["--json", "case", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(list["cases"], serde_json::json!([]));

    // libpq's default root certificate serves when the URL names none.
    std::fs::create_dir_all(home.path().join(".postgresql")).expect("dir");
    std::fs::copy(
        pki().file("ca.crt"),
        home.path().join(".postgresql/root.crt"),
    )
    .expect("copy");
    let by_default = url(pg, "localhost", &db, &lisa, "sslmode=verify-full");
    expect(home.path(), &by_default, &["case", "list"], 0);
}

#[test]
fn verify_full_refuses_a_certificate_for_another_host_name_and_verify_ca_accepts_it() {
    let Some(pg) = tls_server() else { return };
    let home = tempfile::tempdir().expect("home");
    let db = pg.database("tls_host");
    // The certificate is for localhost; 127.0.0.1 is the same server by another name.
    let full = url(
        pg,
        "127.0.0.1",
        &db,
        "postgres",
        &format!("sslmode=verify-full&{}", root("ca.crt")),
    );
    let said = expect(home.path(), &full, &["init"], 3);
    assert!(said.contains("fel värdnamn"), "{said}");
    assert!(said.contains("gäller localhost, inte 127.0.0.1"), "{said}");
    assert!(said.contains("inget skickades okrypterat"), "{said}");
    assert_eq!(
        pg.lines(
            &db,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ),
        ["0"],
        "nothing was created"
    );
    // verify-ca checks the chain only.
    let ca_only = url(
        pg,
        "127.0.0.1",
        &db,
        "postgres",
        &format!("sslmode=verify-ca&{}", root("ca.crt")),
    );
    expect(home.path(), &ca_only, &["init"], 0);
}

#[test]
fn a_server_certificate_of_an_unknown_ca_is_refused_in_every_mode_that_has_a_root() {
    let Some(pg) = tls_server() else { return };
    let home = tempfile::tempdir().expect("home");
    let db = pg.database("tls_ca");
    for mode in ["verify-full", "verify-ca", "require"] {
        let tls = format!("sslmode={mode}&{}", root("stranger.crt"));
        let said = expect(
            home.path(),
            &url(pg, "localhost", &db, "postgres", &tls),
            &["init"],
            3,
        );
        assert!(said.contains("okänd CA"), "{mode}: {said}");
    }
    // In English for IT too.
    let tls = format!("sslmode=verify-full&{}", root("stranger.crt"));
    let db = url(pg, "localhost", &db, "postgres", &tls);
    let said = expect(home.path(), &db, &["--lang", "en", "init"], 3);
    assert!(said.contains("unknown CA"), "{said}");
}

#[test]
fn require_without_a_root_certificate_encrypts_without_verifying_as_libpq() {
    let Some(pg) = tls_server() else { return };
    let home = tempfile::tempdir().expect("home");
    let db = pg.database("tls_require");
    // 127.0.0.1 is not the certificate's name, and no root is given: libpq's require connects.
    let require = url(pg, "127.0.0.1", &db, "postgres", "sslmode=require");
    expect(home.path(), &require, &["init"], 0);
}

#[test]
fn a_server_without_tls_is_refused_when_tls_is_required_and_the_password_is_not_shown() {
    let Some(pg) = plain_server() else { return };
    let home = tempfile::tempdir().expect("home");
    let db = pg.database("plain");
    for tls in [
        "sslmode=require".to_owned(),
        format!("sslmode=verify-full&{}", root("ca.crt")),
    ] {
        let url = format!(
            "postgresql://postgres:hemligt@127.0.0.1:{}/{db}?{tls}",
            pg.port()
        );
        let said = expect(home.path(), &url, &["init"], 3);
        assert!(said.contains("erbjuder ingen TLS"), "{tls}: {said}");
        assert!(
            said.contains("postgres:***@") && !said.contains("hemligt"),
            "{said}"
        );
    }
    assert_eq!(
        pg.lines(
            &db,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ),
        ["0"]
    );
    // prefer (libpq's default) and disable go without TLS to such a server.
    let prefer = url(pg, "127.0.0.1", &db, "postgres", "sslmode=prefer");
    expect(home.path(), &prefer, &["init"], 0);
    let other = pg.database("plain");
    let disable = url(pg, "127.0.0.1", &other, "postgres", "sslmode=disable");
    expect(home.path(), &disable, &["init"], 0);
}

#[test]
fn client_certificates_work_when_the_server_demands_them() {
    let Some(pg) = tls_server() else { return };
    let home = tempfile::tempdir().expect("home");
    let db = pg.database("tls_client");
    pg.lines(
        "postgres",
        &format!(
            "DO $$ BEGIN
               IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{CERT_LOGIN}') THEN
                 CREATE ROLE {CERT_LOGIN} LOGIN CREATEROLE;
               END IF;
             END $$"
        ),
    );
    pg.lines(
        "postgres",
        &format!("ALTER DATABASE {db} OWNER TO {CERT_LOGIN}"),
    );
    pg.lines(&db, &format!("ALTER SCHEMA public OWNER TO {CERT_LOGIN}"));
    let server = format!("sslmode=verify-full&{}", root("ca.crt"));
    let with = |client: &str| {
        let tls = format!(
            "{server}&sslcert={}&sslkey={}",
            pki().file(&format!("{client}.crt")).display(),
            pki().file(&format!("{client}.key")).display()
        );
        url(pg, "localhost", &db, CERT_LOGIN, &tls)
    };
    // Without one the server lets no one in as this login.
    let none = url(pg, "localhost", &db, CERT_LOGIN, &server);
    let said = expect(home.path(), &none, &["init"], 3);
    assert!(said.contains("certificate"), "{said}");
    // One of a CA the server does not know is refused in the handshake.
    let said = expect(home.path(), &with("stranger-client"), &["init"], 3);
    assert!(said.contains("klientcertifikat"), "{said}");
    // The office's own certificate: the owner creates the schema.
    expect(home.path(), &with("client"), &["init"], 0);
    assert_eq!(
        pg.lines(&db, "SELECT value FROM meta WHERE key = 'kind'"),
        ["production"]
    );
}

#[test]
fn a_certificate_file_or_tls_parameter_that_cannot_be_used_is_exit_2_and_named() {
    let Some(pg) = tls_server() else { return };
    let home = tempfile::tempdir().expect("home");
    let db = pg.database("tls_files");
    let cases = [
        (
            "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
            "/nonexistent/ca.pem",
        ),
        ("sslmode=verify-full", "root.crt"),
        ("sslmode=allow", "sslmode=allow"),
        ("sslrootcert=system&sslmode=require", "sslrootcert=system"),
    ];
    for (tls, named) in cases {
        let said = expect(
            home.path(),
            &url(pg, "localhost", &db, "postgres", tls),
            &["init"],
            2,
        );
        assert!(said.contains(named), "{tls}: {said}");
    }
    let key = format!(
        "sslmode=verify-full&{}&sslcert={}&sslkey=/nonexistent/client.key",
        root("ca.crt"),
        pki().file("client.crt").display()
    );
    let said = expect(
        home.path(),
        &url(pg, "localhost", &db, "postgres", &key),
        &["init"],
        2,
    );
    assert!(said.contains("/nonexistent/client.key"), "{said}");
    // A key others may read is refused, as libpq refuses it.
    let open = home.path().join("open.key");
    std::fs::copy(pki().file("client.key"), &open).expect("copy");
    std::fs::set_permissions(&open, PermissionsExt::from_mode(0o644)).expect("chmod");
    let key = key.replace("/nonexistent/client.key", &open.display().to_string());
    let said = expect(
        home.path(),
        &url(pg, "localhost", &db, "postgres", &key),
        &["init"],
        2,
    );
    assert!(said.contains("chmod 0600"), "{said}");
}

#[test]
fn a_unix_socket_never_uses_tls_whatever_the_mode() {
    let Some(pg) = tls_server() else { return };
    let home = tempfile::tempdir().expect("home");
    let db = pg.database("tls_socket");
    let socket = format!("{}&sslmode=require", pg.url(&db, "postgres"));
    expect(home.path(), &socket, &["init"], 0);
}
