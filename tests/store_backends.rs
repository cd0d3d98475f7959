//! The store's operations give the same results on both backends: one test body, run on a
//! SQLite file and on a PostgreSQL database (a throwaway cluster, tests/common/pg.rs).

mod common;

use common::pg::Cluster;
use kuvert::country::Country;
use kuvert::error::{Error, Problem, Refusal};
use kuvert::model::{Address, MailingState, PartyRole, Role, User};
use kuvert::policy::Policy;
use kuvert::store::cases::{self, NewDocument, NewParty};
use kuvert::store::events::{self, EventRow};
use kuvert::store::pg::Init;
use kuvert::store::{DbKind, Store, mailings, people, policies, retention};

const NOW: &str = "2026-03-01T09:00:00.000Z";

fn user(account: &str, role: Role, team: &str) -> User {
    User {
        account: account.into(),
        name: format!("{account} Testsson"),
        role,
        team: team.into(),
    }
}

/// An applicant with an address in Sweden.
fn applicant<'a>(name: &'a str, address: &'a Address) -> NewParty<'a> {
    NewParty {
        role: PartyRole::Applicant,
        name,
        id_number: "198001012346",
        protected: false,
        address: Some(address),
    }
}

/// The users of the test: a caseworker and a lead of team A.
fn register(store: &mut Store) {
    store
        .write(|tx| {
            people::add_user(tx, &user("anna", Role::Caseworker, "A"), NOW)?;
            people::add_user(tx, &user("lisa", Role::Lead, "A"), NOW)
        })
        .expect("register");
}

/// Everything a mailing does to the store, from importing its case to purging it, done by
/// the lead `lisa` (on PostgreSQL her own login, held by the grants and row security).
fn one_mailing_from_start_to_purge(store: &mut Store) {
    let address = Address {
        care_of: None,
        street: "Storgatan 1".into(),
        postal_code: "11122".into(),
        city: "Stockholm".into(),
        country: Country::SWEDEN,
    };
    let (case, mailing, document) = store
        .write(|tx| {
            let case = cases::insert_case(tx, "2026-000001", "sjukpenning", "A")?;
            let applicant = cases::insert_party(tx, case, &applicant("Åsa Öberg", &address))?;
            cases::insert_party(
                tx,
                case,
                &NewParty {
                    role: PartyRole::Representative,
                    name: "Skyddad Person",
                    id_number: "199001012388",
                    protected: true,
                    address: Some(&address),
                },
            )?;
            let bytes = b"%PDF-1.4 not really\n\x00\xff";
            let document = cases::insert_document(
                tx,
                case,
                &NewDocument {
                    title: "Läkarintyg",
                    kind: "intyg",
                    date: "2026-02-01",
                    subject: applicant,
                    pages: 2,
                    sha256: &"ab".repeat(32),
                    bytes,
                },
            )?;
            let session = people::start_session(tx, "lisa", "pts/1", "cli", NOW)?;
            let mailing = mailings::insert_with_lock(
                tx,
                case,
                "lisa",
                session,
                applicant,
                "ABCDEFGHJKMNP",
                NOW,
            )?;
            mailings::attach(tx, mailing, case, document, false)?;
            events::insert(
                tx,
                &EventRow {
                    seq: 1,
                    time: NOW.into(),
                    session: Some(session),
                    account: Some("lisa".into()),
                    mailing: Some(mailing),
                    case_no: Some("2026-000001".into()),
                    kind: "mailing_started".into(),
                    detail: "{}".into(),
                    prev_hash: "0".repeat(64),
                    hash: "a".repeat(64),
                },
            )?;
            Ok((case, mailing, document))
        })
        .expect("the first mailing");

    // What the store refuses, it refuses with the same words on both.
    let again = store.write(|tx| people::add_user(tx, &user("anna", Role::Lead, "B"), NOW));
    assert!(
        matches!(again, Err(Error::Problem(Problem::AccountTaken { .. }))),
        "{again:?}"
    );
    let twice = store.write(|tx| mailings::attach(tx, mailing, case, document, false));
    assert!(
        matches!(twice, Err(Error::Problem(Problem::AlreadyAttached { .. }))),
        "{twice:?}"
    );
    let second_lock = store.write(|tx| {
        let session = people::start_session(tx, "lisa", "pts/2", "cli", NOW)?;
        mailings::insert_with_lock(tx, case, "lisa", session, 1, "ZZZZZZZZZZZZZ", NOW)
    });
    assert!(
        matches!(&second_lock, Err(Error::Environment(m)) if m.contains("same moment")),
        "{second_lock:?}"
    );
    let other_case = store.write(|tx| {
        let other = cases::insert_case(tx, "2026-000002", "sjukpenning", "A")?;
        let them = cases::insert_party(tx, other, &applicant("Bo Annan", &address))?;
        let theirs = cases::insert_document(
            tx,
            other,
            &NewDocument {
                title: "Journal",
                kind: "journal",
                date: "2026-02-02",
                subject: them,
                pages: 1,
                sha256: &"cd".repeat(32),
                bytes: b"other",
            },
        )?;
        // The composite foreign key refuses another case's document for this mailing.
        mailings::attach(tx, mailing, case, theirs, false)
    });
    assert!(
        matches!(
            other_case,
            Err(Error::Refused(Refusal::DocumentOfOtherCase { .. }))
        ),
        "{other_case:?}"
    );

    // What was written reads back the same, the protected person without an address.
    store
        .read(|tx| {
            let parties = cases::parties(tx, case)?;
            assert_eq!(parties.len(), 2);
            assert_eq!(parties[0].name, "Åsa Öberg");
            assert_eq!(parties[0].address.as_ref(), Some(&address));
            assert!(parties[1].protected && parties[1].address.is_none());
            let bytes = cases::document_bytes(tx, document)?;
            assert_eq!(
                bytes.as_deref(),
                Some(&b"%PDF-1.4 not really\n\x00\xff"[..])
            );
            let lock = cases::lock(tx, case)?.expect("the lock");
            assert_eq!((lock.account.as_str(), lock.mailing), ("lisa", mailing));
            let open = mailings::open_for(tx, "lisa")?.expect("open mailing");
            assert_eq!((open.id, open.state), (mailing, MailingState::Draft));
            assert_eq!(mailings::enclosures(tx, mailing)?.len(), 1);
            assert_eq!(events::head(tx)?, Some((1, "a".repeat(64))));
            let other = mailings::other_by_token(tx, "ABCDEFGHJKMNP")?.expect("by token");
            assert_eq!(
                (other.id, other.case_no.as_str(), other.state),
                (mailing, "2026-000001", MailingState::Draft)
            );
            assert_eq!(mailings::other_by_token(tx, "NNNNNNNNNNNNN")?, None);
            Ok(())
        })
        .expect("read back");

    // Policies round-trip; sealing releases the lock (a trigger); purge empties the rest.
    let strict = Policy {
        dual_control: true,
        ..Policy::default()
    };
    store
        .write(|tx| policies::set(tx, "A", &strict, "lisa", NOW))
        .expect("policy");
    assert!(
        store
            .read(|tx| policies::of_team(tx, "A"))
            .expect("policy")
            .dual_control
    );
    store
        .write(|tx| mailings::set_state(tx, mailing, MailingState::Voided, NOW, Some("test")))
        .expect("void");
    assert!(
        store
            .read(|tx| cases::lock(tx, case))
            .expect("lock")
            .is_none()
    );
    let removed = store
        .write(|tx| {
            let due = retention::due(tx, "A", "2027-01-01T00:00:00.000Z")?;
            assert_eq!(due, [mailing]);
            retention::purge(tx, &due, "2027-01-01T00:00:00.000Z", NOW)
        })
        .expect("purge");
    assert_eq!(
        (
            removed.mailings,
            removed.documents,
            removed.blobs,
            removed.parties
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(removed.bytes, 22);
    store
        .read(|tx| {
            assert_eq!(cases::document_bytes(tx, document)?, None);
            assert_eq!(cases::parties(tx, case)?[0].name, "(gallrad)");
            Ok(())
        })
        .expect("purged");
}

#[test]
fn on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store =
        Store::create(&dir.path().join("k.db"), DbKind::Production, NOW).expect("create");
    register(&mut store);
    one_mailing_from_start_to_purge(&mut store);
}

#[test]
fn on_postgresql() {
    let Some(pg) = Cluster::shared() else { return };
    let db = pg.database("store");
    let url = format!(
        "postgresql:///{db}?host={}&user=postgres",
        pg.socket_dir().display()
    );
    let init = Store::init_on_server(&url, db.clone(), DbKind::Production, NOW).expect("create");
    assert_eq!(init, Init::Created);
    let mut owner = Store::connect(&url, db.clone()).expect("connect as the owner");
    assert_eq!(
        pg.lines(&db, "SELECT value FROM meta WHERE key = 'kind'"),
        ["production"]
    );
    register(&mut owner);
    // The lead's own login, a member of kuvert_lead: what she may do, the server decides.
    pg.login(&db, "lisa", "kuvert_lead");
    let as_lisa = url.replace("user=postgres", "user=lisa");
    let mut store = Store::connect(&as_lisa, db.clone()).expect("connect as lisa");
    one_mailing_from_start_to_purge(&mut store);
    // A caseworker of team B reads none of team A's cases, yet a sheet of team A's mailing
    // in B's envelope is still known as that mailing's (the hard stop names its case).
    owner
        .write(|tx| people::add_user(tx, &user("bo", Role::Caseworker, "B"), NOW))
        .expect("register bo");
    pg.login(&db, "bo", "kuvert_caseworker");
    let mut bo = Store::connect(&url.replace("user=postgres", "user=bo"), db.clone())
        .expect("connect as bo");
    bo.read(|tx| {
        assert!(cases::by_number(tx, "2026-000001")?.is_none());
        let other = mailings::other_by_token(tx, "ABCDEFGHJKMNP")?.expect("by token");
        assert_eq!(other.case_no, "2026-000001");
        Ok(())
    })
    .expect("bo reads");
    // A second init on the same database changes nothing.
    let again = Store::init_on_server(&url, db, DbKind::Production, NOW);
    assert!(
        matches!(again, Err(Error::Problem(Problem::ServerHasTables { .. }))),
        "{:?}",
        again.err()
    );
    // The head row moved with the chain, in the same transaction.
    assert_eq!(
        pg.lines(
            &url_db(&url),
            "SELECT seq || ' ' || left(hash, 3) FROM audit_head"
        ),
        ["1 aaa"]
    );
}

fn url_db(url: &str) -> String {
    url.trim_start_matches("postgresql:///")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned()
}
