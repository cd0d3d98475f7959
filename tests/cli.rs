//! End-to-end through the built binary: the command-line contract (shared/contract.md), its
//! JSON keys and exit codes, on a demo database in a temp folder.

mod common;

use std::path::Path;

use common::{Env, printed_codes, scanned_codes};
use serde_json::Value;

const CASEWORKER: Option<&str> = Some("handlaggare1");
const OTHER: Option<&str> = Some("handlaggare2");
const LEAD: Option<&str> = Some("teamledare1");

/// Starts a mailing on a plain case and attaches one document about the recipient.
fn draft_with_one_document(env: &Env) {
    let (case, party, doc) = common::plain_case(env, CASEWORKER);
    env.json(
        CASEWORKER,
        &["mail", "start", &case, "--to", &party.to_string()],
        0,
    );
    env.json(CASEWORKER, &["mail", "attach", &doc.to_string()], 0);
}

on_both!(a_whole_mailing_from_demo_to_sealed);
fn a_whole_mailing_from_demo_to_sealed(env: &Env) {
    let list = env.json(CASEWORKER, &["case", "list"], 0);
    let cases = list["cases"].as_array().expect("cases array");
    assert!(cases.len() >= 20, "team A has the bulk of the demo cases");
    assert!(
        cases
            .iter()
            .all(|c| c["team"] == "A" && c["locked_by"].is_null())
    );

    let (case, party, doc) = common::plain_case(env, CASEWORKER);
    let started = env.json(
        CASEWORKER,
        &["mail", "start", &case, "--to", &party.to_string()],
        0,
    );
    assert_eq!(started["state"], "draft");
    assert_eq!(started["case"], case.as_str());
    let mailing = started["mailing"].as_i64().expect("mailing id");

    let locked = env.json(OTHER, &["case", "list"], 0);
    let row = locked["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["case"] == case.as_str())
        .expect("case listed")
        .clone();
    assert_eq!(row["locked_by"], "handlaggare1");

    env.json(CASEWORKER, &["mail", "attach", &doc.to_string()], 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    assert_eq!(printed["state"], "printed");
    assert_eq!(printed["mailing"].as_i64(), Some(mailing));
    assert_eq!(printed["generation"], 1);
    let sheets = printed["sheets"].as_u64().expect("sheets") as usize;
    let pdf = Path::new(printed["pdf"].as_str().expect("pdf path")).to_owned();
    assert!(pdf.is_absolute() && pdf.exists(), "{pdf:?}");

    // Every sheet carries its own code, as text and as a QR a real decoder reads at 150 dpi.
    let codes = printed_codes(&pdf);
    assert_eq!(codes.len(), sheets, "one code per sheet: {codes:?}");
    let work = tempfile::tempdir().expect("tempdir");
    let scanned = scanned_codes(&pdf, work.path());
    assert_eq!(scanned.len(), sheets);
    for (page, (qr, text)) in scanned.iter().zip(&codes).enumerate() {
        assert_eq!(qr, &vec![text.clone()], "page {}", page + 1);
    }

    let early = env.fails(CASEWORKER, &["mail", "seal"], 1);
    assert!(!early.is_empty());

    for (i, code) in codes.iter().enumerate() {
        let scan = env.json(CASEWORKER, &["mail", "scan", code, "--scanner"], 0);
        assert_eq!(scan["verdict"], "ok");
        assert_eq!(scan["seen"].as_u64(), Some(i as u64 + 1));
        assert_eq!(scan["sheets"].as_u64(), Some(sheets as u64));
        let expected = if i + 1 == sheets {
            "verified"
        } else {
            "printed"
        };
        assert_eq!(scan["state"], expected);
    }
    let again = env.json(CASEWORKER, &["mail", "scan", &codes[0].to_lowercase()], 0);
    assert_eq!(again["verdict"], "duplicate");

    let status = env.json(CASEWORKER, &["mail", "status"], 0);
    assert_eq!(status["state"], "verified");
    assert_eq!(status["seen"].as_u64(), Some(sheets as u64));

    let sealed = env.json(CASEWORKER, &["mail", "seal"], 0);
    assert_eq!(sealed["state"], "sealed");
    assert_eq!(sealed["mailing"].as_i64(), Some(mailing));
    let none = env.json(CASEWORKER, &["mail", "status"], 0);
    assert!(none["mailing"].is_null());

    let audit = env.json(None, &["audit", "verify"], 0);
    assert_eq!(audit["ok"], true);
    assert!(audit["broken_at"].is_null());
    assert!(audit["events"].as_i64().expect("events") > 10);

    let log = env.json(LEAD, &["log", "--format", "json"], 0);
    let sessions = log.as_array().expect("sessions");
    let ours = sessions
        .iter()
        .flat_map(|s| s["mailings"].as_array().cloned().unwrap_or_default())
        .find(|m| m["mailing"].as_i64() == Some(mailing))
        .expect("the mailing is in the lead's log");
    assert_eq!(ours["state"], "sealed");
    assert_eq!(ours["case"], case.as_str());
    assert_eq!(ours["sheets"].as_u64(), Some(sheets as u64));
    assert!(
        ours["deviations"]
            .as_array()
            .expect("deviations")
            .is_empty()
    );
    for s in sessions {
        for key in ["session", "user", "started", "ended", "mailings"] {
            assert!(s.get(key).is_some(), "session has {key}");
        }
    }
    the_log_file_tells_it_what_happened_without_personal_data(env, &case);
}

/// The diagnostic log (logs/ beside a database file, in the desk's data folder when the
/// database is on a server) records each operation, and never a party's name, personal
/// identity number or address (issue 4; issue 6 item 7).
fn the_log_file_tells_it_what_happened_without_personal_data(env: &Env, case: &str) {
    let logs = match env.backend() {
        common::Backend::Sqlite => env.dir.path().join("logs"),
        common::Backend::Postgres => env.dir.path().join(".local/share/kuvert/logs"),
    };
    let mut text = String::new();
    for entry in std::fs::read_dir(&logs).expect("a logs folder beside the database") {
        let path = entry.expect("entry").path();
        text.push_str(&std::fs::read_to_string(&path).expect("log file"));
    }
    for operation in ["start", "attach", "print", "scan", "seal"] {
        assert!(
            text.contains(&format!("operation=\"{operation}\"")),
            "{operation} is logged:\n{text}"
        );
    }
    assert!(text.contains("print job"), "{text}");
    assert!(!text.contains('\u{1b}'), "no terminal colours in a file");
    let show = env.json(LEAD, &["case", "show", case], 0);
    let mut secrets = Vec::new();
    for p in show["parties"].as_array().expect("parties") {
        secrets.push(p["name"].as_str().expect("name").to_owned());
        // The unmasked part of the number, as the masked form is harmless.
        let masked = p["id_masked"].as_str().expect("id");
        secrets.push(
            masked
                .trim_end_matches('*')
                .trim_end_matches('-')
                .to_owned(),
        );
        for field in ["street", "care_of"] {
            if let Some(v) = p["address"][field].as_str() {
                secrets.push(v.to_owned());
            }
        }
    }
    for d in show["documents"].as_array().expect("documents") {
        secrets.push(d["title"].as_str().expect("title").to_owned());
    }
    for secret in secrets.iter().filter(|s| s.len() >= 6) {
        assert!(
            !text.contains(secret.as_str()),
            "{secret:?} is in the log:\n{text}"
        );
    }
}

on_both!(foreign_sheet_is_a_hard_stop_naming_the_other_case);
fn foreign_sheet_is_a_hard_stop_naming_the_other_case(env: &Env) {
    let list = env.json(OTHER, &["case", "list"], 0);
    let numbers: Vec<String> = list["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["case"].as_str().expect("case").to_owned())
        .collect();
    // Two caseworkers print mailings of two different cases.
    let mut pdfs = Vec::new();
    for (user, number) in [(CASEWORKER, &numbers[0]), (OTHER, &numbers[1])] {
        let show = env.json(user, &["case", "show", number], 0);
        let party = show["parties"][0]["id"].as_i64().expect("party");
        let doc = show["documents"]
            .as_array()
            .expect("docs")
            .iter()
            .find(|d| d["subject"].as_i64() == Some(party))
            .expect("doc about the applicant")["id"]
            .as_i64()
            .expect("doc id");
        env.json(
            user,
            &["mail", "start", number, "--to", &party.to_string()],
            0,
        );
        env.json(user, &["mail", "attach", &doc.to_string()], 0);
        let printed = env.json(user, &["mail", "print"], 0);
        pdfs.push(Path::new(printed["pdf"].as_str().expect("pdf")).to_owned());
    }
    let mine = printed_codes(&pdfs[0]);
    let theirs = printed_codes(&pdfs[1]);
    env.json(CASEWORKER, &["mail", "scan", &mine[0]], 0);
    let stop = env.json(CASEWORKER, &["mail", "scan", &theirs[1]], 1);
    assert_eq!(stop["verdict"], "foreign");
    assert_eq!(stop["other_case"], numbers[1].as_str());
    assert_eq!(stop["seen"], 0, "the stack is rescanned whole");
    assert_eq!(stop["state"], "printed");
    let text = stop.to_string();
    let show = env.json(OTHER, &["case", "show", &numbers[1]], 0);
    for p in show["parties"].as_array().expect("parties") {
        let name = p["name"].as_str().expect("name");
        assert!(!text.contains(name), "no name of the other case: {text}");
    }
    let log = env.json(LEAD, &["log", "--format", "json"], 0);
    let deviations: Vec<Value> = log
        .as_array()
        .expect("sessions")
        .iter()
        .flat_map(|s| s["mailings"].as_array().cloned().unwrap_or_default())
        .flat_map(|m| m["deviations"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(deviations.len(), 1);
    assert_eq!(deviations[0]["kind"], "foreign");
    assert!(deviations[0]["time"].is_string());
}

on_both!(exit_codes_follow_the_contract);
fn exit_codes_follow_the_contract(env: &Env) {
    let (case, party, _doc) = common::plain_case(env, CASEWORKER);
    let party = party.to_string();
    // 2: bad usage or input.
    env.fails(CASEWORKER, &["case", "show", "FK 1999-000000"], 2);
    env.fails(CASEWORKER, &["mail", "scan", "KV1"], 2);
    env.fails(CASEWORKER, &["mail", "start", &case, "--to", "999999"], 2);
    env.fails(CASEWORKER, &["--lang", "de", "case", "list"], 2);
    env.fails(CASEWORKER, &["mail", "frobnicate"], 2);
    // Scanning with nothing open, or with no code, is 2.
    env.fails(CASEWORKER, &["mail", "scan"], 2);
    env.json(CASEWORKER, &["mail", "start", &case, "--to", &party], 0);
    env.fails(CASEWORKER, &["mail", "scan"], 2);
    // 1: refused by a rule.
    env.fails(OTHER, &["mail", "start", &case, "--to", &party], 1);
    env.fails(CASEWORKER, &["mail", "start", &case, "--to", &party], 1);
    env.fails(CASEWORKER, &["mail", "seal"], 1);
    env.fails(CASEWORKER, &["mail", "print"], 1);
    env.fails(CASEWORKER, &["log"], 1);
    env.fails(CASEWORKER, &["lock", "break", &case, "--reason", "x"], 1);
    env.fails(Some("handlaggare3"), &["case", "show", &case], 1);
    // A login the server does not know cannot connect at all (exit 3, naming it); on the
    // file an unregistered account is a refusal.
    let stranger = match env.backend() {
        common::Backend::Sqlite => 1,
        common::Backend::Postgres => 3,
    };
    env.fails(Some("nobody"), &["case", "list"], stranger);
    // Scanning a draft (nothing printed yet) is refused by a rule.
    env.fails(CASEWORKER, &["mail", "scan", "KV1AAAAAAAAAAAAAAAAA"], 1);
    // A reason is required to void.
    env.fails(CASEWORKER, &["mail", "void", "--reason", "  "], 2);
    let voided = env.json(
        CASEWORKER,
        &["mail", "void", "--reason", "fel mottagare"],
        0,
    );
    assert_eq!(voided["state"], "voided");
    // 3: environment.
    let missing = Env::new();
    missing.fails(CASEWORKER, &["case", "list"], 3);
}

on_both!(a_malformed_scan_is_mistyped_not_a_usage_error);
fn a_malformed_scan_is_mistyped_not_a_usage_error(env: &Env) {
    draft_with_one_document(env);
    env.json(CASEWORKER, &["mail", "print"], 0);
    for garbage in ["hello", "KV1AAAAAAAAAAAAAAAAA", "åäö-123"] {
        let scan = env.json(CASEWORKER, &["mail", "scan", garbage], 1);
        assert_eq!(scan["verdict"], "mistyped", "{garbage}");
        assert_eq!(scan["state"], "printed");
    }
}

#[test]
fn impersonation_only_on_demo_databases() {
    let env = Env::new();
    let init = env.run(None, &["init"]);
    assert!(init.status.success(), "{}", common::stderr(&init));
    let me = env.run(
        None,
        &[
            "user", "add", "someone", "--name", "Some One", "--role", "lead", "--team", "A",
        ],
    );
    assert!(me.status.success(), "first user: {}", common::stderr(&me));
    let refused = env.fails(Some("someone"), &["case", "list"], 1);
    assert!(refused.contains("KUVERT_USER"), "{refused}");
    // The OS account is not registered: refused with how to register it.
    let unknown = env.fails(None, &["case", "list"], 1);
    assert!(unknown.contains("kuvert user add"), "{unknown}");
    // A second `user add` without a lead session is refused.
    env.fails(
        None,
        &[
            "user", "add", "x", "--name", "X", "--role", "lead", "--team", "A",
        ],
        1,
    );
}

on_both!(english_on_request_swedish_by_default);
fn english_on_request_swedish_by_default(env: &Env) {
    let sv = env.fails(CASEWORKER, &["mail", "seal"], 2);
    assert!(sv.contains("ingen öppen försändelse"), "{sv}");
    let en = env.fails(CASEWORKER, &["--lang", "en", "mail", "seal"], 2);
    assert!(en.contains("no open mailing"), "{en}");
    std::fs::write(&env.config, "language = \"en\"\n").expect("config");
    let cfg = env.fails(CASEWORKER, &["mail", "seal"], 2);
    assert!(cfg.contains("no open mailing"), "{cfg}");
}

#[test]
fn demo_never_overwrites_a_production_database() {
    let env = Env::new();
    assert!(env.run(None, &["init"]).status.success());
    let before = std::fs::read(&env.db).expect("db");
    env.fails(None, &["demo", "--no-tui", "--reset"], 2);
    assert_eq!(std::fs::read(&env.db).expect("db"), before);
}

/// Writes an executable shell script.
fn script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path.to_string_lossy().into_owned()
}

on_both!(printer_failures_leave_the_mailing_in_draft);
fn printer_failures_leave_the_mailing_in_draft(env: &Env) {
    draft_with_one_document(env);
    let dir = env.dir.path();
    let failing = script(
        dir,
        "failing-lp",
        "echo 'lp: The printer or class does not exist.' >&2; exit 1",
    );
    let hanging = script(dir, "hanging-lp", "sleep 30");
    let spool = dir.join("spool");
    std::fs::create_dir_all(&spool).expect("spool");
    let working = script(
        dir,
        "working-lp",
        &format!(
            "cp \"$2\" '{}/job-'\"$1\".pdf && echo 'request id is KUVERT-7 (1 file(s))'",
            spool.display()
        ),
    );
    for (command, expect) in [
        (format!("printer_command = \"{failing}\""), "does not exist"),
        (
            format!("printer_command = \"{hanging}\"\nprinter_timeout_secs = 1"),
            "1 s",
        ),
        (
            "printer_command = \"/nonexistent/lp\"".to_owned(),
            "/nonexistent/lp",
        ),
    ] {
        std::fs::write(&env.config, &command).expect("config");
        let err = env.fails(CASEWORKER, &["mail", "print"], 3);
        assert!(err.contains(expect), "{command}: {err}");
        let status = env.json(CASEWORKER, &["mail", "status"], 0);
        assert_eq!(status["state"], "draft", "{command}");
    }
    // A working printer gets the finished job; its job id is logged.
    std::fs::write(
        &env.config,
        format!("printer_command = \"{working} {{mailing}}\""),
    )
    .expect("config");
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    assert_eq!(printed["state"], "printed");
    assert_eq!(printed["printer_job"], "KUVERT-7");
    // Three failed attempts consumed generations 1–3: their codes can never be valid.
    assert_eq!(printed["generation"], 4);
    let mailing = printed["mailing"].as_i64().expect("mailing");
    let queued = spool.join(format!("job-{mailing}.pdf"));
    let outbox = Path::new(printed["pdf"].as_str().expect("pdf"));
    assert_eq!(
        std::fs::read(&queued).expect("queued"),
        std::fs::read(outbox).expect("outbox")
    );
    let log = env.json(LEAD, &["log", "--format", "json"], 0);
    let kinds: Vec<String> = log
        .as_array()
        .expect("sessions")
        .iter()
        .flat_map(|s| s["mailings"].as_array().cloned().unwrap_or_default())
        .flat_map(|m| m["events"].as_array().cloned().unwrap_or_default())
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "print_failed").count(), 3);
    assert!(kinds.iter().any(|k| k == "printed"));
}

on_both!(a_reprint_needs_a_reason_and_makes_old_sheets_stale);
fn a_reprint_needs_a_reason_and_makes_old_sheets_stale(env: &Env) {
    draft_with_one_document(env);
    let first = env.json(CASEWORKER, &["mail", "print"], 0);
    let old = printed_codes(Path::new(first["pdf"].as_str().expect("pdf")));
    env.fails(CASEWORKER, &["mail", "print"], 1);
    let second = env.json(
        CASEWORKER,
        &["mail", "print", "--reason", "pappersstopp"],
        0,
    );
    assert_eq!(second["generation"], 2);
    let new = printed_codes(Path::new(second["pdf"].as_str().expect("pdf")));
    assert_ne!(old, new);
    env.json(CASEWORKER, &["mail", "scan", &new[0]], 0);
    let stale = env.json(CASEWORKER, &["mail", "scan", &old[1]], 1);
    assert_eq!(stale["verdict"], "stale");
    assert_eq!(stale["seen"], 0);
    for code in &new {
        env.json(CASEWORKER, &["mail", "scan", code, "--keyed"], 0);
    }
    assert_eq!(
        env.json(CASEWORKER, &["mail", "seal"], 0)["state"],
        "sealed"
    );
}

on_both!(commands_end_their_sessions_and_reads_leave_none_in_the_leads_list);
/// Issue 11: a command's session is ended when the command ends, done or refused, and the
/// lead's list shows only sessions in which something was mailed (a read-only run of
/// commands leaves none there); a refusal is still logged with its session.
fn commands_end_their_sessions_and_reads_leave_none_in_the_leads_list(env: &Env) {
    let (case, party, _) = common::plain_case(env, CASEWORKER);
    env.json(CASEWORKER, &["case", "show", &case], 0);
    env.json(CASEWORKER, &["mail", "status"], 0);
    env.json(LEAD, &["log", "--format", "json"], 0);
    env.run(CASEWORKER, &["audit", "verify"]);
    // Refused: team B's caseworker asks for a team A case.
    env.fails(Some("handlaggare3"), &["case", "show", &case], 1);
    assert_eq!(
        env.sql("SELECT count(*) FROM sessions WHERE ended IS NULL"),
        ["0"],
        "every command ended its session"
    );
    let refused_session = env.sql("SELECT session_id FROM events WHERE kind = 'refused'");
    assert!(
        refused_session.len() == 1 && !refused_session[0].is_empty(),
        "the refusal is logged with its session: {refused_session:?}"
    );
    let log = env.json(LEAD, &["log", "--format", "json"], 0);
    assert_eq!(log, serde_json::json!([]), "nothing was mailed: {log}");

    // Mailing: the run of commands at one terminal is one session, ended at its last command.
    env.json(
        CASEWORKER,
        &["mail", "start", &case, "--to", &party.to_string()],
        0,
    );
    env.json(CASEWORKER, &["mail", "status"], 0);
    let log = env.json(LEAD, &["log", "--format", "json"], 0);
    let sessions = log.as_array().expect("sessions");
    assert_eq!(sessions.len(), 1, "{log}");
    assert_eq!(sessions[0]["user"], "handlaggare1");
    assert!(sessions[0]["ended"].is_string(), "{log}");
    assert_eq!(sessions[0]["mailings"][0]["case"], case.as_str());
    assert!(env.json(CASEWORKER, &["audit", "verify"], 0)["ok"] == true);
}

on_both!(a_sheet_of_a_sealed_envelope_is_told_to_its_owner_in_mail_status);
/// Issue 11: `mail scan --json` says when a foreign sheet belongs to a sealed envelope, and
/// its owner's `mail status` lists it under `strays` (and says it in text).
fn a_sheet_of_a_sealed_envelope_is_told_to_its_owner_in_mail_status(env: &Env) {
    let numbers: Vec<String> = env.json(OTHER, &["case", "list"], 0)["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["case"].as_str().expect("case").to_owned())
        .collect();
    let mut pdfs = Vec::new();
    for (user, number) in [(OTHER, &numbers[1]), (CASEWORKER, &numbers[0])] {
        let show = env.json(user, &["case", "show", number], 0);
        let party = show["parties"][0]["id"].as_i64().expect("party");
        let doc = show["documents"]
            .as_array()
            .expect("docs")
            .iter()
            .find(|d| d["subject"].as_i64() == Some(party))
            .expect("doc about the applicant")["id"]
            .as_i64()
            .expect("doc id");
        env.json(
            user,
            &["mail", "start", number, "--to", &party.to_string()],
            0,
        );
        env.json(user, &["mail", "attach", &doc.to_string()], 0);
        let printed = env.json(user, &["mail", "print"], 0);
        pdfs.push(Path::new(printed["pdf"].as_str().expect("pdf")).to_owned());
    }
    let theirs = printed_codes(&pdfs[0]);
    for c in &theirs {
        env.json(OTHER, &["mail", "scan", c], 0);
    }
    env.json(OTHER, &["mail", "seal"], 0);
    let none = env.json(OTHER, &["mail", "status"], 0);
    assert_eq!(none["strays"], serde_json::json!([]));

    let stop = env.json(CASEWORKER, &["mail", "scan", &theirs[1]], 1);
    assert_eq!(stop["verdict"], "foreign");
    assert_eq!(stop["other_sealed"], true);
    assert_eq!(stop["other_state"], "sealed");
    let text = env.fails(CASEWORKER, &["mail", "scan", &theirs[1]], 1);
    let out = env.run(CASEWORKER, &["mail", "scan", &theirs[1]]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &text;
    assert!(said.contains("personuppgiftsincident"), "{said}");

    let status = env.json(OTHER, &["mail", "status"], 0);
    let strays = status["strays"].as_array().expect("strays");
    assert_eq!(
        strays.len(),
        3,
        "three scans of it, three findings: {status}"
    );
    assert_eq!(strays[0]["case"], numbers[1].as_str());
    assert_eq!(strays[0]["sheet"], 2);
    assert_eq!(strays[0]["found_in_case"], numbers[0].as_str());
    let out = env.run(OTHER, &["mail", "status"]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("Ark 2 av din försändelse"), "{human}");
    assert!(
        env.json(CASEWORKER, &["mail", "status"], 0)["strays"]
            .as_array()
            .expect("strays")
            .is_empty()
    );
}

/// Issue 11: `--help` and `<cmd> --help` are Swedish by default and English with
/// `--lang en` or the config's `language`; both exit 0 on stdout.
#[test]
fn help_is_swedish_by_default_and_english_on_request() {
    let env = Env::demo();
    let out = env.run(CASEWORKER, &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let sv = String::from_utf8_lossy(&out.stdout);
    for word in [
        "Användning:",
        "Kommandon:",
        "Flaggor:",
        "Visa hjälpen",
        "Slå upp ärenden",
    ] {
        assert!(sv.contains(word), "{word} in {sv}");
    }
    assert!(!sv.contains("Usage:") && !sv.contains("Print help"), "{sv}");
    let out = env.run(CASEWORKER, &["mail", "start", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let sv = String::from_utf8_lossy(&out.stdout);
    assert!(sv.contains("<PART_ID>") && sv.contains("<ÄRENDE>"), "{sv}");
    assert!(sv.contains("Mottagarens part-id"), "{sv}");
    // `kuvert help mail` is the Swedish help of `mail`, not clap's English subcommand.
    let out = env.run(CASEWORKER, &["help", "mail"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Kommandon:"));

    let out = env.run(CASEWORKER, &["--lang", "en", "mail", "start", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let en = String::from_utf8_lossy(&out.stdout);
    assert!(en.contains("Usage:") && en.contains("<PARTY_ID>"), "{en}");
    assert!(!en.contains("Användning"), "{en}");
    std::fs::write(&env.config, "language = \"en\"\n").expect("config");
    let out = env.run(CASEWORKER, &["--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage:"));
}

/// Issue 11: clap's usage errors are worded in Swedish by default, exit 2.
#[test]
fn usage_errors_are_swedish_with_exit_2() {
    let env = Env::demo();
    let err = env.fails(CASEWORKER, &["mail", "start", "FK 2026-104037"], 2);
    assert!(
        err.contains("fel: ett argument som krävs saknas: --to <PART_ID>"),
        "{err}"
    );
    assert!(err.contains("Användning: kuvert mail start"), "{err}");
    assert!(err.contains("Skriv 'kuvert mail start --help'"), "{err}");
    let err = env.fails(CASEWORKER, &["case", "list", "--bogus"], 2);
    assert!(err.contains("okänt argument '--bogus'"), "{err}");
    let err = env.fails(CASEWORKER, &["mal"], 2);
    assert!(
        err.contains("okänt kommando 'mal'") && err.contains("menade du 'mail'?"),
        "{err}"
    );
    let err = env.fails(CASEWORKER, &["mail", "start", "X", "--to", "ett"], 2);
    assert!(err.contains("ange ett heltal"), "{err}");
    let err = env.fails(LEAD, &["log", "--format", "xml"], 2);
    assert!(
        err.contains("möjliga värden är table, csv, json, pdf"),
        "{err}"
    );
    assert!(!err.contains("error:") && !err.contains("Usage:"), "{err}");
    let err = env.fails(CASEWORKER, &["--lang", "en", "case", "list", "--bogus"], 2);
    assert!(err.contains("unexpected argument '--bogus'"), "{err}");
}

/// Issue 11: a date that is no date says so in the user's language, naming the form, exit 2.
#[test]
fn date_errors_name_the_form_in_swedish() {
    let env = Env::demo();
    let err = env.fails(LEAD, &["log", "--since", "igår"], 2);
    assert!(
        err.contains("'igår' är inget datum: skriv det som ÅÅÅÅ-MM-DD"),
        "{err}"
    );
    let err = env.fails(LEAD, &["purge", "--before", "igår", "--dry-run"], 2);
    assert!(err.contains("ÅÅÅÅ-MM-DD"), "{err}");
    let err = env.fails(LEAD, &["--lang", "en", "log", "--until", "igår"], 2);
    assert!(
        err.contains("'igår' is not a date: write it as YYYY-MM-DD"),
        "{err}"
    );
}

/// Issue 11: `case list` prints column headers above the cases, in the user's language.
#[test]
fn case_list_has_column_headers() {
    let env = Env::demo();
    let out = env.run(CASEWORKER, &["case", "list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().expect("a header line");
    for word in ["Ärende", "Förmån", "Team", "Låst av"] {
        assert!(first.contains(word), "{first}");
    }
    assert!(
        text.lines().nth(1).expect("a case").starts_with("FK "),
        "{text}"
    );
    let out = env.run(CASEWORKER, &["--lang", "en", "case", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Case"), "{text}");
    assert!(text.lines().next().expect("header").contains("Locked by"));
}

/// A PostgreSQL address in `--db`, `KUVERT_DB` or the config's `db` is never taken for a file
/// name: nothing is created (before, `init` made a folder called `postgresql:`), a server
/// that cannot be reached is exit 3 named without its password, and the demo (a file) is
/// refused on one.
#[test]
fn a_server_address_is_never_a_file_name() {
    let env = Env::new();
    let url = "postgresql://anna:hemligt@db.fk.invalid/kuvert";
    let kuvert = |args: &[&str], db_env: Option<&str>, config: &Path| {
        let mut cmd = env.command(None, args);
        cmd.current_dir(env.dir.path()).env("KUVERT_CONFIG", config);
        match db_env {
            Some(db) => cmd.env("KUVERT_DB", db),
            None => cmd.env_remove("KUVERT_DB"),
        };
        cmd.output().expect("run kuvert")
    };
    let with_db = env.dir.path().join("with-db.toml");
    std::fs::write(&with_db, format!("db = \"{url}\"\n")).expect("config");
    let runs = [
        kuvert(&["--db", url, "init"], None, &env.config),
        kuvert(
            &["--db", "postgresql:///x", "demo", "--no-tui"],
            None,
            &env.config,
        ),
        kuvert(&["init"], Some(url), &env.config),
        kuvert(&["case", "list"], None, &with_db),
    ];
    for (out, code) in runs.iter().zip([3, 2, 3, 3]) {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        assert!(
            stderr.contains("PostgreSQL-servern") || stderr.contains("SQLite-fil"),
            "{stderr}"
        );
        assert!(
            !stderr.contains("hemligt"),
            "the password is shown: {stderr}"
        );
    }
    assert!(
        String::from_utf8_lossy(&runs[0].stderr)
            .contains("postgresql://anna:***@db.fk.invalid/kuvert"),
        "the server is named"
    );
    let mut left: Vec<_> = std::fs::read_dir(env.dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["kuvert.toml", "with-db.toml"], "nothing was created");
}

/// Issue 15: `audit head` prints the newest event as a head file, so a copy shipped off the
/// machine (`kuvert audit head > copy`) is what `audit verify --head` checks against; on an
/// empty log it says there is nothing to keep yet.
#[test]
fn audit_head_is_a_head_file_that_verify_reads() {
    let env = Env::demo();
    let (case, party, _) = common::plain_case(&env, CASEWORKER);
    env.json(
        CASEWORKER,
        &["mail", "start", &case, "--to", &party.to_string()],
        0,
    );
    let json = env.json(CASEWORKER, &["audit", "head"], 0);
    let out = env.run(CASEWORKER, &["audit", "head"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let seq = json["seq"].as_i64().expect("seq");
    let hash = json["hash"].as_str().expect("hash");
    assert!(seq > 0 && hash.len() == 64, "{json}");
    assert_eq!(text, format!("kuvert-audit-head 1\n{seq} {hash}\n"));
    let copy = env.dir.path().join("shipped.head");
    std::fs::write(&copy, &text).expect("copy");
    let checked = env.json(
        CASEWORKER,
        &["audit", "verify", "--head", copy.to_str().expect("path")],
        0,
    );
    assert_eq!(checked["ok"], true, "{checked}");

    let empty = Env::new();
    empty.fails(None, &["init"], 0);
    let none = empty.json(None, &["audit", "head"], 0);
    assert_eq!(none, serde_json::json!({ "seq": 0, "hash": null }));
    let said = empty.fails(None, &["audit", "head"], 0);
    assert!(said.contains("tom"), "{said}");
}
