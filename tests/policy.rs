//! The team's policies live in the database (issue 13 §4), through the real binary: anyone
//! reads them, only a lead changes them (each change an event in the hash-chained log), and
//! a desk's own kuvert.toml can no longer switch four eyes off or thin out the scanning.

mod common;

use std::path::Path;

use common::{Env, plain_case, printed_codes};
use serde_json::Value;

const CASEWORKER: Option<&str> = Some("handlaggare1");
const COLLEAGUE: Option<&str> = Some("handlaggare2");
const LEAD: Option<&str> = Some("teamledare1");

/// The kinds of events of the log, oldest first.
fn event_kinds(env: &Env) -> Vec<String> {
    env.sql("SELECT kind FROM events ORDER BY seq")
}

/// The last event of `kind`, its detail parsed, and who wrote it.
fn last_event(env: &Env, kind: &str) -> (Value, String) {
    let last = |column: &str| {
        env.sql(&format!(
            "SELECT {column} FROM events WHERE kind = '{kind}' ORDER BY seq DESC LIMIT 1"
        ))
        .pop()
        .expect("event")
    };
    (
        serde_json::from_str(&last("detail")).expect("json"),
        last("account"),
    )
}

/// The caseworker starts, attaches and prints a mailing; its sheet codes.
fn printed(env: &Env, user: Option<&str>) -> Vec<String> {
    let (case, party, doc) = plain_case(env, user);
    env.json(
        user,
        &["mail", "start", &case, "--to", &party.to_string()],
        0,
    );
    env.json(user, &["mail", "attach", &doc.to_string()], 0);
    let printed = env.json(user, &["mail", "print"], 0);
    printed_codes(Path::new(printed["pdf"].as_str().expect("pdf")))
}

on_both!(anyone_reads_the_policy_only_a_lead_changes_it_and_each_change_is_logged);
fn anyone_reads_the_policy_only_a_lead_changes_it_and_each_change_is_logged(env: &Env) {
    let shown = env.json(CASEWORKER, &["policy", "show"], 0);
    assert_eq!(shown["dual_control"], false);
    assert_eq!(shown["verify"], "every-sheet");
    assert_eq!(shown["team"], "A");

    // A caseworker is refused, and the refusal is logged; nothing changes.
    let err = env.fails(CASEWORKER, &["policy", "set", "dual_control", "false"], 1);
    assert!(err.contains("teamledare"), "{err}");
    let (refused, _) = last_event(env, "refused");
    assert_eq!(refused["rule"], "lead_only");
    assert_eq!(refused["operation"], "policy_set");
    assert!(!event_kinds(env).contains(&"policy_set".to_owned()));

    // Wrong keys and values say what is allowed, exit 2.
    let err = env.fails(LEAD, &["policy", "set", "four_eyes", "true"], 2);
    assert!(err.contains("dual_control, verify"), "{err}");
    let err = env.fails(LEAD, &["policy", "set", "verify", "some"], 2);
    assert!(
        err.contains("every-sheet, cover-and-document-ends"),
        "{err}"
    );

    let set = env.json(LEAD, &["policy", "set", "dual_control", "true"], 0);
    assert_eq!(set["dual_control"], true);
    let (detail, account) = last_event(env, "policy_set");
    assert_eq!(account, "teamledare1");
    assert_eq!(detail["key"], "dual_control");
    assert_eq!(detail["from"], false);
    assert_eq!(detail["to"], true);
    assert_eq!(detail["team"], "A");
    // The same value again changes and logs nothing.
    env.json(LEAD, &["policy", "set", "dual_control", "true"], 0);
    let kinds = event_kinds(env);
    assert_eq!(kinds.iter().filter(|k| *k == "policy_set").count(), 1);
    let audit = env.json(None, &["audit", "verify"], 0);
    assert_eq!(audit["ok"], true);

    // Every desk of the team sees it; the human text says it in Swedish.
    let shown = env.json(COLLEAGUE, &["policy", "show"], 0);
    assert_eq!(shown["dual_control"], true);
    let out = env.run(CASEWORKER, &["policy", "show"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Dubbelkontroll (dual_control = true): på"),
        "{text}"
    );
    // Team B has its own.
    let other = env.json(Some("handlaggare3"), &["policy", "show"], 0);
    assert_eq!(other["team"], "B");
    assert_eq!(other["dual_control"], false);
}

on_both!(a_desk_config_cannot_switch_four_eyes_off);
fn a_desk_config_cannot_switch_four_eyes_off(env: &Env) {
    env.json(LEAD, &["policy", "set", "dual_control", "true"], 0);
    // The caseworker's own kuvert.toml says otherwise: it is not used, and kuvert says so.
    std::fs::write(
        &env.config,
        "dual_control = false\nverify = \"cover-and-document-ends\"\n",
    )
    .expect("config");
    let first = env.run(CASEWORKER, &["case", "list"]);
    assert!(first.status.success());
    let said = common::stderr(&first);
    assert!(
        said.contains("dual_control i kuvert.toml används inte längre")
            && said.contains("kuvert policy set dual_control false"),
        "{said}"
    );
    assert!(
        said.contains("verify i kuvert.toml används inte längre"),
        "{said}"
    );
    // Once per user, not on every command.
    let second = env.run(CASEWORKER, &["case", "list"]);
    assert!(!common::stderr(&second).contains("används inte längre"));

    let codes = printed(env, CASEWORKER);
    // Every sheet is still required: the config's verify is not used either.
    let status = env.json(CASEWORKER, &["mail", "status"], 0);
    assert_eq!(status["required"].as_u64(), Some(codes.len() as u64));
    let err = env.fails(CASEWORKER, &["mail", "scan", &codes[0]], 1);
    assert!(err.contains("Dubbelkontroll"), "{err}");
    let err = env.fails(CASEWORKER, &["mail", "seal"], 1);
    assert!(err.contains("Dubbelkontroll"), "{err}");
    let (refused, _) = last_event(env, "refused");
    assert_eq!(refused["rule"], "four_eyes");
}

on_both!(the_verify_policy_decides_which_sheets_are_required);
fn the_verify_policy_decides_which_sheets_are_required(env: &Env) {
    let set = env.json(
        LEAD,
        &["policy", "set", "verify", "cover-and-document-ends"],
        0,
    );
    assert_eq!(set["verify"], "cover-and-document-ends");
    let (case, party, doc, pages) = long_document(env);
    env.json(
        CASEWORKER,
        &["mail", "start", &case, "--to", &party.to_string()],
        0,
    );
    env.json(CASEWORKER, &["mail", "attach", &doc.to_string()], 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    assert_eq!(printed["sheets"].as_u64(), Some(pages + 1));
    // The cover and the document's first and last sheet.
    let status = env.json(CASEWORKER, &["mail", "status"], 0);
    assert_eq!(status["required"].as_u64(), Some(3), "{status}");
}

/// A case with a document of four pages or more about its applicant (not protected): its
/// number, the applicant, the document and its pages.
fn long_document(env: &Env) -> (String, i64, i64, u64) {
    let list = env.json(CASEWORKER, &["case", "list"], 0);
    list["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find_map(|c| {
            let case = c["case"].as_str()?.to_owned();
            let show = env.json(CASEWORKER, &["case", "show", &case], 0);
            let applicant = show["parties"]
                .as_array()?
                .iter()
                .find(|p| p["role"] == "applicant" && p["protected"] == false)?
                .clone();
            let doc = show["documents"].as_array()?.iter().find(|d| {
                d["subject"] == applicant["id"] && d["pages"].as_u64().is_some_and(|n| n >= 4)
            })?;
            Some((
                case,
                applicant["id"].as_i64()?,
                doc["id"].as_i64()?,
                doc["pages"].as_u64()?,
            ))
        })
        .expect("the demo has a long document")
}

on_both!(what_a_scan_says_it_has_seen_is_what_the_mailing_says);
/// A scan counts the required sheets seen from what it read before it recorded itself, not
/// by reading them again (issue 16: round trips on a server). Whatever the scan, its figures
/// must be what the mailing's status reads afterwards.
fn what_a_scan_says_it_has_seen_is_what_the_mailing_says(env: &Env) {
    env.json(
        LEAD,
        &["policy", "set", "verify", "cover-and-document-ends"],
        0,
    );
    let (case, party, doc, _) = long_document(env);
    env.json(
        CASEWORKER,
        &["mail", "start", &case, "--to", &party.to_string()],
        0,
    );
    env.json(CASEWORKER, &["mail", "attach", &doc.to_string()], 0);
    let printed = env.json(CASEWORKER, &["mail", "print"], 0);
    let codes = printed_codes(Path::new(printed["pdf"].as_str().expect("pdf")));
    let status = env.json(CASEWORKER, &["mail", "status"], 0);
    let required = status["required"].as_u64().expect("required");
    assert!(
        codes.len() >= 4 && required < codes.len() as u64,
        "the case's document must leave a sheet not required: {status}"
    );
    let own = kuvert::code::SheetCode::decode(&codes[0]).expect("a code");
    let past_the_end =
        kuvert::code::SheetCode::new(own.token, own.generation, codes.len() as u32 + 1)
            .expect("code")
            .encode();
    let scan = |code: &str, exit: i32, verdict: &str| {
        let scan = env.json(CASEWORKER, &["mail", "scan", code], exit);
        assert_eq!(scan["verdict"], verdict, "{code}: {scan}");
        let status = env.json(CASEWORKER, &["mail", "status"], 0);
        assert_eq!(
            scan["seen"], status["seen"],
            "{code}: {scan} against {status}"
        );
        assert_eq!(
            scan["state"], status["state"],
            "{code}: {scan} against {status}"
        );
        scan["seen"].as_u64().expect("seen")
    };
    // A sheet the policy does not require counts no required sheet.
    assert_eq!(scan(&codes[2], 0, "ok"), 0);
    assert_eq!(scan(&codes[0], 0, "ok"), 1);
    assert_eq!(scan(&codes[0], 0, "duplicate"), 1);
    assert_eq!(scan("not a code", 1, "mistyped"), 1);
    // A hard stop: the stack is scanned again from nothing.
    assert_eq!(scan(&past_the_end, 1, "unknown"), 0);
    for code in &codes {
        scan(code, 0, "ok");
    }
    let verified = env.json(CASEWORKER, &["mail", "status"], 0);
    assert_eq!(verified["state"], "verified");
    assert_eq!(verified["seen"].as_u64(), Some(required));
    // A hard stop after verification takes it back to printed, with nothing seen.
    assert_eq!(scan(&past_the_end, 1, "unknown"), 0);
}
