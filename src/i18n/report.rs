//! The team lead's words: the report's headings and a mailing's timeline, event by event.

use super::{Lang, role_text_str};
use crate::audit::Event;
use crate::model::{ScanSource, Verdict};

/// Words of the team lead's printable report (and the lead tab, which shows the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rep {
    Title,
    Team,
    Period,
    AllTime,
    Generated,
    Summary,
    Sessions,
    Mailings,
    Sealed,
    Voided,
    Open,
    Deviations,
    DeviationRate,
    Scans,
    Keyed,
    KeyedRate,
    Reprints,
    Overrides,
    MostDeviations,
    Incidents,
    IncidentsNone,
    MayHaveHappened,
    Prevented,
    AssessBy,
    SheetOf,
    DeviationList,
    NoDeviations,
    OpenLocks,
    NoLocks,
    Minutes,
    Page,
    Session,
    NoMailings,
    SheetsWord,
}

/// The catalogue entry of a report word.
pub fn rep(r: Rep, lang: Lang) -> &'static str {
    match r {
        Rep::Title => lang.pick(
            "kuvert – utskickslogg för teamledare",
            "kuvert – mailing log for team leads",
        ),
        Rep::Team => lang.pick("Team", "Team"),
        Rep::Period => lang.pick("Period", "Period"),
        Rep::AllTime => lang.pick("all tid", "all time"),
        Rep::Generated => lang.pick("Skapad", "Generated"),
        Rep::Summary => lang.pick("Sammanfattning", "Summary"),
        Rep::Sessions => lang.pick("Sessioner", "Sessions"),
        Rep::Mailings => lang.pick("Försändelser", "Mailings"),
        Rep::Sealed => lang.pick("förslutna", "sealed"),
        Rep::Voided => lang.pick("makulerade", "voided"),
        Rep::Open => lang.pick("öppna", "open"),
        Rep::Deviations => lang.pick("Avvikelser", "Deviations"),
        Rep::DeviationRate => lang.pick(
            "Andel försändelser med avvikelse",
            "Mailings with a deviation",
        ),
        Rep::Scans => lang.pick("Skanningar", "Scans"),
        Rep::Keyed => lang.pick("inskrivna för hand", "keyed by hand"),
        Rep::KeyedRate => lang.pick("Andel inskrivna för hand", "Keyed by hand"),
        Rep::Reprints => lang.pick("Omutskrifter", "Reprints"),
        Rep::Overrides => lang.pick("Åsidosättanden", "Overrides"),
        Rep::MostDeviations => lang.pick("Flest avvikelser", "Most deviations"),
        Rep::Incidents => lang.pick(
            "MÖJLIGA PERSONUPPGIFTSINCIDENTER – bedöm inom 72 timmar",
            "POSSIBLE PERSONAL-DATA INCIDENTS – assess within 72 hours",
        ),
        Rep::IncidentsNone => lang.pick(
            "Inga: varje felaktigt ark stoppades innan dess eget kuvert förslöts.",
            "None: every stray sheet was stopped before its own envelope was sealed.",
        ),
        Rep::MayHaveHappened => lang.pick("kan ha skett", "may have happened"),
        Rep::Prevented => lang.pick("förhindrad", "prevented"),
        Rep::AssessBy => lang.pick("bedöm senast", "assess by"),
        Rep::SheetOf => lang.pick("ark från", "sheet of"),
        Rep::DeviationList => lang.pick("Avvikelser", "Deviations"),
        Rep::NoDeviations => lang.pick("Inga avvikelser.", "No deviations."),
        Rep::OpenLocks => lang.pick("Öppna lås", "Open locks"),
        Rep::NoLocks => lang.pick("Inga öppna lås.", "No open locks."),
        Rep::Minutes => lang.pick("min", "min"),
        Rep::Page => lang.pick("Sida {} av {}", "Page {} of {}"),
        Rep::Session => lang.pick("Session", "Session"),
        Rep::NoMailings => lang.pick("(inga försändelser)", "(no mailings)"),
        Rep::SheetsWord => lang.pick("ark", "sheets"),
    }
}

/// A deviation kind (`foreign`, `stale`, `unknown`) in a few words, for reports.
pub fn deviation_name(kind: &str, lang: Lang) -> String {
    match Verdict::parse(kind) {
        Some(Verdict::Foreign) => {
            lang.pick("ark från annan försändelse", "sheet of another mailing")
        }
        Some(Verdict::Stale) => lang.pick("ark från gammal utskrift", "sheet of an old print"),
        Some(Verdict::Unknown) => lang.pick("okänd kod", "unknown code"),
        _ => kind,
    }
    .to_owned()
}

/// A verdict as one word of the reader's language (the lead's timeline).
fn verdict_word(verdict: Verdict, lang: Lang) -> &'static str {
    match verdict {
        Verdict::Ok => "ok",
        Verdict::Duplicate => lang.pick("redan skannad", "duplicate"),
        Verdict::Foreign => lang.pick("annan försändelses ark", "foreign"),
        Verdict::Stale => lang.pick("gammal utskrift", "stale"),
        Verdict::Unknown => lang.pick("okänd kod", "unknown"),
        Verdict::Mistyped => lang.pick("felläst", "mistyped"),
    }
}

/// One event of a mailing's timeline in a few words (the lead's session detail). An event
/// this version cannot read (`None`) shows its stored kind.
pub fn event_text(event: Option<&Event>, kind: &str, lang: Lang) -> String {
    let Some(event) = event else {
        return kind.to_owned();
    };
    let sheets = lang.pick("ark", "sheets");
    match event {
        Event::MailingStarted { recipient_role, .. } => format!(
            "{} ({})",
            lang.pick("försändelse påbörjad", "mailing started"),
            role_text_str(recipient_role, lang)
        ),
        Event::CaseLocked {} => lang.pick("ärendet låst", "case locked").to_owned(),
        Event::CaseUnlocked {} => lang.pick("ärendet upplåst", "case unlocked").to_owned(),
        Event::DocumentAttached {
            document,
            other_subject_confirmed,
            ..
        } => format!(
            "{} {document}{}",
            lang.pick("handling bifogad", "document attached"),
            if *other_subject_confirmed {
                lang.pick(
                    " – GÄLLER ANNAN PERSON, bekräftad",
                    " – ABOUT SOMEONE ELSE, confirmed",
                )
            } else {
                ""
            }
        ),
        Event::DocumentDetached { document } => format!(
            "{} {document}",
            lang.pick("handling borttagen", "document removed")
        ),
        Event::RecipientChanged { .. } => {
            lang.pick("mottagaren bytt", "recipient changed").to_owned()
        }
        Event::PrintStarted { generation, .. } => format!(
            "{} {generation}",
            lang.pick("utskrift påbörjad, utskrift", "print started, print")
        ),
        Event::Printed(p) => format!(
            "{} {} ({} {sheets})",
            lang.pick("utskriven, utskrift", "printed, print"),
            p.generation,
            p.sheets
        ),
        Event::Reprinted(p) => format!(
            "{} {} ({} {sheets}): {}",
            lang.pick("OMUTSKRIVEN, utskrift", "REPRINTED, print"),
            p.generation,
            p.sheets,
            p.reason.as_deref().unwrap_or_default()
        ),
        Event::PrintFailed { .. } => lang
            .pick("utskriften misslyckades", "print failed")
            .to_owned(),
        Event::Scan {
            verdict,
            sheet,
            source,
            ..
        } => {
            let sheet = sheet
                .map(|n| format!(" {} {n}", lang.pick("ark", "sheet")))
                .unwrap_or_default();
            let how = if *source == ScanSource::Keyed {
                lang.pick(" (för hand)", " (keyed)")
            } else {
                ""
            };
            format!(
                "{} {}{sheet}{how}",
                lang.pick("skanning", "scan"),
                verdict_word(*verdict, lang)
            )
        }
        Event::Deviation {
            kind, other_case, ..
        } => format!(
            "{}: {}{}",
            lang.pick("AVVIKELSE", "DEVIATION"),
            deviation_name(kind.as_str(), lang),
            other_case
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        ),
        Event::Verified { .. } => lang
            .pick("alla ark kontrollerade", "every sheet checked")
            .to_owned(),
        Event::StationOpened { .. } => lang
            .pick(
                "öppnad vid förslutningsstation",
                "opened at a sealing station",
            )
            .to_owned(),
        Event::Sealed { .. } => lang.pick("försluten", "sealed").to_owned(),
        Event::SheetFoundElsewhere {
            sheet,
            found_in_case,
            ..
        } => format!(
            "{} {} {} {found_in_case}",
            lang.pick("ARK", "SHEET"),
            sheet.unwrap_or_default(),
            lang.pick(
                "HITTAT I ANNAT KUVERT efter förslutning, ärende",
                "FOUND IN ANOTHER ENVELOPE after sealing, case"
            )
        ),
        Event::Voided { reason, .. } => {
            format!("{}: {reason}", lang.pick("MAKULERAD", "VOIDED"))
        }
        Event::LockBroken { reason, .. } => {
            format!("{}: {reason}", lang.pick("LÅS BRUTET", "LOCK BROKEN"))
        }
        _ => kind.to_owned(),
    }
}

/// The words of `kuvert log`'s table.
pub struct LogTableWords {
    pub session: &'static str,
    pub mailing: &'static str,
    pub sheets: &'static str,
    deviation: [&'static str; 2],
    overrides: [&'static str; 2],
}

impl LogTableWords {
    /// "deviation" or "deviations", by the count.
    pub fn deviations(&self, n: usize) -> &'static str {
        self.deviation[usize::from(n != 1)]
    }

    pub fn overrides(&self, n: usize) -> &'static str {
        self.overrides[usize::from(n != 1)]
    }
}

pub fn log_table_words(lang: Lang) -> LogTableWords {
    LogTableWords {
        session: "session",
        mailing: lang.pick("försändelse", "mailing"),
        sheets: lang.pick("ark", "sheets"),
        deviation: [
            lang.pick("avvikelse", "deviation"),
            lang.pick("avvikelser", "deviations"),
        ],
        overrides: [
            lang.pick("åsidosättande", "override"),
            lang.pick("åsidosättanden", "overrides"),
        ],
    }
}

/// A deviation as a line of `kuvert log`: its kind, and whose sheet it was. The Swedish
/// kind already says it is another's sheet; the English one is the log's own word.
pub fn deviation_in_log(kind: &str, other_case: Option<&str>, lang: Lang) -> String {
    match (lang, other_case) {
        (Lang::Sv, None) => deviation_name(kind, lang),
        (Lang::Sv, Some(c)) => format!("{} ({c})", deviation_name(kind, lang)),
        (Lang::En, None) => kind.to_owned(),
        (Lang::En, Some(c)) => format!("{kind} ({} {c})", rep(Rep::SheetOf, lang)),
    }
}
