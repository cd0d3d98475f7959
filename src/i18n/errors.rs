//! What went wrong, in words: the rules' refusals and the library's errors. `error.rs` holds
//! only the facts; this is where they are translated, at the edge.

use super::{Lang, role_text_str, state_text};
use crate::error::{CertFault, Error, Problem, Refusal, StorageFault};

/// The message of any error in the user's language.
pub fn describe(e: &Error, lang: Lang) -> String {
    if e.is_busy() {
        return database_busy(lang).to_owned();
    }
    if let Some(fault) = e.storage_fault() {
        return format!("{} ({})", storage_fault(fault, lang), technical(e));
    }
    match (e, lang) {
        (Error::Refused(r), _) => refusal(r, lang),
        (Error::NoOpenMailing, _) => no_open_mailing(lang).to_owned(),
        (Error::Problem(p), _) => problem(p, lang),
        // Made in the user's language where the input was read.
        (Error::NotFound(m) | Error::Invalid(m), _) => m.clone(),
        (other, Lang::En) => technical(other),
        // A fault of the machine: what it means in Swedish, the cause for IT after it.
        (other, Lang::Sv) => format!("{} ({})", fault_sv(other), technical(other)),
    }
}

/// What a fault of the machine means, for a Swedish reader.
fn fault_sv(e: &Error) -> &'static str {
    match e {
        Error::Printer(_) => {
            "Skrivaren tog inte emot utskriften. Försändelsen är som förut; försök igen eller be IT om hjälp"
        }
        Error::Pdf(_) => "Utskriften kunde inte skapas. Inget ändrades; be IT om hjälp",
        Error::Io { .. } => {
            "En fil kunde inte läsas eller skrivas. Inget ändrades; kontrollera mappen och behörigheten, eller be IT om hjälp"
        }
        Error::Database(_) | Error::Migration(_) => {
            "Databasen svarade med ett fel. Inget ändrades; be IT om hjälp"
        }
        _ => "Något i datorns miljö saknas eller är fel. Inget ändrades; be IT om hjälp",
    }
}

/// The sentence for a problem with the files, the database or the machine.
pub fn problem(p: &Problem, lang: Lang) -> String {
    use Problem::*;
    match (p, lang) {
        (NoDatabase { path }, Lang::Sv) => format!(
            "Ingen kuvert-databas på {}: skapa en med `kuvert init` (eller `kuvert demo` för en demo)",
            path.display()
        ),
        (NoDatabase { path }, Lang::En) => format!(
            "no kuvert database at {}: create one with `kuvert init` (or `kuvert demo` for a demo)",
            path.display()
        ),
        (NotADatabase { path }, Lang::Sv) => {
            format!("{} är ingen kuvert-databas", path.display())
        }
        (NotADatabase { path }, Lang::En) => {
            format!("{} is not a kuvert database", path.display())
        }
        (DatabaseExists { path }, Lang::Sv) => format!(
            "{} finns redan; kuvert skriver aldrig över en databas",
            path.display()
        ),
        (DatabaseExists { path }, Lang::En) => format!(
            "{} already exists; kuvert does not overwrite a database",
            path.display()
        ),
        (NotADemo { path }, Lang::Sv) => format!(
            "{} finns och är ingen demodatabas; kuvert demo skriver aldrig över den (ange en annan --db)",
            path.display()
        ),
        (NotADemo { path }, Lang::En) => format!(
            "{} exists and is not a demo database; kuvert demo never overwrites it (give another --db)",
            path.display()
        ),
        (ScaleDatabaseExists { path }, Lang::Sv) => format!(
            "{} finns redan; skaldatabasen görs bara från början (ta bort den först)",
            path.display()
        ),
        (ScaleDatabaseExists { path }, Lang::En) => format!(
            "{} exists; the scale database is only made anew (remove it first)",
            path.display()
        ),
        (DemoOnServer { server }, Lang::Sv) => format!(
            "demodatabasen är en SQLite-fil på den här datorn och kan inte ligga på servern {server}; inget har skapats. Ange en fil med --db, eller ingen --db alls"
        ),
        (DemoOnServer { server }, Lang::En) => format!(
            "the demo database is a SQLite file on this computer and cannot live on the server {server}; nothing was created. Give a file with --db, or no --db at all"
        ),
        (MigrateFromServer { server }, Lang::Sv) => format!(
            "kuvert migrate kopierar en SQLite-fil, men --db är servern {server}; ange filen med --db och servern med --to"
        ),
        (MigrateFromServer { server }, Lang::En) => format!(
            "kuvert migrate copies a SQLite file, but --db is the server {server}; give the file with --db and the server with --to"
        ),
        (MigrateToFile { to }, Lang::Sv) => format!(
            "--to ska vara en PostgreSQL-adress (postgresql://…), inte {to}; inget har kopierats"
        ),
        (MigrateToFile { to }, Lang::En) => format!(
            "--to must be a PostgreSQL address (postgresql://…), not {to}; nothing was copied"
        ),
        (NotALogin { account }, Lang::Sv) => format!(
            "{account} är en grupproll på servern, inte en persons inloggning; ingen har registrerats. Registrera personens egen inloggning"
        ),
        (NotALogin { account }, Lang::En) => format!(
            "{account} is a group role on the server, not a person's login; no one was registered. Register the person's own login"
        ),
        (ConnectionLost { server }, Lang::Sv) => format!(
            "Anslutningen till servern {server} bröts. Det som inte hann sparas är inte sparat, och kuvert ansluter igen vid nästa steg; kontrollera försändelsens läge innan du går vidare"
        ),
        (ConnectionLost { server }, Lang::En) => format!(
            "The connection to the server {server} was lost. What was not yet saved is not saved, and kuvert connects again at the next step; check the mailing's state before you go on"
        ),
        (NotKuvertServer { server }, Lang::Sv) => format!(
            "databasen på {server} är ingen kuvert-databas. IT skapar den med `kuvert --db ADRESS init`, som databasens ägare"
        ),
        (NotKuvertServer { server }, Lang::En) => format!(
            "the database on {server} is not a kuvert database. IT creates it with `kuvert --db URL init`, as the database's owner"
        ),
        (
            ServerSchema {
                server,
                found,
                wanted,
            },
            lang,
        ) => {
            // An older database is brought up to date by its owner; a newer one needs the
            // newer kuvert.
            let older = found.parse::<i64>().is_ok_and(|f| f < *wanted);
            match (older, lang) {
                (true, Lang::Sv) => format!(
                    "databasen på {server} har kuverts schemaversion {found}, men den här versionen av kuvert använder {wanted}; inget har ändrats. IT uppgraderar den med `kuvert --db ADRESS init`, som databasens ägare"
                ),
                (true, Lang::En) => format!(
                    "the database on {server} has kuvert schema version {found}, but this version of kuvert uses {wanted}; nothing was changed. IT upgrades it with `kuvert --db URL init`, as the database's owner"
                ),
                (false, Lang::Sv) => format!(
                    "databasen på {server} har kuverts schemaversion {found}, men den här versionen av kuvert använder {wanted}; inget har ändrats. Använd den kuvert-version som servern har, eller kontakta IT"
                ),
                (false, Lang::En) => format!(
                    "the database on {server} has kuvert schema version {found}, but this version of kuvert uses {wanted}; nothing was changed. Use the kuvert version the server has, or contact IT"
                ),
            }
        }
        (
            UpgradeNotOwner {
                server,
                found,
                wanted,
            },
            Lang::Sv,
        ) => format!(
            "databasen på {server} har kuverts schemaversion {found}, och bara databasens ägare kan uppgradera den till {wanted}; inget har ändrats. Kör `kuvert --db ADRESS init` som ägaren (IT)"
        ),
        (
            UpgradeNotOwner {
                server,
                found,
                wanted,
            },
            Lang::En,
        ) => format!(
            "the database on {server} has kuvert schema version {found}, and only the database's owner can upgrade it to {wanted}; nothing was changed. Run `kuvert --db URL init` as the owner (IT)"
        ),
        (BadServerUrl { server, detail }, Lang::Sv) => format!(
            "{server} går inte att läsa som en PostgreSQL-adress ({detail}); skriv den som postgresql://[användare@]värd[:port]/databas"
        ),
        (BadServerUrl { server, detail }, Lang::En) => format!(
            "{server} cannot be read as a PostgreSQL address ({detail}); write it as postgresql://[user@]host[:port]/dbname"
        ),
        (NoServer { server, detail }, Lang::Sv) => format!(
            "kan inte ansluta till PostgreSQL-servern {server} ({detail}); inget har ändrats. Kontrollera att servern är i gång och att din inloggning får ansluta, eller kontakta IT"
        ),
        (NoServer { server, detail }, Lang::En) => format!(
            "cannot connect to the PostgreSQL server {server} ({detail}); nothing was changed. Check that the server is running and that your login may connect, or contact IT"
        ),
        (BadTlsParameter { server, key, value }, Lang::Sv) => format!(
            "{key}={value} i adressen {server} går inte att använda: sslmode ska vara disable, prefer, require, verify-ca eller verify-full, sslrootcert=system kräver sslmode=verify-full, och sslrootcert, sslcert och sslkey ska ange en fil"
        ),
        (BadTlsParameter { server, key, value }, Lang::En) => format!(
            "{key}={value} in the address {server} cannot be used: sslmode must be disable, prefer, require, verify-ca or verify-full, sslrootcert=system needs sslmode=verify-full, and sslrootcert, sslcert and sslkey must name a file"
        ),
        (NoRootCert { server, path }, Lang::Sv) => format!(
            "sslmode=verify-ca och verify-full kontrollerar serverns certifikat mot ett rotcertifikat, men adressen {server} anger inget och {} finns inte; ingen anslutning gjordes. Ange sslrootcert=FIL (CA-certifikatet från IT) eller sslrootcert=system",
            path.display()
        ),
        (NoRootCert { server, path }, Lang::En) => format!(
            "sslmode=verify-ca and verify-full check the server's certificate against a root certificate, but the address {server} names none and {} does not exist; no connection was made. Give sslrootcert=FILE (the CA certificate from IT) or sslrootcert=system",
            path.display()
        ),
        (TlsFile { server, file, why }, Lang::Sv) => format!(
            "certifikatfilen {} för {server} går inte att använda ({why}); ingen anslutning gjordes. Kontrollera sslrootcert, sslcert och sslkey i adressen, eller be IT om filen",
            file.display()
        ),
        (TlsFile { server, file, why }, Lang::En) => format!(
            "the certificate file {} for {server} cannot be used ({why}); no connection was made. Check sslrootcert, sslcert and sslkey in the address, or ask IT for the file",
            file.display()
        ),
        (ServerCertRefused { server, fault }, Lang::Sv) => format!(
            "servern {server} godkändes inte: {}. Ingen anslutning gjordes och inget skickades okrypterat; kontakta IT",
            cert_fault(fault, lang)
        ),
        (ServerCertRefused { server, fault }, Lang::En) => format!(
            "the server {server} was not accepted: {}. No connection was made and nothing was sent unencrypted; contact IT",
            cert_fault(fault, lang)
        ),
        (ServerWithoutTls { server }, Lang::Sv) => format!(
            "servern {server} erbjuder ingen TLS, men adressen kräver krypterad anslutning (sslmode); ingen anslutning gjordes och inget skickades okrypterat. Kontakta IT"
        ),
        (ServerWithoutTls { server }, Lang::En) => format!(
            "the server {server} offers no TLS, but the address requires an encrypted connection (sslmode); no connection was made and nothing was sent unencrypted. Contact IT"
        ),
        (ClientCertRefused { server, detail }, Lang::Sv) => format!(
            "servern {server} kräver ett klientcertifikat eller godtog inte det som angavs ({detail}); ingen anslutning gjordes. Ange sslcert och sslkey med ditt certifikat från IT"
        ),
        (ClientCertRefused { server, detail }, Lang::En) => format!(
            "the server {server} wants a client certificate or did not accept the one given ({detail}); no connection was made. Give sslcert and sslkey with your certificate from IT"
        ),
        (ServerHasTables { server }, Lang::Sv) => format!(
            "databasen på {server} har redan tabeller; inget har ändrats. kuvert init behöver en tom databas (CREATE DATABASE)"
        ),
        (ServerHasTables { server }, Lang::En) => format!(
            "the database on {server} already has tables; nothing was changed. kuvert init needs an empty database (CREATE DATABASE)"
        ),
        (CaseExists { number }, Lang::Sv) => format!("ärende {number} finns redan i databasen"),
        (CaseExists { number }, Lang::En) => {
            format!("case {number} already exists in the database")
        }
        (AlreadyAttached { document }, Lang::Sv) => {
            format!("handling {document} är redan bifogad")
        }
        (AlreadyAttached { document }, Lang::En) => {
            format!("document {document} is already attached")
        }
        (AccountTaken { account }, Lang::Sv) => {
            format!("kontot '{account}' är redan registrerat")
        }
        (AccountTaken { account }, Lang::En) => {
            format!("the account '{account}' is already registered")
        }
        (UnknownPolicyValue { team, value }, Lang::Sv) => format!(
            "databasen har en okänd kontrollregel för team {team}: {value}. Den här versionen av kuvert är äldre än databasen; be IT uppdatera"
        ),
        (UnknownPolicyValue { team, value }, Lang::En) => format!(
            "the database holds an unknown verify policy for team {team}: {value}. This kuvert is older than the database; ask IT to update it"
        ),
        (NotAHeadFile { path }, Lang::Sv) => format!(
            "{} är ingen huvudfil från kuvert: den är skadad eller utbytt",
            path.display()
        ),
        (NotAHeadFile { path }, Lang::En) => format!(
            "{} is not a kuvert head file: it was damaged or replaced",
            path.display()
        ),
        (NoHeadFile { path }, Lang::Sv) => format!("{}: huvudfilen finns inte", path.display()),
        (NoHeadFile { path }, Lang::En) => format!("{}: no such head file", path.display()),
        (LogFolder { path, cause }, Lang::Sv) => format!(
            "loggmappen {} går inte att skriva i: {cause} (ange log_dir, eller log_level = \"off\")",
            path.display()
        ),
        (LogFolder { path, cause }, Lang::En) => format!(
            "the log folder {} cannot be written: {cause} (set log_dir, or log_level = \"off\")",
            path.display()
        ),
        (NoOsAccount { cause }, Lang::Sv) => {
            format!("det går inte att avgöra vilket konto i datorn som kör kuvert: {cause}")
        }
        (NoOsAccount { cause }, Lang::En) => {
            format!("cannot tell which OS account runs kuvert: {cause}")
        }
        (BadConfig { path, detail }, Lang::Sv) => format!(
            "Inställningsfilen {} kan inte användas: {detail}. Rätta filen (se README, Inställningar) och försök igen",
            path.display()
        ),
        (BadConfig { path, detail }, Lang::En) => format!(
            "config {}: {detail}. Correct the file (see README, Configuration) and try again",
            path.display()
        ),
        (BadVariable { name, value }, Lang::Sv) => format!(
            "Miljövariabeln {name}={value} går inte att använda: se README för vad den får vara, eller ta bort den"
        ),
        (BadVariable { name, value }, Lang::En) => format!(
            "the environment variable {name}={value} cannot be used: see the README for what it may be, or unset it"
        ),
        (BadOut { out }, Lang::Sv) => {
            format!("--out {}: ange en fil i en mapp som finns", out.display())
        }
        (BadOut { out }, Lang::En) => format!(
            "--out {}: give a file in a folder that exists",
            out.display()
        ),
    }
}

/// Why a server's certificate was refused, naming the fault as IT would look for it.
fn cert_fault(f: &CertFault, lang: Lang) -> String {
    match (f, lang) {
        (CertFault::UnknownCa, _) => lang
            .pick(
                "certifikatet är inte utfärdat av någon certifikatutfärdare i sslrootcert (okänd CA)",
                "its certificate is not issued by any certificate authority in sslrootcert (unknown CA)",
            )
            .to_owned(),
        (CertFault::WrongHost { expected, presented }, Lang::Sv) if presented.is_empty() => {
            format!("certifikatet anger inget värdnamn, så det gäller inte {expected} (fel värdnamn)")
        }
        (CertFault::WrongHost { expected, presented }, Lang::En) if presented.is_empty() => {
            format!("its certificate names no host, so it is not for {expected} (wrong host name)")
        }
        (CertFault::WrongHost { expected, presented }, Lang::Sv) => {
            format!("certifikatet gäller {presented}, inte {expected} (fel värdnamn)")
        }
        (CertFault::WrongHost { expected, presented }, Lang::En) => {
            format!("its certificate is for {presented}, not {expected} (wrong host name)")
        }
        (CertFault::Other(d), Lang::Sv) => format!("certifikatet godtas inte ({d})"),
        (CertFault::Other(d), Lang::En) => format!("its certificate is not accepted ({d})"),
    }
}

/// The error as IT reads it in the diagnostic log: the words of the layer that failed,
/// after a short prefix naming that layer.
fn technical(e: &Error) -> String {
    match e {
        Error::Refused(r) => refusal(r, Lang::En),
        Error::NotFound(m) | Error::Invalid(m) | Error::Environment(m) => m.clone(),
        Error::Problem(p) => problem(p, Lang::En),
        Error::NoOpenMailing => no_open_mailing(Lang::En).to_owned(),
        Error::Database(d) => format!("database: {d}"),
        Error::Migration(d) => format!("database schema: {d}"),
        Error::Io { context, source } => format!("{context}: {source}"),
        Error::Printer(m) => format!("printer: {m}"),
        Error::Pdf(m) => format!("print job: {m}"),
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&technical(self))
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&refusal(self, Lang::En))
    }
}

/// The sentence for a rule's refusal, naming the rule first.
pub fn refusal(r: &Refusal, lang: Lang) -> String {
    use Refusal::*;
    match (r, lang) {
        (OneOpenMailing { case, state }, Lang::Sv) => format!(
            "En försändelse i taget: du har redan en öppen försändelse i ärende {case} ({}). Förslut eller makulera den först.",
            state_text(*state, lang)
        ),
        (OneOpenMailing { case, state }, Lang::En) => format!(
            "One mailing at a time: you already have an open mailing for case {case} ({}). Seal or void it first.",
            state_text(*state, lang)
        ),
        (CaseLocked { case, holder, since }, Lang::Sv) => format!(
            "Ärendet är låst: {holder} skickar från {case} sedan {since}. Vänta, eller be en teamledare bryta låset."
        ),
        (CaseLocked { case, holder, since }, Lang::En) => format!(
            "Case locked: {holder} is mailing from {case} since {since}. Wait, or ask a team lead to break the lock."
        ),
        (OtherTeam { case, team, yours }, Lang::Sv) => format!(
            "Annat team: ärende {case} tillhör team {team}, du arbetar i team {yours}."
        ),
        (OtherTeam { case, team, yours }, Lang::En) => format!(
            "Other team: case {case} belongs to team {team}, you work in team {yours}."
        ),
        (DocumentOfOtherCase { document, case }, Lang::Sv) => format!(
            "Handling i annat ärende: handling {document} hör inte till ärende {case}. Bara det låsta ärendets handlingar kan bifogas."
        ),
        (DocumentOfOtherCase { document, case }, Lang::En) => format!(
            "Document of another case: document {document} is not part of case {case}. Only the locked case's documents can be attached."
        ),
        (OtherSubject { document, title, subject_role }, Lang::Sv) => format!(
            "Handling om en annan person: handling {document} ({title}) gäller {}, inte mottagaren. Bifoga med --confirm-other-subject om den verkligen ska skickas.",
            role_text_str(subject_role, lang)
        ),
        (OtherSubject { document, title, subject_role }, Lang::En) => format!(
            "Document about another person: document {document} ({title}) concerns the {}, not the recipient. Attach it with --confirm-other-subject if it really must be sent.",
            role_text_str(subject_role, lang)
        ),
        (DocumentPurged { document }, Lang::Sv) => format!(
            "Handlingen är gallrad: handling {document} har tagits bort enligt gallringsreglerna."
        ),
        (DocumentPurged { document }, Lang::En) => format!(
            "Document purged: document {document} was removed under the retention rules."
        ),
        (NothingAttached, _) => lang
            .pick(
                "Inget att skriva ut: bifoga minst en handling först.",
                "Nothing to print: attach at least one document first.",
            )
            .to_owned(),
        (NotVerified { seen, required }, Lang::Sv) => format!(
            "Inte kontrollerad: {seen} av {required} ark skannade. Skanna varje ark innan du försluter."
        ),
        (NotVerified { seen, required }, Lang::En) => format!(
            "Not verified: {seen} of {required} sheets scanned. Scan every sheet before sealing."
        ),
        (NotPrinted, _) => lang
            .pick(
                "Inte utskriven: skriv ut försändelsen innan du skannar dess ark.",
                "Not printed yet: print the mailing before scanning its sheets.",
            )
            .to_owned(),
        (AlreadyPrinted, _) => lang
            .pick(
                "Redan utskriven: innehållet i en utskriven försändelse kan inte ändras. Makulera den och börja om.",
                "Already printed: the contents of a printed mailing cannot change. Void it and start again.",
            )
            .to_owned(),
        (ReprintNeedsReason, _) => lang
            .pick(
                "Omutskrift kräver skäl: den tidigare utskriften blir ogiltig. Ange --reason (t.ex. \"pappersstopp\").",
                "A reprint needs a reason: the earlier print becomes stale. Give --reason (for example \"paper jam\").",
            )
            .to_owned(),
        (TooManyPrints { max }, Lang::Sv) => format!(
            "För många utskrifter: försändelsen har använt alla {max} utskrifter. Makulera den och börja om."
        ),
        (TooManyPrints { max }, Lang::En) => format!(
            "Too many prints: this mailing has used all {max} print generations. Void it and start again."
        ),
        (LeadOnly { what }, Lang::Sv) => {
            format!("Endast teamledare: {what} kräver rollen teamledare (lead).")
        }
        (LeadOnly { what }, Lang::En) => format!("Team leads only: {what} needs the role lead."),
        (NotLocked { case }, Lang::Sv) => {
            format!("Inte låst: ärende {case} har inget lås att bryta.")
        }
        (NotLocked { case }, Lang::En) => format!("Not locked: case {case} has no lock to break."),
        (UnknownUser { account }, Lang::Sv) => format!(
            "Okänd användare: kontot '{account}' är inte registrerat i kuvert. En teamledare registrerar det med: kuvert user add {account} --name \"Namn\" --role caseworker --team TEAM"
        ),
        (UnknownUser { account }, Lang::En) => format!(
            "Unknown user: the account '{account}' is not registered in kuvert. A team lead registers it with: kuvert user add {account} --name \"Name\" --role caseworker --team TEAM"
        ),
        (FourEyes { case }, Lang::Sv) => format!(
            "Dubbelkontroll: du skrev ut försändelsen i ärende {case}, så en kollega ska skanna och försluta den. Lämna kuvertet till förslutningsstationen (kuvert station)."
        ),
        (FourEyes { case }, Lang::En) => format!(
            "Dual control: you printed the mailing of case {case}, so a colleague must scan and seal it. Take the envelope to the sealing station (kuvert station)."
        ),
        (NotAwaitingSeal { case, state }, Lang::Sv) => format!(
            "Väntar inte på förslutning: försändelsen i ärende {case} är {}. Bara utskrivna försändelser kan kontrolleras och förslutas.",
            state_text(*state, lang)
        ),
        (NotAwaitingSeal { case, state }, Lang::En) => format!(
            "Not waiting to be sealed: the mailing of case {case} is {}. Only printed mailings can be verified and sealed.",
            state_text(*state, lang)
        ),
        (StaleCover { case, generation, current }, Lang::Sv) => format!(
            "Gammalt försättsblad: bladet är från utskrift {generation} av ärende {case}, men utskrift {current} gäller. Lägg undan de gamla arken och använd den senaste utskriften."
        ),
        (StaleCover { case, generation, current }, Lang::En) => format!(
            "Old cover sheet: this sheet is from print {generation} of case {case}, but print {current} is the valid one. Set the old sheets aside and use the newest print."
        ),
        (ChainBroken { seq }, Lang::Sv) => format!(
            "Händelseloggen är bruten vid händelse {seq}, så den kopieras inte; inget har kopierats. Kör kuvert audit verify och kontakta IT."
        ),
        (ChainBroken { seq }, Lang::En) => format!(
            "The event log is broken at event {seq}, so it is not copied; nothing was copied. Run kuvert audit verify and contact IT."
        ),
        (ImpersonationOnServer { login }, Lang::Sv) => format!(
            "KUVERT_USER godtas inte mot en server: där är du den inloggning servern har godkänt ({login}). Ta bort KUVERT_USER ur miljön och försök igen."
        ),
        (ImpersonationOnServer { login }, Lang::En) => format!(
            "KUVERT_USER is not accepted on a server: there you are the login the server authenticated ({login}). Remove KUVERT_USER from the environment and try again."
        ),
        (ImpersonationRefused, _) => lang
            .pick(
                "KUVERT_USER godtas bara i en demodatabas. Den här databasen är skarp, så du agerar som ditt eget inloggningskonto.",
                "KUVERT_USER is only accepted on a demo database. This database is for real use, so you act as your own login account.",
            )
            .to_owned(),
    }
}

/// Said when a mailing command finds no open mailing.
pub fn no_open_mailing(lang: Lang) -> &'static str {
    lang.pick(
        "Du har ingen öppen försändelse. Starta en med `kuvert mail start ÄRENDE --to PART_ID`.",
        "You have no open mailing. Start one with `kuvert mail start CASE --to PARTY_ID`.",
    )
}

/// Said when another desk held the database's write lock past the timeout.
pub fn database_busy(lang: Lang) -> &'static str {
    lang.pick(
        "Databasen är upptagen (en annan arbetsplats skriver just nu). Inget ändrades; försök igen om en stund.",
        "The database is busy (another desk is writing right now). Nothing was changed; try again in a moment.",
    )
}

/// What a storage fault means and what to do; in every case nothing was changed.
pub fn storage_fault(fault: StorageFault, lang: Lang) -> &'static str {
    match fault {
        StorageFault::DiskFull => lang.pick(
            "Disken är full: databasen kunde inte skrivas. Inget ändrades. Be IT frigöra utrymme och försök igen.",
            "The disk is full: the database could not be written. Nothing was changed. Ask IT to free space and try again.",
        ),
        StorageFault::ReadOnly => lang.pick(
            "Databasen är skrivskyddad (filen eller disken får inte skrivas). Inget ändrades. Be IT kontrollera behörigheterna.",
            "The database is read-only (the file or the disk cannot be written). Nothing was changed. Ask IT to check the permissions.",
        ),
        StorageFault::CannotOpen => lang.pick(
            "Databasen kan inte öppnas (mappen saknas, disken är skrivskyddad eller full, eller filerna bredvid den får inte skapas). Inget ändrades. Be IT kontrollera sökvägen, disken och behörigheterna.",
            "The database cannot be opened (its folder is missing, the disk is read-only or full, or the files beside it cannot be created). Nothing was changed. Ask IT to check the path, the disk and the permissions.",
        ),
        StorageFault::Io => lang.pick(
            "Disken svarade med ett fel när databasen skulle skrivas eller läsas (oftast: disken är full). Inget ändrades. Be IT kontrollera disken och frigöra utrymme.",
            "The disk answered with an error while the database was written or read (most often: the disk is full). Nothing was changed. Ask IT to check the disk and free space.",
        ),
    }
}

#[cfg(test)]
#[path = "errors_tests.rs"]
mod tests;
