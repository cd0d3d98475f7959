//! The catalogue of errors in both languages: every variant has both, and they differ.

use super::*;
use crate::model::MailingState;

/// Which variant a refusal is. No wildcard: a new variant does not compile until it is
/// given a number here, and then the test below fails until it has a sample.
fn variant(r: &Refusal) -> usize {
    use Refusal::*;
    match r {
        OneOpenMailing { .. } => 0,
        CaseLocked { .. } => 1,
        OtherTeam { .. } => 2,
        DocumentOfOtherCase { .. } => 3,
        OtherSubject { .. } => 4,
        DocumentPurged { .. } => 5,
        NothingAttached => 6,
        NotVerified { .. } => 7,
        NotPrinted => 8,
        AlreadyPrinted => 9,
        ReprintNeedsReason => 10,
        TooManyPrints { .. } => 11,
        LeadOnly { .. } => 12,
        NotLocked { .. } => 13,
        UnknownUser { .. } => 14,
        ImpersonationRefused => 15,
        FourEyes { .. } => 16,
        NotAwaitingSeal { .. } => 17,
        StaleCover { .. } => 18,
        ImpersonationOnServer { .. } => 19,
        ChainBroken { .. } => 20,
    }
}

#[test]
fn every_refusal_has_both_languages_and_they_differ() {
    let case = || "FK 2026-1".to_owned();
    let samples = [
        Refusal::OneOpenMailing {
            case: case(),
            state: MailingState::Draft,
        },
        Refusal::CaseLocked {
            case: case(),
            holder: "Anna (anna)".into(),
            since: "2026-12-03 09:00".into(),
        },
        Refusal::OtherTeam {
            case: case(),
            team: "B".into(),
            yours: "A".into(),
        },
        Refusal::DocumentOfOtherCase {
            document: 7,
            case: case(),
        },
        Refusal::OtherSubject {
            document: 7,
            title: "Journal".into(),
            subject_role: "child".into(),
        },
        Refusal::DocumentPurged { document: 7 },
        Refusal::NothingAttached,
        Refusal::NotVerified {
            seen: 1,
            required: 3,
        },
        Refusal::NotPrinted,
        Refusal::AlreadyPrinted,
        Refusal::ReprintNeedsReason,
        Refusal::TooManyPrints { max: 9 },
        Refusal::LeadOnly {
            what: "kuvert import".into(),
        },
        Refusal::NotLocked { case: case() },
        Refusal::UnknownUser {
            account: "anna".into(),
        },
        Refusal::ImpersonationRefused,
        Refusal::ImpersonationOnServer {
            login: "anna".into(),
        },
        Refusal::ChainBroken { seq: 7 },
        Refusal::FourEyes { case: case() },
        Refusal::NotAwaitingSeal {
            case: case(),
            state: MailingState::Sealed,
        },
        Refusal::StaleCover {
            case: case(),
            generation: 1,
            current: 2,
        },
    ];
    let mut seen = [false; 21];
    for r in &samples {
        seen[variant(r)] = true;
        let (sv, en) = (refusal(r, Lang::Sv), refusal(r, Lang::En));
        assert!(!sv.trim().is_empty() && !en.trim().is_empty(), "{r:?}");
        assert_ne!(sv, en, "{r:?} is not translated");
    }
    assert!(
        seen.iter().all(|&s| s),
        "a refusal without a sample: {seen:?}"
    );
}

#[test]
fn describe_gives_the_users_language_and_display_the_technical_words() {
    let e = Error::Refused(Refusal::NothingAttached);
    assert_eq!(
        describe(&e, Lang::Sv),
        refusal(&Refusal::NothingAttached, Lang::Sv)
    );
    assert_eq!(e.to_string(), refusal(&Refusal::NothingAttached, Lang::En));
    assert_eq!(
        describe(&Error::NoOpenMailing, Lang::Sv),
        no_open_mailing(Lang::Sv)
    );
    assert_eq!(Error::Pdf("x".into()).to_string(), "print job: x");
}

/// Which variant a problem is; no wildcard, as for refusals.
fn problem_variant(p: &Problem) -> usize {
    use Problem::*;
    match p {
        NoDatabase { .. } => 0,
        NotADatabase { .. } => 1,
        DatabaseExists { .. } => 2,
        NotADemo { .. } => 3,
        ScaleDatabaseExists { .. } => 4,
        CaseExists { .. } => 5,
        AlreadyAttached { .. } => 6,
        AccountTaken { .. } => 7,
        UnknownPolicyValue { .. } => 8,
        NotAHeadFile { .. } => 9,
        NoHeadFile { .. } => 10,
        LogFolder { .. } => 11,
        NoOsAccount { .. } => 12,
        BadConfig { .. } => 13,
        BadVariable { .. } => 14,
        BadOut { .. } => 15,
        DemoOnServer { .. } => 16,
        BadServerUrl { .. } => 17,
        NoServer { .. } => 18,
        ServerHasTables { .. } => 19,
        NotKuvertServer { .. } => 20,
        ServerSchema { .. } => 21,
        NotALogin { .. } => 22,
        MigrateFromServer { .. } => 23,
        MigrateToFile { .. } => 24,
        ConnectionLost { .. } => 25,
        BadTlsParameter { .. } => 26,
        NoRootCert { .. } => 27,
        TlsFile { .. } => 28,
        ServerCertRefused { .. } => 29,
        ServerWithoutTls { .. } => 30,
        ClientCertRefused { .. } => 31,
        UpgradeNotOwner { .. } => 32,
    }
}

#[test]
fn every_problem_has_both_languages_and_they_differ() {
    use Problem::*;
    let path = || std::path::PathBuf::from("/srv/kuvert/kontor.db");
    let db = || "postgresql://db.fk.se/kuvert".to_owned();
    let refused = |fault| ServerCertRefused {
        server: db(),
        fault,
    };
    let samples = [
        NoDatabase { path: path() },
        NotADatabase { path: path() },
        DatabaseExists { path: path() },
        NotADemo { path: path() },
        ScaleDatabaseExists { path: path() },
        CaseExists {
            number: "FK 2026-1".into(),
        },
        AlreadyAttached { document: 7 },
        AccountTaken {
            account: "anna".into(),
        },
        UnknownPolicyValue {
            team: "A".into(),
            value: "some".into(),
        },
        NotAHeadFile { path: path() },
        NoHeadFile { path: path() },
        LogFolder {
            path: path(),
            cause: "Permission denied".into(),
        },
        NoOsAccount {
            cause: "no passwd entry".into(),
        },
        BadConfig {
            path: path(),
            detail: "unknown field `printer`".into(),
        },
        BadVariable {
            name: "KUVERT_LOG".into(),
            value: "loud".into(),
        },
        BadOut { out: path() },
        DemoOnServer {
            server: "postgresql://anna:***@db.fk.se/kuvert".into(),
        },
        BadServerUrl {
            server: "postgresql://db.fk.se:port/kuvert".into(),
            detail: "invalid port".into(),
        },
        NoServer {
            server: "postgresql://db.fk.se/kuvert".into(),
            detail: "connection refused".into(),
        },
        ServerHasTables {
            server: "postgresql://db.fk.se/kuvert".into(),
        },
        NotKuvertServer {
            server: "postgresql://db.fk.se/kuvert".into(),
        },
        ServerSchema {
            server: "postgresql://db.fk.se/kuvert".into(),
            found: "8".into(),
            wanted: 7,
        },
        ServerSchema {
            server: "postgresql://db.fk.se/kuvert".into(),
            found: "6".into(),
            wanted: 7,
        },
        UpgradeNotOwner {
            server: "postgresql://db.fk.se/kuvert".into(),
            found: 6,
            wanted: 7,
        },
        NotALogin {
            account: "kuvert_lead".into(),
        },
        MigrateFromServer {
            server: "postgresql://db.fk.se/kuvert".into(),
        },
        MigrateToFile {
            to: "kontor.db".into(),
        },
        ConnectionLost {
            server: "postgresql://db.fk.se/kuvert".into(),
        },
        BadTlsParameter {
            server: db(),
            key: "sslmode".into(),
            value: "allow".into(),
        },
        NoRootCert {
            server: db(),
            path: path(),
        },
        TlsFile {
            server: db(),
            file: path(),
            why: "No such file or directory".into(),
        },
        refused(CertFault::UnknownCa),
        refused(CertFault::WrongHost {
            expected: "db.fk.se".into(),
            presented: "x".into(),
        }),
        refused(CertFault::WrongHost {
            expected: "db.fk.se".into(),
            presented: String::new(),
        }),
        refused(CertFault::Other("Expired".into())),
        ServerWithoutTls { server: db() },
        ClientCertRefused {
            server: db(),
            detail: "CertificateRequired".into(),
        },
    ];
    let mut seen: Vec<usize> = samples.iter().map(problem_variant).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(
        seen,
        (0..=32).collect::<Vec<_>>(),
        "a sample of every problem"
    );
    for p in &samples {
        let (sv, en) = (problem(p, Lang::Sv), problem(p, Lang::En));
        assert!(!sv.is_empty() && sv != en, "{p:?}: {sv} / {en}");
        let e = Error::from(p.clone());
        assert_eq!(describe(&e, Lang::Sv), sv);
        assert_eq!(e.to_string(), en, "the diagnostic log reads English");
    }
}

/// A fault of the machine reads in Swedish first, with its technical cause for IT.
#[test]
fn a_machine_fault_is_framed_in_swedish() {
    let e = Error::Printer("lp: no such destination".into());
    let sv = describe(&e, Lang::Sv);
    assert!(sv.starts_with("Skrivaren tog inte emot utskriften"), "{sv}");
    assert!(sv.ends_with("(printer: lp: no such destination)"), "{sv}");
    assert_eq!(describe(&e, Lang::En), "printer: lp: no such destination");
}
