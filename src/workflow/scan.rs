//! Scans at sealing: a sheet checked against the mailing at the desk, and the cover scan that
//! opens a mailing at a sealing station (which counts as that sheet's scan).
//!
//! A sheet of a mailing that is already sealed is more than a mixed stack: that envelope went
//! out without it (or the sheet was copied), so the sheet's own mailing is flagged with a
//! `sheet_found_elsewhere` event in the same transaction, for its owner to see.

use serde_json::json;

use super::{Desk, Session, Workflow, ctx, desk_mailing};
use crate::audit;
use crate::code::SheetCode;
use crate::error::{Error, Refusal, Result};
use crate::i18n::{self, Lang};
use crate::model::*;
use crate::store::Tx;
use crate::store::mailings::{self, MailingRow, NewScan};
use crate::store::{people, strays};

/// What a scan found before it is recorded.
struct Judged {
    verdict: Verdict,
    generation: Option<u32>,
    sheet: Option<u32>,
    /// The mailing a foreign sheet belongs to.
    other: Option<MailingRow>,
    problem: Option<String>,
}

impl Workflow {
    /// Opens a printed mailing of the user's team for verification at a sealing station, by
    /// the code of its cover sheet (or any sheet of its current print). The sheet scanned to
    /// open it counts as scanned, in the same transaction, so it is not scanned twice.
    pub(super) fn open_at_station_checked(
        &mut self,
        s: &Session,
        input: &str,
        source: ScanSource,
    ) -> Result<MailingStatus> {
        let code = SheetCode::decode(input).map_err(|e| {
            Error::Invalid(i18n::fill(
                self.pick(
                    "koden går inte att läsa ({}): skanna försättsbladet igen",
                    "the code cannot be read ({}): scan the cover sheet again",
                )
                .as_str(),
                &[&i18n::code_problem(&e, self.lang)],
            ))
        })?;
        let now = self.now();
        let unknown = self.pick(
            "ingen försändelse har den här koden: arket kommer inte från kuvert i den här databasen",
            "no mailing has this code: the sheet was not printed by kuvert with this database",
        );
        let stored = crate::code::normalise_scan(input);
        let id = self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let m =
                mailings::by_token(tx, &code.token.to_base36())?.ok_or(Error::NotFound(unknown))?;
            // Dual control refuses the printer here, so a refused opening counts nothing.
            let (m, _) = desk_mailing(tx, s, Desk::Station(m.id))?;
            if code.generation != m.generation {
                return Err(Refusal::StaleCover {
                    case: m.case_no,
                    generation: code.generation,
                    current: m.generation,
                }
                .into());
            }
            audit::append(
                tx,
                &ctx(s, Some(m.id), Some(&m.case_no)),
                "station_opened",
                json!({ "generation": m.generation, "printed_by": m.printed_by }),
                &now,
            )?;
            let verdict = judge_own(tx, &m, &code)?;
            // A sheet number outside the print opens the envelope as before, but is no scan.
            if matches!(verdict, Verdict::Ok | Verdict::Duplicate) {
                let judged = Judged {
                    verdict,
                    generation: Some(code.generation),
                    sheet: Some(code.sheet),
                    other: None,
                    problem: None,
                };
                record_scan(tx, s, &m, judged, &stored, source, &now)?;
            }
            Ok(m.id)
        })?;
        self.status_of(id)
    }

    /// One scan at sealing, checked against the mailing at the desk.
    pub(super) fn scan_checked(
        &mut self,
        s: &Session,
        desk: Desk,
        input: &str,
        source: ScanSource,
    ) -> Result<ScanOutcome> {
        if input.trim().is_empty() {
            return Err(Error::Invalid(self.pick(
                "ingen kod angiven: skanna ett ark eller skriv dess kod",
                "no code given: scan a sheet or type its code",
            )));
        }
        let now = self.now();
        let lang = self.lang;
        let stored = crate::code::normalise_scan(input);
        self.store.write(|tx| {
            people::touch_session(tx, s.id, &now)?;
            let (m, _) = desk_mailing(tx, s, desk)?;
            if m.state == MailingState::Draft {
                return Err(Refusal::NotPrinted.into());
            }
            let judged = judge(tx, &m, input, lang)?;
            record_scan(tx, s, &m, judged, &stored, source, &now)
        })
    }
}

/// The verdict on a scanned text at the desk of mailing `m`.
fn judge(tx: &Tx<'_>, m: &MailingRow, input: &str, lang: Lang) -> Result<Judged> {
    let code = match SheetCode::decode(input) {
        Err(e) => {
            return Ok(Judged {
                verdict: Verdict::Mistyped,
                generation: None,
                sheet: None,
                other: None,
                problem: Some(i18n::code_problem(&e, lang)),
            });
        }
        Ok(code) => code,
    };
    let (verdict, other) = match mailings::by_token(tx, &code.token.to_base36())? {
        None => (Verdict::Unknown, None),
        Some(owner) if owner.id != m.id => (Verdict::Foreign, Some(owner)),
        Some(_) => (judge_own(tx, m, &code)?, None),
    };
    Ok(Judged {
        verdict,
        generation: Some(code.generation),
        sheet: Some(code.sheet),
        other,
        problem: None,
    })
}

/// The verdict on a code of mailing `m` itself: its current print, an older one, or none.
fn judge_own(tx: &Tx<'_>, m: &MailingRow, code: &SheetCode) -> Result<Verdict> {
    Ok(if code.generation == m.generation {
        match mailings::sheet_required(tx, m.id, m.generation, code.sheet)? {
            None => Verdict::Unknown,
            Some(_) if mailings::seen_sheets(tx, m)?.contains(&code.sheet) => Verdict::Duplicate,
            Some(_) => Verdict::Ok,
        }
    } else if code.generation <= m.issued {
        Verdict::Stale
    } else {
        Verdict::Unknown
    })
}

/// Records a judged scan of mailing `m`: the scan row, its event, a deviation (the stack is
/// rescanned whole; a sheet of a sealed mailing also flags that mailing), and the step to
/// *verified* when the last required sheet came in.
fn record_scan(
    tx: &Tx<'_>,
    s: &Session,
    m: &MailingRow,
    judged: Judged,
    stored: &str,
    source: ScanSource,
    now: &str,
) -> Result<ScanOutcome> {
    let Judged {
        verdict,
        generation,
        sheet,
        other,
        problem,
    } = judged;
    mailings::insert_scan(
        tx,
        &NewScan {
            mailing: m.id,
            session: s.id,
            code: stored,
            verdict,
            generation,
            sheet,
            round: m.round,
            other_mailing: other.as_ref().map(|o| o.id),
            source,
        },
        now,
    )?;
    let c = ctx(s, Some(m.id), Some(&m.case_no));
    audit::append(
        tx,
        &c,
        "scan",
        json!({ "verdict": verdict.as_str(), "generation": generation, "sheet": sheet,
                "source": source.as_str() }),
        now,
    )?;
    let mut state = m.state;
    if verdict.is_deviation() {
        // The stack was mixed: a hard stop, and it is rescanned whole.
        mailings::new_round(tx, m.id)?;
        if state == MailingState::Verified {
            mailings::set_state(tx, m.id, MailingState::Printed, now, None)?;
            state = MailingState::Printed;
        }
        audit::append(
            tx,
            &c,
            "deviation",
            json!({ "kind": verdict.as_str(), "code": stored,
                    "other_mailing": other.as_ref().map(|o| o.id),
                    "other_case": other.as_ref().map(|o| o.case_no.clone()),
                    "other_state": other.as_ref().map(|o| o.state.as_str()) }),
            now,
        )?;
    }
    let other_sealed = other
        .as_ref()
        .is_some_and(|o| o.state == MailingState::Sealed);
    if let (Some(o), true) = (&other, other_sealed) {
        // The flag on the sheet's own mailing: the source of truth of its owner's list.
        audit::append(
            tx,
            &ctx(s, Some(o.id), Some(&o.case_no)),
            strays::FOUND_ELSEWHERE,
            json!({ "sheet": sheet, "generation": generation, "found_in_mailing": m.id,
                    "found_in_case": m.case_no, "state": o.state.as_str() }),
            now,
        )?;
    }
    let current = mailings::by_id(tx, m.id)?.ok_or(Error::NoOpenMailing)?;
    let (sheets, required, _) =
        mailings::print_summary(tx, m.id, m.generation)?.unwrap_or((0, 0, String::new()));
    let seen = mailings::seen_required(tx, &current)?;
    if verdict == Verdict::Ok && seen >= required && state == MailingState::Printed {
        mailings::set_state(tx, m.id, MailingState::Verified, now, None)?;
        state = MailingState::Verified;
        audit::append(
            tx,
            &c,
            "verified",
            json!({ "generation": m.generation, "sheets": sheets, "required": required }),
            now,
        )?;
    }
    Ok(ScanOutcome {
        verdict,
        sheet: if other.is_none() { sheet } else { None },
        seen,
        sheets,
        required,
        state,
        other_state: other.as_ref().map(|o| o.state),
        other_sealed,
        other_case: other.map(|o| o.case_no),
        problem,
    })
}
