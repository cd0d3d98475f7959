//! A throwaway PostgreSQL cluster for the tests: `initdb` and `pg_ctl` as the `postgres`
//! user, on a unix socket in a temp folder, no TCP, no fsync (about 0.6 s); `own_tcp` also
//! on 127.0.0.1, with TLS if asked (tests/tls.rs). One per test binary; a watchdog stops it
//! and removes its folder when the test process ends, however it ends. `scripts/test.sh` may
//! start one for the whole run instead (`KUVERT_TEST_PGHOST`).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// A running cluster, reached through its socket folder.
pub struct Cluster {
    socket: PathBuf,
    /// The server programs and data folder of a cluster this process started (none for
    /// one named by `KUVERT_TEST_PGHOST`), for a test that stops and starts it.
    local: Option<(PathBuf, PathBuf)>,
    /// The TCP port on 127.0.0.1 of a cluster made by `own_tcp` (its socket has it too).
    port: Option<u16>,
}

/// What a cluster of `Cluster::own_tcp` serves on 127.0.0.1 besides its socket.
pub struct Tcp {
    /// TLS (`ssl=on`) with these PEM texts, or none.
    pub tls: Option<ServerTls>,
    /// pg_hba.conf's lines after `local all all trust`, e.g. `hostssl all all 127.0.0.1/32 trust`.
    pub hba: Vec<String>,
}

/// The server's certificate and key, and the CA its client certificates must come from.
pub struct ServerTls {
    pub cert: String,
    pub key: String,
    pub client_ca: Option<String>,
}

static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

impl Cluster {
    /// The cluster of this test binary. None only when no server can start and CI is not
    /// set (the caller then skips, saying why); under `CI=true` a failure panics.
    pub fn shared() -> Option<&'static Cluster> {
        SHARED.get_or_init(|| or_skip(start(true, None))).as_ref()
    }

    /// A cluster of the caller's own, never `KUVERT_TEST_PGHOST`'s: for a test that stops
    /// and starts the server under the other tests' feet. None as for `shared`.
    pub fn own() -> Option<Cluster> {
        or_skip(start(false, None))
    }

    /// A cluster of the caller's own that also listens on 127.0.0.1 at a free port, with
    /// TLS and pg_hba as `tcp` says. None as for `shared`.
    pub fn own_tcp(tcp: &Tcp) -> Option<Cluster> {
        or_skip(start(false, Some(tcp)))
    }

    /// The TCP port of a cluster made by `own_tcp`.
    pub fn port(&self) -> u16 {
        self.port.expect("a cluster of own_tcp")
    }

    /// Stops the server at once, as a crash or a power cut would (`-m immediate`).
    pub fn stop(&self) {
        let (bin, data) = self.local.as_ref().expect("a cluster of this process");
        let out = as_postgres(bin, "pg_ctl")
            .arg("-D")
            .arg(data)
            .args(["-w", "-m", "immediate", "stop"])
            .output()
            .expect("pg_ctl stop");
        assert!(out.status.success(), "pg_ctl stop: {}", text(&out.stderr));
    }

    /// Starts the stopped server again (crash recovery runs first).
    pub fn start(&self) {
        let (bin, data) = self.local.as_ref().expect("a cluster of this process");
        let out = as_postgres(bin, "pg_ctl")
            .arg("-D")
            .arg(data)
            .arg("-l")
            .arg(self.socket.join("log"))
            .args(["-w", "-o", &options(&self.socket, self.port), "start"])
            .output()
            .expect("pg_ctl start");
        assert!(out.status.success(), "pg_ctl start: {}", text(&out.stderr));
    }

    /// The address of database `db` as login `login` connects to it over the socket.
    pub fn url(&self, db: &str, login: &str) -> String {
        let port = self.port.map(|p| format!("&port={p}")).unwrap_or_default();
        format!(
            "postgresql:///{db}?host={}&user={login}{port}",
            self.socket.display()
        )
    }

    pub fn socket_dir(&self) -> &Path {
        &self.socket
    }

    /// A new empty database owned by the superuser `postgres`; its name.
    pub fn database(&self, hint: &str) -> String {
        let name = format!(
            "{hint}_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed)
        );
        let out = self.psql(
            "postgres",
            "postgres",
            &format!("CREATE DATABASE \"{name}\""),
        );
        assert!(
            out.status.success(),
            "CREATE DATABASE: {}",
            text(&out.stderr)
        );
        name
    }

    /// Runs SQL with psql as `role` in database `db`, stopping at the first error.
    pub fn psql(&self, db: &str, role: &str, sql: &str) -> Output {
        Command::new("psql")
            .args(["-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1"])
            .arg("-h")
            .arg(&self.socket)
            .args(["-p", &self.port.unwrap_or(5432).to_string()])
            .args(["-U", role, "-d", db, "-c", sql])
            .output()
            .expect("run psql")
    }

    /// A login role `role`, made once per cluster: roles belong to the whole cluster, so
    /// another test or an earlier run may have made it, even at the same moment (which the
    /// loser meets as a duplicate key).
    pub fn ensure_login(&self, role: &str) {
        self.lines(
            "postgres",
            &format!(
                "DO $$ BEGIN CREATE ROLE \"{role}\" LOGIN;
                 EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            ),
        );
    }

    /// A login role `role` (made once per cluster), a member of `group` in database `db`.
    pub fn login(&self, db: &str, role: &str, group: &str) {
        self.ensure_login(role);
        self.lines(db, &format!("GRANT {group} TO \"{role}\""));
    }

    /// Like `psql`, and the output's lines; panics with psql's message on an error.
    pub fn lines(&self, db: &str, sql: &str) -> Vec<String> {
        let out = self.psql(db, "postgres", sql);
        assert!(out.status.success(), "{sql}: {}", text(&out.stderr));
        text(&out.stdout).lines().map(str::to_owned).collect()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The folder of PostgreSQL's server programs, as Debian's `postgresql` package lays them
/// out (the newest version when there are several).
fn bin_dir() -> Result<PathBuf, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("no PostgreSQL server installed (/usr/lib/postgresql: {e})"))?
        .filter_map(|d| d.ok().map(|d| d.path().join("bin")))
        .filter(|b| b.join("initdb").exists())
        .collect();
    found.sort();
    found
        .pop()
        .ok_or_else(|| "no initdb under /usr/lib/postgresql".to_owned())
}

fn or_skip(started: Result<Cluster, String>) -> Option<Cluster> {
    match started {
        Ok(c) => Some(c),
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true and the test PostgreSQL server cannot start: {why}")
        }
        Err(why) => {
            eprintln!("skipping the PostgreSQL tests: {why}");
            None
        }
    }
}

fn as_postgres(bin: &Path, program: &str) -> Command {
    let mut c = Command::new("runuser");
    c.args(["-u", "postgres", "--"]).arg(bin.join(program));
    c
}

/// The server's settings: the socket in the test's folder, no TCP (or 127.0.0.1 at `port`),
/// no fsync.
fn options(socket: &Path, port: Option<u16>) -> String {
    let listen = match port {
        Some(port) => format!("127.0.0.1 -c port={port}"),
        None => String::new(),
    };
    format!(
        "-k {} -c listen_addresses={listen} -c fsync=off -c max_connections=200",
        socket.display()
    )
}

/// A port on 127.0.0.1 that nothing listens on now.
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("port: {e}"))
}

/// Writes the TLS files and pg_hba.conf of a TCP cluster into its folder and data folder,
/// owned by the postgres user (the server refuses a key others may read).
fn tcp_files(dir: &Path, data: &Path, tcp: &Tcp) -> Result<(), String> {
    let write = |path: &Path, text: &str| -> Result<(), String> {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        let status = Command::new("chown")
            .arg("postgres:postgres")
            .arg(path)
            .status()
            .map_err(|e| format!("chown: {e}"))?;
        status.success().then_some(()).ok_or("chown failed".into())
    };
    let mut hba = String::from("local all all trust\n");
    for line in &tcp.hba {
        hba.push_str(line);
        hba.push('\n');
    }
    write(&data.join("pg_hba.conf"), &hba)?;
    let Some(tls) = &tcp.tls else { return Ok(()) };
    let (cert, key) = (dir.join("server.crt"), dir.join("server.key"));
    write(&cert, &tls.cert)?;
    write(&key, &tls.key)?;
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(|e| format!("chmod: {e}"))?;
    let mut conf = format!(
        "\nssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n",
        cert.display(),
        key.display()
    );
    if let Some(ca) = &tls.client_ca {
        let path = dir.join("client-ca.crt");
        write(&path, ca)?;
        conf.push_str(&format!("ssl_ca_file = '{}'\n", path.display()));
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .map_err(|e| format!("postgresql.conf: {e}"))?;
    std::io::Write::write_all(&mut file, conf.as_bytes())
        .map_err(|e| format!("postgresql.conf: {e}"))
}

fn start(shared: bool, tcp: Option<&Tcp>) -> Result<Cluster, String> {
    if let (true, Ok(host)) = (shared, std::env::var("KUVERT_TEST_PGHOST")) {
        return Ok(Cluster {
            socket: PathBuf::from(host),
            local: None,
            port: None,
        });
    }
    let bin = bin_dir()?;
    let dir = tempfile::Builder::new()
        .prefix("kuvert-pg-")
        .tempdir()
        .map_err(|e| format!("temp folder: {e}"))?
        .keep();
    let as_postgres = |program: &str| as_postgres(&bin, program);
    let chown = Command::new("chown")
        .args(["postgres:postgres"])
        .arg(&dir)
        .status()
        .map_err(|e| format!("chown: {e}"))?;
    if !chown.success() {
        return Err("cannot give the temp folder to the postgres user (not root?)".into());
    }
    let data = dir.join("data");
    let init = as_postgres("initdb")
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !init.status.success() {
        return Err(format!("initdb failed: {}", text(&init.stderr)));
    }
    let port = match tcp {
        Some(tcp) => {
            tcp_files(&dir, &data, tcp)?;
            Some(free_port()?)
        }
        None => None,
    };
    let options = options(&dir, port);
    let started = as_postgres("pg_ctl")
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.join("log"))
        .args(["-w", "-o", &options, "start"])
        .output()
        .map_err(|e| format!("pg_ctl: {e}"))?;
    if !started.status.success() {
        let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
        return Err(format!(
            "pg_ctl start failed: {}{log}",
            text(&started.stderr)
        ));
    }
    // The watchdog outlives this process (in its own process group, so a Ctrl-C to the test
    // run does not reach it first) and stops the server when the test process is gone, even
    // after a SIGKILL.
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
         runuser -u postgres -- {pg_ctl} -D {data} -m immediate stop >/dev/null 2>&1; \
         rm -rf {dir}",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &watchdog])
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("watchdog: {e}"))?;
    Ok(Cluster {
        socket: dir,
        local: Some((bin, data)),
        port,
    })
}
