//! The command line on a PostgreSQL server, through the real binary: `init` by the owner, the
//! first lead registered by the owner and every user after by a lead, the login as the
//! user, a mailing from import to sealed, the audit against the head row, and what a desk
//! hears when the server is not there or not kuvert's.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::pg::Cluster;
use common::{Env, ServerDb, expect_code as assert_code, printed_codes, stderr};
use serde_json::Value;

/// One test's server database, and the desk's environment over it (its own home folder and
/// config; the user chosen by login).
struct Server {
    pg: &'static Cluster,
    db: String,
    env: Env,
}

impl Server {
    fn new(pg: &'static Cluster, hint: &str) -> Self {
        let db = pg.database(hint);
        let mut env = Env::new();
        env.server = Some(ServerDb {
            pg,
            name: db.clone(),
        });
        Self { pg, db, env }
    }

    /// The database's address as `login` connects to it.
    fn url(&self, login: &str) -> String {
        self.pg.url(&self.db, login)
    }

    /// A login name of this test only: roles belong to the whole cluster.
    fn account(&self, name: &str) -> String {
        format!("{name}_{}", self.db)
    }

    fn command(&self, login: &str, args: &[&str]) -> Command {
        self.env.command(Some(login), args)
    }

    fn run(&self, login: &str, args: &[&str]) -> Output {
        self.env.run(Some(login), args)
    }

    fn json(&self, login: &str, args: &[&str], code: i32) -> Value {
        self.env.json(Some(login), args, code)
    }

    /// The owner registers `account` as team A's first lead (Lisa Lind).
    fn first_lead(&self, account: &str) -> Value {
        self.json(
            "postgres",
            &[
                "user",
                "add",
                account,
                "--name",
                "Lisa Lind",
                "--role",
                "lead",
                "--team",
                "A",
            ],
            0,
        )
    }

    /// Runs and asserts the exit code; returns stderr.
    fn fails(&self, login: &str, args: &[&str], code: i32) -> String {
        self.env.fails(Some(login), args, code)
    }
}

/// A manifest of one case of team A with one real PDF about its applicant.
fn manifest(dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("docs")).expect("dir");
    std::fs::copy(
        common::fixture("lo-journalanteckning.pdf"),
        dir.join("docs/intyg.pdf"),
    )
    .expect("copy");
    let value = serde_json::json!({ "cases": [{
        "case": "2026-500001", "benefit": "Sjukpenning", "team": "A",
        "parties": [{
            "ref": "sokande", "role": "applicant", "name": "Märta Åkesson",
            "id_number": "19790313-1238",
            "address": { "street": "Ängsvägen 7", "postal_code": "583 30", "city": "Linköping" }
        }],
        "documents": [{
            "title": "Läkarintyg", "kind": "lakarintyg", "date": "2026-10-05",
            "subject": "sokande", "file": "docs/intyg.pdf",
        }],
    }]});
    let path = dir.join("manifest.json");
    std::fs::write(&path, value.to_string()).expect("write");
    path
}

#[test]
fn an_office_on_a_server_from_init_to_a_sealed_mailing() {
    let Some(pg) = Cluster::shared() else { return };
    let s = Server::new(pg, "office");
    let (lisa, bo, carl) = (s.account("lisa"), s.account("bo"), s.account("carl"));

    // IT, the database's owner, creates the schema and the group roles.
    let made = s.json("postgres", &["init"], 0);
    assert_eq!(made["db"], s.url("postgres"));
    let again = s.fails("postgres", &["init"], 2);
    assert!(again.contains("redan tabeller"), "{again}");

    // The owner registers the first lead; the owner may create roles, so the login is made.
    let first = s.first_lead(&lisa);
    assert_eq!(first["account"], lisa.as_str());
    assert_eq!(
        first["login"],
        serde_json::json!({ "granted": { "group": "kuvert_lead", "created": true } })
    );
    assert_eq!(
        pg.lines(
            &s.db,
            &format!("SELECT pg_has_role('{lisa}', 'kuvert_lead', 'MEMBER')")
        ),
        ["t"]
    );
    // From now on only a lead registers users, and the owner is no user of kuvert.
    let owner = s.fails(
        "postgres",
        &[
            "user",
            "add",
            &bo,
            "--name",
            "Bo",
            "--role",
            "caseworker",
            "--team",
            "A",
        ],
        1,
    );
    assert!(owner.contains("Okänd användare"), "{owner}");

    // A lead may grant kuvert_caseworker to a login IT made, but may not make logins.
    pg.lines("postgres", &format!("CREATE ROLE \"{bo}\" LOGIN"));
    let granted = s.json(
        &lisa,
        &[
            "user",
            "add",
            &bo,
            "--name",
            "Bo Berg",
            "--role",
            "caseworker",
            "--team",
            "A",
        ],
        0,
    );
    assert_eq!(
        granted["login"],
        serde_json::json!({ "granted": { "group": "kuvert_caseworker", "created": false } })
    );
    let out = s.run(
        &lisa,
        &[
            "user",
            "add",
            &carl,
            "--name",
            "Carl",
            "--role",
            "caseworker",
            "--team",
            "A",
        ],
    );
    assert_code(&out, &["user", "add"], 0);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let statement = format!("CREATE ROLE \"{carl}\" LOGIN IN ROLE kuvert_caseworker;");
    assert!(
        said.contains("Be IT köra") && said.contains(&statement),
        "{said}"
    );
    // Until IT runs it, carl cannot connect; then he is who the server says.
    let before = s.fails(&carl, &["case", "list"], 3);
    assert!(before.contains(&s.url(&carl)), "names the server: {before}");
    pg.lines("postgres", &statement);
    assert_eq!(
        s.json(&carl, &["case", "list"], 0)["cases"],
        serde_json::json!([])
    );

    // A login nobody registered hears the command that registers it.
    let eve = s.account("eve");
    pg.lines("postgres", &format!("CREATE ROLE \"{eve}\" LOGIN"));
    let stranger = s.fails(&eve, &["case", "list"], 1);
    assert!(
        stranger.contains(&format!("kuvert user add {eve}")),
        "{stranger}"
    );

    // The lead imports; the caseworker mails it, as his own login.
    let dir = tempfile::tempdir().expect("tempdir");
    s.json(
        &lisa,
        &["import", manifest(dir.path()).to_str().expect("utf-8")],
        0,
    );
    let show = s.json(&bo, &["case", "show", "2026-500001"], 0);
    let party = show["parties"][0]["id"]
        .as_i64()
        .expect("party")
        .to_string();
    let doc = show["documents"][0]["id"]
        .as_i64()
        .expect("doc")
        .to_string();
    s.json(&bo, &["mail", "start", "2026-500001", "--to", &party], 0);
    assert_eq!(
        s.json(&carl, &["case", "list"], 0)["cases"][0]["locked_by"],
        bo.as_str()
    );
    s.json(&bo, &["mail", "attach", &doc], 0);
    let printed = s.json(&bo, &["mail", "print"], 0);
    let pdf = Path::new(printed["pdf"].as_str().expect("pdf")).to_owned();
    assert!(
        pdf.starts_with(s.env.dir.path().join(".local/share/kuvert/outbox")),
        "a desk on a server keeps its outbox in its own data folder: {pdf:?}"
    );
    // KUVERT_USER cannot make bo someone else on a server.
    let mut as_other = s.command(&bo, &["mail", "status"]);
    as_other.env("KUVERT_USER", &carl);
    let out = as_other.output().expect("run");
    assert_code(&out, &["mail", "status"], 1);
    assert!(stderr(&out).contains(&bo), "{}", stderr(&out));

    for code in printed_codes(&pdf) {
        s.json(&bo, &["mail", "scan", &code], 0);
    }
    assert_eq!(s.json(&bo, &["mail", "seal"], 0)["state"], "sealed");

    // The chain verifies against the head row, and against a copy shipped elsewhere.
    let verified = s.json(&lisa, &["audit", "verify"], 0);
    assert_eq!(verified["ok"], true);
    let events = verified["events"].as_i64().expect("events");
    assert_eq!(verified["head"].as_i64(), Some(events));
    let head = s.run(&lisa, &["audit", "head"]);
    assert_code(&head, &["audit", "head"], 0);
    let copy = dir.path().join("head");
    std::fs::write(&copy, &head.stdout).expect("head copy");
    let against = s.json(
        &lisa,
        &["audit", "verify", "--head", copy.to_str().expect("utf-8")],
        0,
    );
    assert_eq!(against["ok"], true);

    // The owner can still cut the newest event (triggers off); the head row says so.
    pg.lines(
        &s.db,
        &format!(
            "ALTER TABLE events DISABLE TRIGGER USER; DELETE FROM events WHERE seq = {events}"
        ),
    );
    let cut = s.json(&lisa, &["audit", "verify"], 1);
    assert_eq!(cut["ok"], false);
    assert_eq!(cut["broken_at"].as_i64(), Some(events));
}

#[test]
fn a_desk_hears_what_is_wrong_with_the_server() {
    let Some(pg) = Cluster::shared() else { return };
    let s = Server::new(pg, "wrong");

    // An empty database is no kuvert database.
    let empty = s.fails("postgres", &["case", "list"], 3);
    assert!(empty.contains("ingen kuvert-databas"), "{empty}");
    // A server that is not there is named (without its password), and nothing is made.
    let gone = tempfile::tempdir().expect("tempdir");
    let url = format!(
        "postgresql://anna:hemligt@/kuvert?host={}",
        gone.path().display()
    );
    let mut cmd = s.command("postgres", &["case", "list"]);
    cmd.env("KUVERT_DB", &url);
    let out = cmd.output().expect("run");
    assert_code(&out, &["case", "list"], 3);
    let text = stderr(&out);
    assert!(
        text.contains("postgresql://anna:***@/kuvert") && !text.contains("hemligt"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_dir(gone.path()).expect("dir").count(),
        0,
        "nothing written"
    );
    // An address that is no address, and a demo on a server, are usage errors.
    let mut cmd = s.command("postgres", &["case", "list"]);
    cmd.env("KUVERT_DB", "postgresql://db:port/kuvert");
    assert_code(&cmd.output().expect("run"), &["case", "list"], 2);
    let demo = s.fails("postgres", &["demo", "--no-tui"], 2);
    assert!(demo.contains("SQLite-fil"), "{demo}");
    assert!(
        !Path::new("postgresql:").exists(),
        "a server address is never a folder"
    );
    // A database of another schema version is refused before anything is done.
    s.json("postgres", &["init"], 0);
    pg.lines(&s.db, "UPDATE meta SET value = '99' WHERE key = 'schema'");
    let newer = s.fails("postgres", &["case", "list"], 3);
    assert!(newer.contains("schemaversion 99"), "{newer}");
    assert!(
        newer.contains("den kuvert-version som servern har"),
        "{newer}"
    );
    let upgrade = s.fails("postgres", &["init"], 3);
    assert!(upgrade.contains("schemaversion 99"), "{upgrade}");
}

#[test]
fn the_owner_upgrades_an_older_server_database_and_no_one_else_can() {
    let Some(pg) = Cluster::shared() else { return };
    let s = Server::new(pg, "upgrade");
    let lisa = s.account("lisa");
    s.json("postgres", &["init"], 0);
    s.first_lead(&lisa);
    // The database as kuvert of schema 6 made it: without the index version 7 added.
    pg.lines(
        &s.db,
        "DROP INDEX events_found_elsewhere; UPDATE meta SET value = '6' WHERE key = 'schema'",
    );
    let index = "SELECT count(*) FROM pg_indexes WHERE indexname = 'events_found_elsewhere'";
    // A desk is told that IT upgrades it, and how; nothing is done.
    let desk = s.fails(&lisa, &["case", "list"], 3);
    assert!(
        desk.contains("schemaversion 6") && desk.contains("kuvert --db ADRESS init"),
        "{desk}"
    );
    // A lead is no owner: refused, nothing changed.
    let not_owner = s.fails(&lisa, &["init"], 3);
    assert!(not_owner.contains("bara databasens ägare"), "{not_owner}");
    assert_eq!(pg.lines(&s.db, index), ["0"]);
    assert_eq!(
        pg.lines(&s.db, "SELECT value FROM meta WHERE key = 'schema'"),
        ["6"]
    );
    // The owner upgrades it in one step, and the desk works again.
    let done = s.json("postgres", &["init"], 0);
    assert_eq!(done["upgraded"], serde_json::json!({ "from": 6, "to": 8 }));
    assert_eq!(pg.lines(&s.db, index), ["1"]);
    assert_eq!(
        pg.lines(&s.db, "SELECT value FROM meta WHERE key = 'schema'"),
        ["8"]
    );
    let cases = s.json(&lisa, &["case", "list"], 0);
    assert!(cases["cases"].is_array(), "{cases}");
    // Current now: a second init is refused as on any database with tables.
    let again = s.fails("postgres", &["init"], 2);
    assert!(again.contains("redan tabeller"), "{again}");
    // As schema 7 left it: row security that compares the team at every level. The upgrade
    // to 8 changes no table, only the policies, which it loads again; a lead cannot.
    let scans_policy =
        "SELECT qual FROM pg_policies WHERE tablename = 'scans' AND policyname = 'team_rows'";
    pg.lines(
        &s.db,
        "DROP POLICY team_rows ON scans; \
         CREATE POLICY team_rows ON scans USING (EXISTS (SELECT 1 FROM mailings m \
           JOIN cases c ON c.id = m.case_id WHERE m.id = scans.mailing_id \
           AND c.team = (SELECT kuvert_team()))); \
         UPDATE meta SET value = '7' WHERE key = 'schema'",
    );
    let not_owner = s.fails(&lisa, &["init"], 3);
    assert!(not_owner.contains("bara databasens ägare"), "{not_owner}");
    assert!(
        pg.lines(&s.db, scans_policy)
            .join(" ")
            .contains("kuvert_team")
    );
    let done = s.json("postgres", &["init"], 0);
    assert_eq!(done["upgraded"], serde_json::json!({ "from": 7, "to": 8 }));
    let policy = pg.lines(&s.db, scans_policy).join(" ");
    assert!(
        !policy.contains("kuvert_team") && policy.contains("mailings"),
        "{policy:?}"
    );
    let cases = s.json(&lisa, &["case", "list"], 0);
    assert!(cases["cases"].is_array(), "{cases}");
    // The English text of the upgrade, for IT's scripts that read it.
    pg.lines(
        &s.db,
        "DROP INDEX events_found_elsewhere; UPDATE meta SET value = '6' WHERE key = 'schema'",
    );
    let out = s.run("postgres", &["--lang", "en", "init"]);
    assert_code(&out, &["init"], 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("upgraded from schema version 6 to 8"),
        "{text}"
    );
}

const CASEWORKER: &str = "handlaggare1";

#[test]
fn migrate_moves_an_office_over_with_its_chain_unchanged() {
    let Some(pg) = Cluster::shared() else { return };
    let env = common::Env::demo();
    // A mailing in progress moves with the office.
    let (case, party, doc) = common::plain_case(&env, Some(CASEWORKER));
    let started = env.json(
        Some(CASEWORKER),
        &["mail", "start", &case, "--to", &party.to_string()],
        0,
    );
    env.json(Some(CASEWORKER), &["mail", "attach", &doc.to_string()], 0);
    let before = env.json(None, &["audit", "verify"], 0);
    let head_before = env.run(None, &["audit", "head"]);
    let s = Server::new(pg, "moved");

    let moved = env.json(None, &["migrate", "--to", &s.url("postgres")], 0);
    assert_eq!(moved["server"], s.url("postgres"));
    assert_eq!(moved["head"]["seq"], before["events"]);
    let login = |account: &str| {
        moved["users"]
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["account"] == account)
            .unwrap_or_else(|| panic!("{account} carried over: {moved}"))["login"]["granted"]
            ["group"]
            .clone()
    };
    assert_eq!(login(CASEWORKER), "kuvert_caseworker");
    assert_eq!(login("teamledare1"), "kuvert_lead");
    // Every row, table by table (the server's meta also says its schema version).
    let lite = rusqlite::Connection::open(&env.db).expect("open the file");
    for (table, n) in moved["rows"].as_object().expect("rows") {
        let here: i64 = lite
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count");
        assert_eq!(n.as_i64(), Some(here), "{table}");
        let there = here + i64::from(table == "meta");
        assert_eq!(
            pg.lines(&s.db, &format!("SELECT count(*) FROM {table}")),
            [there.to_string()],
            "{table}"
        );
    }
    // The same chain, the same head: audit verify on the server says what it says on the file.
    let after = s.json("teamledare1", &["audit", "verify"], 0);
    assert_eq!(after["ok"], true);
    assert_eq!(after["events"], before["events"]);
    assert_eq!(
        after["head"], before["events"],
        "checked against the head row"
    );
    assert_eq!(
        s.run("teamledare1", &["audit", "head"]).stdout,
        head_before.stdout
    );

    // The mailing resumes on the server, as the same person, and new ids follow the old.
    let status = s.json(CASEWORKER, &["mail", "status"], 0);
    assert_eq!(status["mailing"], started["mailing"], "{status}");
    let printed = s.json(CASEWORKER, &["mail", "print"], 0);
    for code in printed_codes(Path::new(printed["pdf"].as_str().expect("pdf"))) {
        s.json(CASEWORKER, &["mail", "scan", &code], 0);
    }
    assert_eq!(s.json(CASEWORKER, &["mail", "seal"], 0)["state"], "sealed");
    let (next, party, _) = common::plain_case(&env, Some("handlaggare2"));
    let second = s.json(
        "handlaggare2",
        &["mail", "start", &next, "--to", &party.to_string()],
        0,
    );
    let max: i64 = lite
        .query_row("SELECT max(id) FROM mailings", [], |r| r.get(0))
        .expect("max");
    assert!(second["mailing"].as_i64().expect("id") > max, "{second}");
    assert_eq!(s.json("teamledare1", &["audit", "verify"], 0)["ok"], true);

    // Once is enough: the server database is no longer empty.
    let again = env.fails(None, &["migrate", "--to", &s.url("postgres")], 2);
    assert!(again.contains("redan tabeller"), "{again}");
}

#[test]
fn a_migration_that_fails_leaves_the_server_empty() {
    let Some(pg) = Cluster::shared() else { return };
    let env = common::Env::demo();
    let s = Server::new(pg, "failed");
    let tables = || {
        pg.lines(
            &s.db,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
        )
    };
    let lite = rusqlite::Connection::open(&env.db).expect("open the file");
    let one = |sql: &str| assert_eq!(lite.execute(sql, []).expect(sql), 1, "{sql}");
    // SQLite text may hold a NUL, PostgreSQL text may not: the copy fails part way.
    one(
        "UPDATE cases SET benefit = 'Sjuk' || char(0) || 'penning' WHERE id = (SELECT max(id) FROM cases)",
    );
    let out = env.fails(None, &["migrate", "--to", &s.url("postgres")], 3);
    assert!(!out.is_empty());
    assert_eq!(tables(), ["0"], "nothing left behind: {out}");

    // A chain that does not verify is not carried over.
    one("UPDATE cases SET benefit = 'Sjukpenning' WHERE id = (SELECT max(id) FROM cases)");
    lite.execute_batch("DROP TRIGGER events_no_update")
        .expect("trigger");
    one("UPDATE events SET detail = '{}' WHERE seq = 1");
    let broken = env.fails(None, &["migrate", "--to", &s.url("postgres")], 1);
    assert!(broken.contains("bruten vid händelse 1"), "{broken}");
    assert_eq!(tables(), ["0"]);

    // Neither from a server nor to a file.
    let to_file = env.fails(None, &["migrate", "--to", "kontor.db"], 2);
    assert!(to_file.contains("PostgreSQL-adress"), "{to_file}");
    let from_server = s.fails("postgres", &["migrate", "--to", &s.url("postgres")], 2);
    assert!(
        from_server.contains("kopierar en SQLite-fil"),
        "{from_server}"
    );
}

/// The README's recipe: IT makes an owner role that may create roles but is no superuser,
/// and an empty database it owns; kuvert init as that owner sets everything up, and the
/// owner registers the first lead, whose login it creates.
#[test]
fn an_owner_who_is_no_superuser_sets_up_the_office() {
    let Some(pg) = Cluster::shared() else { return };
    let s = Server::new(pg, "owned");
    let owner = s.account("it");
    pg.lines(
        "postgres",
        &format!(
            "CREATE ROLE \"{owner}\" LOGIN CREATEROLE; ALTER DATABASE \"{}\" OWNER TO \"{owner}\"",
            s.db
        ),
    );
    pg.lines(&s.db, &format!("ALTER SCHEMA public OWNER TO \"{owner}\""));
    s.json(&owner, &["init"], 0);
    let lead = s.account("alice");
    let added = s.json(
        &owner,
        &[
            "user", "add", &lead, "--name", "Alice A", "--role", "lead", "--team", "A",
        ],
        0,
    );
    assert_eq!(added["login"]["granted"]["created"], true, "{added}");
    assert_eq!(
        s.json(&lead, &["case", "list"], 0)["cases"],
        serde_json::json!([])
    );
    assert_eq!(s.json(&lead, &["audit", "verify"], 0)["ok"], true);
}
