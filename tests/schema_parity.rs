//! The two backends' schemas are one schema: the same tables, columns, keys, indexes,
//! constraints and triggers in SQLite (schema_v1…v5 applied in order) and in PostgreSQL
//! (src/store/pg/schema.sql). Every project with two backends got bitten by drift here.

mod common;

use std::collections::BTreeSet;

use common::pg::Cluster;
use rusqlite::Connection;

/// What PostgreSQL has and SQLite cannot: the locked head row that serialises appends, the
/// fork guard on the chain, and the TRUNCATE trigger (SQLite has no TRUNCATE).
const PG_ONLY: [&str; 8] = [
    "table audit_head",
    "column audit_head.id int not null",
    "column audit_head.seq int not null",
    "column audit_head.hash text not null",
    "primary key audit_head(id)",
    "checks audit_head 1",
    "unique events(prev_hash)",
    "trigger events.events_no_truncate",
];

/// The SQLite schema, described one fact per line.
fn sqlite_facts(c: &Connection) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    let strings = |sql: &str| -> Vec<Vec<String>> {
        let mut st = c.prepare(sql).expect(sql);
        let n = st.column_count();
        st.query_map([], |r| {
            (0..n)
                .map(|i| {
                    r.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                        rusqlite::types::Value::Integer(i) => i.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        rusqlite::types::Value::Null => String::new(),
                        other => format!("{other:?}"),
                    })
                })
                .collect()
        })
        .expect(sql)
        .collect::<rusqlite::Result<_>>()
        .expect(sql)
    };
    let tables = strings(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         AND name <> 'rusqlite_migration' ORDER BY name",
    );
    for t in &tables {
        let (table, sql) = (&t[0], &t[1]);
        facts.insert(format!("table {table}"));
        let mut pk = Vec::new();
        for col in strings(&format!(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}') ORDER BY cid"
        )) {
            let class = match col[1].as_str() {
                "INTEGER" => "int",
                "TEXT" => "text",
                "BLOB" => "bytes",
                other => panic!("{table}.{}: type {other}", col[0]),
            };
            let not_null = col[2] == "1" || col[3] != "0";
            facts.insert(format!(
                "column {table}.{} {class}{}",
                col[0],
                if not_null { " not null" } else { "" }
            ));
            if col[3] != "0" {
                pk.push((col[3].parse::<u32>().expect("pk position"), col[0].clone()));
            }
        }
        pk.sort();
        let pk: Vec<String> = pk.into_iter().map(|(_, c)| c).collect();
        facts.insert(format!("primary key {table}({})", pk.join(", ")));
        for fk in strings(&format!(
            "SELECT id, \"table\", group_concat(\"from\", ', '), group_concat(\"to\", ', ')
             FROM (SELECT * FROM pragma_foreign_key_list('{table}') ORDER BY id, seq)
             GROUP BY id"
        )) {
            facts.insert(format!(
                "foreign key {table}({}) -> {}({})",
                fk[2], fk[1], fk[3]
            ));
        }
        let checks = sql.matches("CHECK (").count();
        facts.insert(format!("checks {table} {checks}"));
        for ix in strings(&format!(
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list('{table}')"
        )) {
            let cols: Vec<String> = strings(&format!(
                "SELECT name FROM pragma_index_info('{}') ORDER BY seqno",
                ix[0]
            ))
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
            let cols = cols.join(", ");
            match (ix[1].as_str(), ix[2].as_str(), ix[3].as_str()) {
                (_, "pk", _) => {}
                ("1", _, "0") => {
                    facts.insert(format!("unique {table}({cols})"));
                }
                ("1", _, _) => {
                    facts.insert(format!("partial unique index {} on {table}({cols})", ix[0]));
                }
                _ => {
                    facts.insert(format!("index {} on {table}({cols})", ix[0]));
                }
            }
        }
    }
    for t in strings("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'") {
        facts.insert(format!("trigger {}.{}", t[0], t[1]));
    }
    facts
}

/// The PostgreSQL schema, described the same way.
fn pg_facts(pg: &Cluster, db: &str) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    let rows = |sql: &str| -> Vec<Vec<String>> {
        pg.lines(db, sql)
            .into_iter()
            .map(|l| l.split('|').map(str::to_owned).collect())
            .collect()
    };
    for t in rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'") {
        facts.insert(format!("table {}", t[0]));
    }
    for c in rows(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = 'public'",
    ) {
        let class = match c[2].as_str() {
            "bigint" => "int",
            "text" => "text",
            "bytea" => "bytes",
            other => panic!("{}.{}: type {other} (integers are BIGINT)", c[0], c[1]),
        };
        facts.insert(format!(
            "column {}.{} {class}{}",
            c[0],
            c[1],
            if c[3] == "NO" { " not null" } else { "" }
        ));
    }
    // Column lists in key order, for every kind of constraint.
    let cols = "(SELECT string_agg(a.attname, ', ' ORDER BY k.n)
                 FROM unnest(CON.conkey) WITH ORDINALITY k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = CON.conrelid AND a.attnum = k.attnum)";
    let ref_cols = "(SELECT string_agg(a.attname, ', ' ORDER BY k.n)
                 FROM unnest(CON.confkey) WITH ORDINALITY k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = CON.confrelid AND a.attnum = k.attnum)";
    for c in rows(&format!(
        "SELECT CON.contype, CON.conrelid::regclass, {cols}, CON.confrelid::regclass, {ref_cols}
         FROM pg_constraint CON JOIN pg_namespace n ON n.oid = CON.connamespace
         WHERE n.nspname = 'public' AND CON.contype IN ('p', 'u', 'f')"
    )) {
        facts.insert(match c[0].as_str() {
            "p" => format!("primary key {}({})", c[1], c[2]),
            "u" => format!("unique {}({})", c[1], c[2]),
            _ => format!("foreign key {}({}) -> {}({})", c[1], c[2], c[3], c[4]),
        });
    }
    for c in rows(
        "SELECT t.tablename, (SELECT count(*) FROM pg_constraint c
                              WHERE c.conrelid = t.tablename::regclass AND c.contype = 'c')
         FROM pg_tables t WHERE t.schemaname = 'public'",
    ) {
        facts.insert(format!("checks {} {}", c[0], c[1]));
    }
    // Indexes that no constraint made.
    for ix in rows(
        "SELECT i.relname, t.relname, x.indisunique, x.indpred IS NOT NULL,
                (SELECT string_agg(a.attname, ', ' ORDER BY k.n)
                 FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum)
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    ) {
        facts.insert(match (ix[2].as_str(), ix[3].as_str()) {
            ("t", "f") => format!("unique {}({})", ix[1], ix[4]),
            ("t", _) => format!("partial unique index {} on {}({})", ix[0], ix[1], ix[4]),
            _ => format!("index {} on {}({})", ix[0], ix[1], ix[4]),
        });
    }
    for t in rows(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE NOT t.tgisinternal",
    ) {
        facts.insert(format!("trigger {}.{}", t[0], t[1]));
    }
    facts
}

#[test]
fn both_backends_have_the_same_schema() {
    let Some(pg) = Cluster::shared() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("k.db");
    kuvert::store::Store::create(
        &path,
        kuvert::store::DbKind::Production,
        "2026-01-01T00:00:00.000Z",
    )
    .expect("create the SQLite database");
    let lite = sqlite_facts(&Connection::open(&path).expect("open"));

    let db = pg.database("parity");
    let out = pg.psql(&db, "postgres", include_str!("../src/store/pg/schema.sql"));
    assert!(
        out.status.success(),
        "schema.sql does not load: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut server = pg_facts(pg, &db);
    for extra in PG_ONLY {
        assert!(
            server.remove(extra),
            "the PostgreSQL-only '{extra}' is gone"
        );
    }

    let only_lite: Vec<_> = lite.difference(&server).collect();
    let only_pg: Vec<_> = server.difference(&lite).collect();
    assert!(
        only_lite.is_empty() && only_pg.is_empty(),
        "the schemas drifted apart.\nonly in SQLite:\n  {}\nonly in PostgreSQL:\n  {}",
        only_lite
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
        only_pg
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
    );
    // The comparison saw the schema, not two empty sets.
    assert!(lite.len() > 150, "{} facts", lite.len());
}

#[test]
fn the_event_log_refuses_change_even_to_the_owner() {
    let Some(pg) = Cluster::shared() else { return };
    let db = pg.database("append_only");
    let load = pg.psql(&db, "postgres", include_str!("../src/store/pg/schema.sql"));
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
    let event = |seq: u32, prev: char, hash: char| {
        format!(
            "INSERT INTO events VALUES ({seq}, 't', NULL, NULL, NULL, NULL, 'k', '{{}}',
                                        repeat('{prev}', 64), repeat('{hash}', 64))"
        )
    };
    let ok = pg.psql(&db, "postgres", &event(1, '0', 'a'));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for (sql, says) in [
        (
            "UPDATE events SET kind = 'x'".to_owned(),
            "cannot be changed",
        ),
        ("DELETE FROM events".to_owned(), "cannot be deleted"),
        ("TRUNCATE events".to_owned(), "cannot be deleted"),
        // Replication mode switches ordinary triggers off, not these.
        (
            "SET session_replication_role = replica; DELETE FROM events".to_owned(),
            "cannot be deleted",
        ),
        // A second successor of the same event: a fork of the chain.
        (event(2, '0', 'b'), "events_one_successor"),
    ] {
        let out = pg.psql(&db, "postgres", &sql);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(says), "{sql}: {err}");
    }
    assert_eq!(pg.lines(&db, "SELECT count(*) FROM events"), ["1"]);
}

/// The server, not the desk, holds the rules: a caseworker who connects with psql past kuvert
/// can neither change the log, nor take a second lock, nor read another team's people.
#[test]
fn a_caseworker_at_psql_is_held_by_the_server() {
    let Some(pg) = Cluster::shared() else { return };
    let db = pg.database("privileges");
    for file in [
        include_str!("../src/store/pg/schema.sql"),
        include_str!("../src/store/pg/roles.sql"),
    ] {
        let out = pg.psql(&db, "postgres", file);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    pg.login(&db, "anna", "kuvert_caseworker");
    pg.login(&db, "bo", "kuvert_caseworker");
    pg.lines(
        &db,
        "INSERT INTO teams VALUES ('A'), ('B');
         INSERT INTO users VALUES ('anna', 'Anna A', 'caseworker', 'A', 't'),
                                  ('bo', 'Bo B', 'caseworker', 'B', 't');
         INSERT INTO cases(id, number, benefit, team) VALUES (1, 'FK 2026-1', 'x', 'A'),
                                                             (2, 'FK 2026-2', 'x', 'B');
         INSERT INTO parties(id, case_id, role, name, id_number, protected, street, postal_code, city, country)
             VALUES (1, 1, 'applicant', 'Alva A', '198001012346', 0, 'Gatan 1', '11122', 'Stockholm', 'SE'),
                    (2, 2, 'applicant', 'Bertil B', '198001012346', 0, 'Vägen 2', '11122', 'Stockholm', 'SE');
         INSERT INTO sessions(id, account, terminal, kind, started, last_seen) VALUES (1, 'anna', 't', 'cli', 't', 't');
         INSERT INTO mailings(id, case_id, account, session_id, recipient_id, state, token, started)
             VALUES (1, 1, 'anna', 1, 1, 'draft', 'AAAAAAAAAAAAA', 't');
         INSERT INTO case_locks VALUES (1, 1, 'anna', 't');
         INSERT INTO blobs VALUES (repeat('b', 64), '\\x25504446');
         INSERT INTO documents(id, case_id, title, kind, date, subject_id, pages, sha256)
             VALUES (1, 1, 'Intyg', 'x', 't', 1, 1, repeat('b', 64));
         INSERT INTO mailing_documents VALUES (1, 1, 1, 1, 0);
         INSERT INTO print_jobs(mailing_id, generation, sheets, pdf_path, pdf_sha256, session_id, account, created)
             VALUES (1, 1, 2, '/p.pdf', repeat('c', 64), 1, 'anna', 't');
         INSERT INTO sheets(mailing_id, generation, sheet, kind, document_id, page, required)
             VALUES (1, 1, 1, 'cover', NULL, NULL, 1), (1, 1, 2, 'document', 1, 1, 1);
         INSERT INTO scans(mailing_id, session_id, time, code, verdict, generation, sheet, round, source)
             VALUES (1, 1, 't', 'c', 'ok', 1, 1, 1, 'scanner');
         INSERT INTO events VALUES (1, 't', 1, 'anna', 1, 'FK 2026-1', 'k', '{}', repeat('0', 64), repeat('a', 64));",
    );
    let as_bo = |sql: &str| pg.psql(&db, "bo", sql);
    for sql in [
        "UPDATE events SET kind = 'x'",
        "DELETE FROM events",
        "TRUNCATE events",
        "INSERT INTO case_locks VALUES (1, 1, 'bo', 't')",
        "UPDATE policies SET dual_control = 0",
        "INSERT INTO users VALUES ('eve', 'Eve', 'lead', 'B', 't')",
        "DROP TRIGGER events_no_delete ON events",
    ] {
        let out = as_bo(sql);
        assert!(!out.status.success(), "bo may: {sql}");
    }
    let read = |who: &str, sql: &str| {
        let out = pg.psql(&db, who, sql);
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    // Each caseworker sees their own team's people and cases, and only those.
    assert_eq!(
        read("bo", "SELECT string_agg(name, ',') FROM parties"),
        "Bertil B"
    );
    assert_eq!(
        read("anna", "SELECT string_agg(name, ',') FROM parties"),
        "Alva A"
    );
    assert_eq!(
        read("bo", "SELECT count(*) FROM cases WHERE team = 'A'"),
        "0"
    );
    // And what hangs off another team's case, a mailing or a document: none of it (each
    // table's policy reaches the team through the row security of the one it hangs off).
    for table in [
        "mailings",
        "mailing_documents",
        "documents",
        "blobs",
        "print_jobs",
        "sheets",
        "scans",
    ] {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(read("bo", &sql), "0", "bo sees {table}");
        assert_ne!(read("anna", &sql), "0", "anna does not see {table}");
    }
    // The rows are all still there.
    assert_eq!(pg.lines(&db, "SELECT count(*) FROM events"), ["1"]);
    assert_eq!(pg.lines(&db, "SELECT count(*) FROM case_locks"), ["1"]);
}
