//! Shared helpers for the end-to-end tests: the real `kuvert` binary in a temp folder, and
//! the poppler/zbar tools that read printed paper back.

#![allow(dead_code)]

pub mod pg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

/// A temp folder with a database path and an empty config, isolated from the user's own.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub config: PathBuf,
    /// The PostgreSQL database standing in for `db`, when the test runs on a server.
    pub server: Option<ServerDb>,
}

/// A database of the test cluster.
pub struct ServerDb {
    pub pg: &'static pg::Cluster,
    pub name: String,
}

impl ServerDb {
    /// The address `login` connects to.
    pub fn url(&self, login: &str) -> String {
        self.pg.url(&self.name, login)
    }
}

/// Which database a test body runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One test body on both backends: `on_both!(body)` makes the module `body` with the tests
/// `sqlite` and `postgres`, each calling `body(&Env)` on a fresh demo office there (the
/// PostgreSQL one is skipped only where no server can start and CI is not set).
#[macro_export]
macro_rules! on_both {
    ($($body:ident),+ $(,)?) => {$(
        mod $body {
            #[test]
            fn sqlite() {
                super::$body(&$crate::common::Env::demo());
            }
            #[test]
            fn postgres() {
                if let Some(env) = $crate::common::Env::demo_on_server() {
                    super::$body(&env);
                }
            }
        }
    )+};
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("kuvert.db");
        let config = dir.path().join("kuvert.toml");
        std::fs::write(&config, "").expect("config");
        Self {
            dir,
            db,
            config,
            server: None,
        }
    }

    /// An environment with a demo database: a copy of one made by `kuvert demo` once per
    /// test binary (the demo is the same every time; making it is the slow part).
    pub fn demo() -> Self {
        let env = Self::new();
        std::fs::copy(demo_template(), &env.db).expect("copy the demo database");
        env
    }

    /// The demo office moved onto a fresh database of the test cluster with the real
    /// `kuvert migrate`, every demo user a login of their own. None where no server can start
    /// outside CI.
    pub fn demo_on_server() -> Option<Self> {
        Some(Self::demo_on(pg::Cluster::shared()?))
    }

    /// The demo office moved onto a fresh database of the cluster `pg`.
    pub fn demo_on(pg: &'static pg::Cluster) -> Self {
        let mut env = Self::demo();
        let server = ServerDb {
            pg,
            name: pg.database("office"),
        };
        let to = server.url("postgres");
        let out = env.run(None, &["migrate", "--to", &to]);
        expect_code(&out, &["migrate", "--to", &to], 0);
        // From here on the file is not the office's database: nothing may use it by mistake.
        std::fs::remove_file(&env.db).expect("remove the file");
        env.server = Some(server);
        env
    }

    /// Which backend the environment's database is on.
    pub fn backend(&self) -> Backend {
        match self.server {
            Some(_) => Backend::Postgres,
            None => Backend::Sqlite,
        }
    }

    /// What `--db` / `KUVERT_DB` is for `user` (None = the OS account): the file, or on a
    /// server the address with that login.
    pub fn db_for(&self, user: Option<&str>) -> std::ffi::OsString {
        match &self.server {
            None => self.db.clone().into_os_string(),
            Some(s) => s.url(&user.map_or_else(os_account, str::to_owned)).into(),
        }
    }

    /// `kuvert ARGS` as `user` (None = the OS account), isolated in this folder, for a test
    /// that changes one more thing before it runs. On SQLite the user is chosen through
    /// KUVERT_USER (the demo allows it); on a server through the login, as in production.
    pub fn command(&self, user: Option<&str>, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kuvert"));
        cmd.args(args)
            .env("KUVERT_DB", self.db_for(user))
            .env("KUVERT_CONFIG", &self.config)
            .env("HOME", self.dir.path())
            .env_remove("KUVERT_USER")
            .env_remove("KUVERT_LANG");
        if let (Some(u), None) = (user, &self.server) {
            cmd.env("KUVERT_USER", u);
        }
        cmd
    }

    /// SQL run on the environment's database as its owner, rows as `|`-separated lines (for
    /// a test that looks underneath kuvert): sqlite3 semantics on the file, psql on a server.
    pub fn sql(&self, sql: &str) -> Vec<String> {
        match &self.server {
            Some(s) => s.pg.lines(&s.name, sql),
            None => {
                let c = rusqlite::Connection::open(&self.db).expect("open the file");
                let mut st = c.prepare(sql).expect(sql);
                let n = st.column_count();
                st.query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                rusqlite::types::ValueRef::Null => String::new(),
                                rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                                rusqlite::types::ValueRef::Real(f) => f.to_string(),
                                rusqlite::types::ValueRef::Text(t) => {
                                    String::from_utf8_lossy(t).into_owned()
                                }
                                rusqlite::types::ValueRef::Blob(b) => format!("{} bytes", b.len()),
                            })
                        })
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map(|v| v.join("|"))
                })
                .expect(sql)
                .collect::<rusqlite::Result<Vec<_>>>()
                .expect(sql)
            }
        }
    }

    /// Runs `kuvert ARGS` as `user` (through KUVERT_USER; None = the OS account).
    pub fn run(&self, user: Option<&str>, args: &[&str]) -> Output {
        self.command(user, args).output().expect("run kuvert")
    }

    /// Runs with `--json`, asserts the exit code, parses stdout.
    pub fn json(&self, user: Option<&str>, args: &[&str], code: i32) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(user, &all);
        expect_code(&out, args, code);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "kuvert {args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Runs and asserts only the exit code; returns stderr.
    pub fn fails(&self, user: Option<&str>, args: &[&str], code: i32) -> String {
        let out = self.run(user, args);
        expect_code(&out, args, code);
        stderr(&out)
    }
}

/// The demo database made once by the real `kuvert demo`.
fn demo_template() -> &'static Path {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = TEMPLATE.get_or_init(|| {
        let env = Env::new();
        let out = env.run(None, &["demo", "--no-tui"]);
        assert!(out.status.success(), "demo failed: {}", stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            env.db.to_string_lossy(),
            "kuvert demo prints the database path"
        );
        let path = env.db.clone();
        (env.dir, path)
    });
    path
}

/// The account this test process runs as: the OS login, which the demo registers too.
pub fn os_account() -> String {
    kuvert::account::os_account().expect("the OS account")
}

/// Asserts a run's exit code, showing what it printed when it differs.
pub fn expect_code(out: &Output, args: &[&str], code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "kuvert {args:?}: stdout {} stderr {}",
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs an external tool; a missing tool fails the test with what to install.
pub fn tool(program: &str, args: &[&str]) -> Output {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed by this test ({e}); run scripts/setup-test-deps.sh")
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        stderr(&out)
    );
    out
}

/// The text of a PDF, page by page (`pdftotext`).
pub fn pdf_text(pdf: &Path) -> String {
    let out = tool("pdftotext", &["-layout", &pdf.to_string_lossy(), "-"]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every sheet code printed as text in the PDF, in page order.
pub fn printed_codes(pdf: &Path) -> Vec<String> {
    let text = pdf_text(pdf);
    let mut codes = Vec::new();
    for page in text.split('\u{c}') {
        let bytes = page.as_bytes();
        let mut i = 0;
        while i + 20 <= bytes.len() {
            if &bytes[i..i + 3] == b"KV1"
                && bytes[i..i + 20]
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                codes.push(String::from_utf8_lossy(&bytes[i..i + 20]).into_owned());
                i += 20;
            } else {
                i += 1;
            }
        }
    }
    codes
}

/// The QR codes a real decoder (zbar) reads from each page rendered at 150 dpi grey.
pub fn scanned_codes(pdf: &Path, work: &Path) -> Vec<Vec<String>> {
    let prefix = work.join("page");
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-gray",
            "-png",
            &pdf.to_string_lossy(),
            &prefix.to_string_lossy(),
        ],
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(work)
        .expect("read pages")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("page"))
        })
        .collect();
    pages.sort();
    pages
        .iter()
        .map(|p| {
            let out = Command::new("zbarimg")
                .args(["-q", "--raw", &p.to_string_lossy()])
                .output()
                .expect("zbarimg is needed by this test; run scripts/setup-test-deps.sh");
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// A case of `user`'s team whose applicant is not protected, with the applicant's party id
/// and a document about the applicant: the plain material of most end-to-end tests.
pub fn plain_case(env: &Env, user: Option<&str>) -> (String, i64, i64) {
    let list = env.json(user, &["case", "list"], 0);
    for c in list["cases"].as_array().expect("cases") {
        let number = c["case"].as_str().expect("case").to_owned();
        let show = env.json(user, &["case", "show", &number], 0);
        let Some(applicant) = show["parties"]
            .as_array()
            .expect("parties")
            .iter()
            .find(|p| p["role"] == "applicant" && p["protected"] == false)
        else {
            continue;
        };
        let id = applicant["id"].as_i64().expect("id");
        if let Some(doc) = show["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .find(|d| d["subject"].as_i64() == Some(id))
        {
            return (number, id, doc["id"].as_i64().expect("doc id"));
        }
    }
    panic!("the demo has no plain case");
}

/// The first party and the first document of case `number` as `user` sees it (`case show`),
/// as the words `mail start --to` and `mail attach` take: for a case a test imported itself.
pub fn first_party_and_document(env: &Env, user: Option<&str>, number: &str) -> (String, String) {
    let show = env.json(user, &["case", "show", number], 0);
    let party = show["parties"][0]["id"].as_i64().expect("party");
    let doc = show["documents"][0]["id"].as_i64().expect("doc");
    (party.to_string(), doc.to_string())
}

/// A PDF kept under tests/fixtures/pdf.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pdf")
        .join(name)
}

/// A manifest in the env's folder `name/` of one case whose documents are the fixtures
/// `files`, copied next to it under docs/ (a name that is no fixture is left for the test).
pub fn fixture_manifest(env: &Env, name: &str, case: &str, files: &[&str]) -> PathBuf {
    let dir = env.dir.path().join(name);
    std::fs::create_dir_all(dir.join("docs")).expect("dir");
    let mut documents = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let target = dir.join("docs").join(f);
        if fixture(f).exists() {
            std::fs::copy(fixture(f), &target).expect("copy");
        }
        documents.push(serde_json::json!({
            "title": format!("Handling {i} {f}"), "kind": "journalanteckning",
            "date": "2026-10-05", "subject": "sokande", "file": format!("docs/{f}"),
        }));
    }
    let value = serde_json::json!({ "cases": [{
        "case": case, "benefit": "Sjukpenning", "team": "A",
        "parties": [{
            "ref": "sokande", "role": "applicant", "name": "Märta Åkesson",
            "id_number": "19790313-1238",
            "address": { "street": "Ängsvägen 7", "postal_code": "583 30", "city": "Linköping" }
        }],
        "documents": documents,
    }]});
    let path = dir.join("manifest.json");
    std::fs::write(&path, serde_json::to_string_pretty(&value).expect("json")).expect("write");
    path
}

/// What must not change when an import is refused: the cases a team lead of team A sees,
/// and the events of the log (whose chain is checked).
pub fn import_snapshot(env: &Env) -> (usize, i64) {
    let lead = Some("teamledare1");
    let cases = env.json(lead, &["case", "list"], 0)["cases"]
        .as_array()
        .expect("cases")
        .len();
    let events = env.json(None, &["audit", "verify"], 0)["events"]
        .as_i64()
        .expect("events");
    (cases, events)
}
