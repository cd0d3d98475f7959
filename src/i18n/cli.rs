//! The command line's help and usage errors in Swedish. The English texts are the doc
//! comments of `src/cli.rs` (clap's own language); clap has no Swedish, so the binary puts
//! these in place when the user's language is Swedish.

use super::Lang;

/// What a command does, by its path (`""` is `kuvert` itself, `"mail start"` a subcommand).
pub fn command_about_sv(path: &str) -> Option<&'static str> {
    Some(match path {
        "" => "kuvert – rätt papper i rätt kuvert.",
        "tui" => "Terminalgränssnittet (också det som `kuvert` ensamt öppnar).",
        "station" => {
            "En förslutningsstation: skanna försättsbladet på ett utskrivet kuvert från ditt team, sedan dess ark, och förslut (skanningsvy i helskärm för ett förslutningsbord)."
        }
        "demo" => {
            "Skapa (eller återanvänd) demodatabasen med påhittade ärenden och användare, och skriv ut dess sökväg."
        }
        "init" => {
            "Skapa en tom produktionsdatabas (på en server: schemat och grupprollerna, som databasens ägare)."
        }
        "import" => {
            "Importera ärenden, parter och handlingar från ett JSON-manifest (allt eller inget)."
        }
        "user" => "Hantera användare.",
        "user add" => {
            "Registrera en användare (teamledare, eller den första användaren i en tom databas). På en server får inloggningen sin grupproll."
        }
        "case" => "Slå upp ärenden i ditt team.",
        "case list" => "Ditt teams ärenden och vem som har dem låsta.",
        "case show" => "Ett ärende: parter och handlingar med deras id.",
        "mail" => "Den försändelse du arbetar med: starta, bifoga, skriv ut, skanna, förslut.",
        "mail start" => "Lås ett ärende och öppna en försändelse till en av dess parter.",
        "mail attach" => "Bifoga handlingar ur det låsta ärendet.",
        "mail detach" => "Ta bort bifogade handlingar.",
        "mail print" => {
            "Gör utskriften (försättsblad + stämplade handlingar) och skicka den till skrivaren."
        }
        "mail scan" => "Kontrollera ett skannat ark mot din öppna försändelse.",
        "mail seal" => "Förslut den kontrollerade försändelsen: den stängs och ärendet låses upp.",
        "mail void" => "Makulera den öppna försändelsen (skäl krävs); ärendet låses upp.",
        "mail status" => "Din öppna försändelse, om du har någon.",
        "lock" => "Teamledare: lås på ärenden.",
        "lock break" => {
            "Bryt låset på ett ärende (teamledare; skäl krävs); dess försändelse makuleras."
        }
        "log" => "Teamledare: ditt teams utskickslogg per session.",
        "purge" => {
            "Gallring (teamledare): ta bort handlingar, mottagares personuppgifter och utskriftsfiler för teamets förslutna och makulerade försändelser som avslutades före DATUM."
        }
        "policy" => "Teamets regler: dubbelkontroll och vilka ark som skannas.",
        "policy show" => "Visa ditt teams regler (alla får se dem).",
        "policy set" => {
            "Ändra en regel för ditt team (teamledare); ändringen förs in i händelseloggen."
        }
        "audit" => "Den manipuleringssäkra händelseloggen.",
        "audit verify" => {
            "Kontrollera händelseloggens hashkedja från första till sista händelsen, och mot det sparade huvudet: huvudfilen bredvid en databasfil, huvudraden på en server (eller en kopia som förvaras någon annanstans, med --head)."
        }
        "audit head" => {
            "Skriv ut den senaste händelsens nummer och hash som en huvudfil (kuvert audit head > kopia), för att spara en kopia utanför maskinen och kontrollera mot den senare med audit verify --head."
        }
        "migrate" => {
            "IT: kopiera SQLite-databasen i --db till en tom PostgreSQL-databas, varje rad och kedjan oförändrade, och ge användarnas inloggningar deras grupproller; allt eller inget."
        }
        _ => return None,
    })
}

/// An argument's help and, where it has one, its value's name, by command path and id.
pub fn arg_help_sv(path: &str, id: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match (path, id) {
        ("", "db") => (
            "Databasfil (standard: plattformens datamapp), eller en PostgreSQL-adress (postgresql://…).",
            Some("SÖKVÄG"),
        ),
        ("", "config") => (
            "Konfigurationsfil, kuvert.toml (standard: plattformens konfigurationsmapp).",
            Some("SÖKVÄG"),
        ),
        ("", "lang") => ("Språk för meddelanden: sv (standard) eller en.", None),
        ("", "json") => (
            "Skriv ett JSON-objekt på stdout; meddelanden går till stderr.",
            None,
        ),
        ("demo", "reset") => ("Kasta demodatabasen och gör den på nytt.", None),
        ("demo", "no_tui") => ("Öppna inte terminalgränssnittet efteråt.", None),
        ("demo", "scale") => (
            "I stället för demon: en databas i myndighetsskala för prestandamätning; `large` är 100 000 ärenden, 500 000 handlingar, 200 000 försändelser, över 2 000 000 händelser (ange --db).",
            None,
        ),
        ("import", "file") => (
            "Manifestet; handlingarnas filer läses i förhållande till det.",
            Some("FIL"),
        ),
        ("user add", "account") => (
            "Inloggningsnamnet: i operativsystemet, eller på servern för en PostgreSQL-databas.",
            Some("KONTO"),
        ),
        ("user add", "name") => ("Användarens namn.", Some("NAMN")),
        ("user add", "role") => (
            "Roll: caseworker (handläggare) eller lead (teamledare).",
            Some("ROLL"),
        ),
        ("user add", "team") => ("Teamet användaren hör till.", Some("TEAM")),
        ("case show", "case") => (
            "Ärendenummer, t.ex. \"FK 2026-100001\" (eller bara 2026-100001).",
            Some("ÄRENDE"),
        ),
        ("mail start", "case") => ("Ärendenummer (se `kuvert case list`).", Some("ÄRENDE")),
        ("mail start", "to") => (
            "Mottagarens part-id (se `kuvert case show`).",
            Some("PART_ID"),
        ),
        ("mail attach", "documents") => (
            "Handlingarnas id (se `kuvert case show`).",
            Some("HANDLINGS_ID"),
        ),
        ("mail attach", "confirm_other_subject") => (
            "Skicka handlingar som gäller någon annan än mottagaren (loggas).",
            None,
        ),
        ("mail detach", "documents") => ("Handlingarnas id.", Some("HANDLINGS_ID")),
        ("mail print", "reason") => (
            "Varför en omutskrift behövs (krävs för varje utskrift efter den första).",
            Some("SKÄL"),
        ),
        ("mail scan", "code") => (
            "Arkkoden som skannern läste den eller som den skrevs.",
            Some("KOD"),
        ),
        ("mail scan", "keyed") => ("Koden skrevs för hand, den skannades inte.", None),
        ("mail scan", "scanner") => ("Koden kom från en streckkodsläsare.", None),
        ("mail void", "reason") => ("Varför försändelsen makuleras.", Some("SKÄL")),
        ("lock break", "case") => ("Ärendenummer.", Some("ÄRENDE")),
        ("lock break", "reason") => ("Varför låset bryts.", Some("SKÄL")),
        ("log", "session") => ("Bara denna session.", Some("ID")),
        ("log", "user") => ("Bara denna handläggares sessioner.", Some("KONTO")),
        ("log", "since") => (
            "Sessioner som började denna dag eller senare (ÅÅÅÅ-MM-DD).",
            Some("DATUM"),
        ),
        ("log", "until") => (
            "Sessioner som började denna dag eller tidigare (ÅÅÅÅ-MM-DD).",
            Some("DATUM"),
        ),
        ("log", "format") => (
            "Utdataformat; `pdf` är en utskrivbar rapport (kräver --out).",
            Some("FORMAT"),
        ),
        ("log", "out") => ("Vart PDF-rapporten skrivs (med --format pdf).", Some("FIL")),
        ("purge", "before") => (
            "Försändelser avslutade före denna dag (ÅÅÅÅ-MM-DD, svensk tid) gallras.",
            Some("DATUM"),
        ),
        ("purge", "dry_run") => (
            "Visa vad som skulle tas bort, och ta inte bort något.",
            None,
        ),
        ("policy set", "key") => ("Regeln: dual_control eller verify.", Some("REGEL")),
        ("policy set", "value") => (
            "Nytt värde: true/false för dual_control, every-sheet eller cover-and-document-ends för verify.",
            Some("VÄRDE"),
        ),
        ("migrate", "to") => (
            "Den tomma PostgreSQL-databasen, som du ansluter till som dess ägare (postgresql://…).",
            Some("ADRESS"),
        ),
        ("audit verify", "head") => (
            "En huvudfil som förvaras någon annanstans (t.ex. skickad från maskinen) att kontrollera mot.",
            Some("FIL"),
        ),
        _ => return None,
    })
}

/// Words of clap's help and usage that have no setting of their own, and the sentences of
/// the help and version flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Usage,
    Commands,
    Arguments,
    Options,
    Help,
    Version,
    MoreInfo,
    Error,
    Tip,
}

/// The catalogue entry of a usage word, in both languages.
pub fn usage(u: Usage, lang: Lang) -> &'static str {
    match u {
        Usage::Usage => lang.pick("Användning:", "Usage:"),
        Usage::Commands => lang.pick("Kommandon", "Commands"),
        Usage::Arguments => lang.pick("Argument", "Arguments"),
        Usage::Options => lang.pick("Flaggor", "Options"),
        Usage::Help => lang.pick("Visa hjälpen", "Print help"),
        Usage::Version => lang.pick("Visa versionen", "Print version"),
        Usage::MoreInfo => lang.pick(
            "Skriv '{} --help' för mer information.",
            "For more information, try '{} --help'.",
        ),
        Usage::Error => lang.pick("fel", "error"),
        Usage::Tip => lang.pick("tips", "tip"),
    }
}

/// What is wrong with a command line, from what clap found (Swedish; English is clap's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    UnknownArgument(String),
    UnknownCommand(String),
    MissingArguments(Vec<String>),
    MissingCommand,
    InvalidValue {
        value: String,
        arg: String,
        valid: Vec<String>,
    },
    NotANumber {
        value: String,
        arg: String,
    },
    BadValue {
        value: String,
        arg: String,
        reason: String,
    },
    Conflict {
        arg: String,
        prior: String,
    },
    TooManyValues {
        value: String,
        arg: String,
    },
    Other,
}

/// A usage error in words (Swedish: clap's English is used as it is).
pub fn usage_error_sv(e: &UsageError) -> String {
    match e {
        UsageError::UnknownArgument(a) => format!("okänt argument '{a}'"),
        UsageError::UnknownCommand(c) => format!("okänt kommando '{c}'"),
        UsageError::MissingArguments(list) => {
            if list.len() == 1 {
                format!("ett argument som krävs saknas: {}", list[0])
            } else {
                format!("argument som krävs saknas: {}", list.join(", "))
            }
        }
        UsageError::MissingCommand => "ett kommando saknas".to_owned(),
        UsageError::InvalidValue { value, arg, valid } => {
            let mut t = format!("ogiltigt värde '{value}' för '{arg}'");
            if !valid.is_empty() {
                t.push_str(&format!(": möjliga värden är {}", valid.join(", ")));
            }
            t
        }
        UsageError::NotANumber { value, arg } => {
            format!("ogiltigt värde '{value}' för '{arg}': ange ett heltal")
        }
        UsageError::BadValue { value, arg, reason } => {
            format!("ogiltigt värde '{value}' för '{arg}': {reason}")
        }
        UsageError::Conflict { arg, prior } => {
            format!("'{arg}' kan inte användas tillsammans med '{prior}'")
        }
        UsageError::TooManyValues { value, arg } => {
            format!("oväntat värde '{value}' för '{arg}': inga fler värden tas emot")
        }
        UsageError::Other => "felaktig kommandorad".to_owned(),
    }
}

/// A suggestion after a usage error ("did you mean …").
pub fn did_you_mean(suggestion: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("menade du '{suggestion}'?"),
        Lang::En => format!("did you mean '{suggestion}'?"),
    }
}

/// Why `--lang` was not understood.
pub fn not_a_language(input: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("'{input}' är inget språk: ange sv eller en"),
        Lang::En => format!("'{input}' is not a language: use sv or en"),
    }
}

/// Why a date argument was not understood, naming the form it must have.
pub fn not_a_date(input: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => {
            format!("'{input}' är inget datum: skriv det som ÅÅÅÅ-MM-DD, till exempel 2026-05-06")
        }
        Lang::En => {
            format!("'{input}' is not a date: write it as YYYY-MM-DD, for example 2026-05-06")
        }
    }
}

/// Why `kuvert import` cannot take a document, naming the file as the manifest does and
/// saying what to do about it.
pub fn document_unreadable(file: &str, why: &crate::pdf::Unreadable, lang: Lang) -> String {
    use crate::pdf::Unreadable;
    let text = match (why, lang) {
        (Unreadable::NotPdf, Lang::Sv) => {
            "filen är ingen PDF. Spara den som PDF och importera igen."
        }
        (Unreadable::NotPdf, Lang::En) => {
            "the file is not a PDF. Save it as a PDF and import again."
        }
        (Unreadable::Damaged(_), Lang::Sv) => {
            "filen är skadad och kan inte läsas. Spara om den som PDF och importera igen."
        }
        (Unreadable::Damaged(_), Lang::En) => {
            "the file is damaged and cannot be read. Save it again as a PDF and import again."
        }
        (Unreadable::NeedsPassword, Lang::Sv) => {
            "filen är lösenordsskyddad. Spara en kopia utan lösenord och importera igen."
        }
        (Unreadable::NeedsPassword, Lang::En) => {
            "the file is password-protected. Save a copy without a password and import again."
        }
        (Unreadable::NoPages, Lang::Sv) => "filen har inga sidor. Kontrollera att det är rätt fil.",
        (Unreadable::NoPages, Lang::En) => {
            "the file has no pages. Check that it is the right file."
        }
    };
    format!("{file}: {text}")
}

/// A document larger than `import_max_document_mb`.
pub fn document_too_large(file: &str, max_mb: u64, lang: Lang) -> String {
    match lang {
        Lang::Sv => {
            format!("{file}: filen är större än gränsen på {max_mb} MB (import_max_document_mb).")
        }
        Lang::En => format!(
            "{file}: the file is larger than the limit of {max_mb} MB (import_max_document_mb)."
        ),
    }
}

/// A document that could not be read from disk (missing, no permission).
pub fn document_not_read(file: &str, error: &std::io::Error, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("{file}: filen kan inte läsas ({error})."),
        Lang::En => format!("{file}: the file cannot be read ({error})."),
    }
}

/// The first line of a refused import.
pub fn manifest_has_errors(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("manifestet har {count} fel; inget importerades:"),
        Lang::En => format!("the manifest has {count} error(s); nothing was imported:"),
    }
}

/// The last line of a refused import when not every error is shown.
pub fn and_more_errors(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("… och {count} till"),
        Lang::En => format!("… and {count} more"),
    }
}

/// After an import, when some documents had to be repaired before they were stored.
pub fn documents_repaired(count: usize, lang: Lang) -> String {
    match (count, lang) {
        (1, Lang::Sv) => "1 handling var skadad och har reparerats.".to_owned(),
        (n, Lang::Sv) => format!("{n} handlingar var skadade och har reparerats."),
        (1, Lang::En) => "1 document was damaged and has been repaired.".to_owned(),
        (n, Lang::En) => format!("{n} documents were damaged and have been repaired."),
    }
}

/// Why import refuses a document with layers that must not print when its content cannot
/// be read to take them out.
pub fn hidden_layers_unreadable(document: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!(
            "{document}: filen har dolda lager som inte får skrivas ut, men sidornas innehåll \
             kan inte läsas för att ta bort dem. Skriv ut den till PDF (\"Skriv ut\" → \"Spara som PDF\") \
             och importera den filen."
        ),
        Lang::En => format!(
            "{document}: the file has hidden layers that must not be printed, but its pages' \
             content cannot be read to remove them. Print it to PDF (\"Print\" → \"Save as PDF\") \
             and import that file."
        ),
    }
}

/// Why import refuses a filled form whose value kuvert cannot print as a viewer shows it,
/// naming the document and the field and saying what to do.
pub fn unprintable_field(
    field: &crate::pdf::UnprintableField,
    document: &str,
    lang: Lang,
) -> String {
    use crate::pdf::Unprintable;
    let name = &field.name;
    match (lang, &field.reason) {
        (Lang::Sv, Unprintable::Characters(chars)) => format!(
            "{document}: fältet '{name}' innehåller tecken som inte kan skrivas ut ({chars}). \
             Öppna formuläret, skriv ut det till PDF (\"Skriv ut\" → \"Spara som PDF\") och importera den filen."
        ),
        (Lang::En, Unprintable::Characters(chars)) => format!(
            "{document}: the field '{name}' contains characters that cannot be printed ({chars}). \
             Open the form, print it to PDF (\"Print\" → \"Save as PDF\") and import that file."
        ),
        (Lang::Sv, Unprintable::RichTextOnly) => format!(
            "{document}: fältet '{name}' har bara formaterad text, som inte kan skrivas ut. \
             Fyll i formuläret på nytt och skriv ut det till PDF, och importera den filen."
        ),
        (Lang::En, Unprintable::RichTextOnly) => format!(
            "{document}: the field '{name}' holds only formatted (rich) text, which cannot be printed. \
             Fill in the form again, print it to PDF and import that file."
        ),
        (Lang::Sv, Unprintable::XfaOnly) => format!(
            "{document}: formuläret är ett XFA-formulär vars värden inte kan skrivas ut. \
             Öppna det i Adobe Acrobat Reader, skriv ut det till PDF och importera den filen."
        ),
        (Lang::En, Unprintable::XfaOnly) => format!(
            "{document}: the form is an XFA form whose values cannot be printed. \
             Open it in Adobe Acrobat Reader, print it to PDF and import that file."
        ),
        (Lang::Sv, Unprintable::TooLong(max)) => format!(
            "{document}: fältet '{name}' innehåller fler tecken än de {max} som fältet rymmer, \
             och PDF-läsare visar det olika. Öppna formuläret i en PDF-läsare, korta värdet, \
             skriv ut det till PDF (\"Skriv ut\" → \"Spara som PDF\") och importera den filen."
        ),
        (Lang::En, Unprintable::TooLong(max)) => format!(
            "{document}: the field '{name}' holds more than the {max} characters it allows, \
             which PDF readers show differently. Open the form in a PDF reader, shorten the value, \
             print it to PDF (\"Print\" → \"Save as PDF\") and import that file."
        ),
        (Lang::Sv, Unprintable::Overflow) => format!(
            "{document}: värdet i fältet '{name}' får inte plats i fältet, och en del av det \
             skulle klippas bort på papperet. Öppna formuläret i en PDF-läsare, korta värdet \
             så att allt syns, skriv ut det till PDF (\"Skriv ut\" → \"Spara som PDF\") \
             och importera den filen."
        ),
        (Lang::En, Unprintable::Overflow) => format!(
            "{document}: the value of the field '{name}' does not fit in the field, and part of \
             it would be cut off on paper. Open the form in a PDF reader, shorten the value so \
             that all of it shows, print it to PDF (\"Print\" → \"Save as PDF\") and import that file."
        ),
        (Lang::Sv, Unprintable::Undecodable) => format!(
            "{document}: värdet i fältet '{name}' går inte att läsa och skulle skrivas ut tomt. \
             Öppna formuläret i en PDF-läsare, kontrollera fältet, skriv ut det till PDF \
             (\"Skriv ut\" → \"Spara som PDF\") och importera den filen."
        ),
        (Lang::En, Unprintable::Undecodable) => format!(
            "{document}: the value of the field '{name}' cannot be read and would print blank. \
             Open the form in a PDF reader, check the field, print it to PDF \
             (\"Print\" → \"Save as PDF\") and import that file."
        ),
        (Lang::Sv, Unprintable::Ambiguous) => format!(
            "{document}: det går inte att säkert avgöra om '{name}' är ikryssat eller valt; \
             olika PDF-läsare visar det olika. Öppna formuläret i en PDF-läsare, kontrollera \
             att rätt ruta är ikryssad, skriv ut det till PDF (\"Skriv ut\" → \"Spara som PDF\") \
             och importera den filen."
        ),
        (Lang::En, Unprintable::Ambiguous) => format!(
            "{document}: whether the check box or option '{name}' is ticked cannot be told for sure; \
             PDF readers show it differently. Open the form in a PDF reader, check that the right \
             box is ticked, print it to PDF (\"Print\" → \"Save as PDF\") and import that file."
        ),
    }
}

/// A policy name that is not one of the team's policies.
pub fn not_a_policy(key: &str, lang: Lang) -> String {
    let known = crate::policy::PolicyKey::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Lang::Sv => format!("'{key}' är ingen regel; teamets regler är {known}."),
        Lang::En => format!("'{key}' is not a policy; the team's policies are {known}."),
    }
}

/// A value the policy does not take, with the values it does.
pub fn not_a_policy_value(key: crate::policy::PolicyKey, value: &str, lang: Lang) -> String {
    let values = key.values();
    match lang {
        Lang::Sv => format!("{key} kan inte vara '{value}'; ange något av: {values}."),
        Lang::En => format!("{key} cannot be '{value}'; give one of: {values}."),
    }
}

/// Said when a desk's kuvert.toml still names a policy that has moved to the database:
/// the value there is not used, and what to run instead.
pub fn policy_key_moved(key: crate::policy::PolicyKey, value: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!(
            "{key} i kuvert.toml används inte längre: teamets regler finns i databasen och gäller \
             vid alla skrivbord (se `kuvert policy show`). Ta bort raden. En teamledare som vill \
             behålla värdet kör: kuvert policy set {key} {value}"
        ),
        Lang::En => format!(
            "{key} in kuvert.toml is no longer used: the team's policies are in the database and \
             hold at every desk (see `kuvert policy show`). Remove the line. A team lead who wants \
             to keep the value runs: kuvert policy set {key} {value}"
        ),
    }
}
