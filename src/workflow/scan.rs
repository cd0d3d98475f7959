//! Scans at sealing: a sheet checked against the mailing at the desk, and the cover scan that
//! opens a mailing at a sealing station (which counts as that sheet's scan).
//!
//! A sheet of a mailing that is already sealed is more than a mixed stack: that envelope went
//! out without it (or the sheet was copied), so the sheet's own mailing is flagged with a
//! `sheet_found_elsewhere` event in the same transaction, for its owner to see.

use super::verdict::{self, AtDesk};
use super::{Desk, Operation, Session, Workflow, ctx, desk_mailing};
use crate::audit::{self, Event};
use crate::code::SheetCode;
use crate::error::{Error, Refusal, Result};
use crate::i18n::{self, Lang};
use crate::model::*;
use crate::store::Tx;
use crate::store::mailings::{self, MailingRow, NewScan, OtherMailing, PrintSheets};

/// What a scan found before it is recorded.
struct Judged {
    verdict: Verdict,
    generation: Option<u32>,
    sheet: Option<u32>,
    /// The mailing a foreign sheet belongs to.
    other: Option<OtherMailing>,
    problem: Option<String>,
    /// The current print's sheets, read once for the verdict and the outcome.
    print: PrintSheets,
}

impl Workflow {
    /// Opens a printed mailing of the user's team for sealing by a sheet code of its current
    /// print (the cover sheet), as at a sealing station; then `scan_at`/`seal_at` with
    /// `Desk::Station`. With `dual_control`, the person who printed it is refused. The sheet
    /// scanned counts as scanned (source unspecified; see [`Self::open_at_station_from`]).
    pub fn open_at_station(&mut self, s: &Session, code: &str) -> Result<MailingStatus> {
        self.open_at_station_from(s, code, ScanSource::Unspecified)
    }

    /// [`Self::open_at_station`] with how the code came in (scanner or keyed), recorded with
    /// the scan of the opening sheet, so a station never scans its cover twice. The sheet
    /// scanned to open the mailing counts as scanned, in the same transaction.
    pub fn open_at_station_from(
        &mut self,
        s: &Session,
        input: &str,
        source: ScanSource,
    ) -> Result<MailingStatus> {
        let stored = crate::code::normalise_scan(input);
        let id = self.run_staged(
            s,
            Operation::OpenAtStation,
            |env| {
                SheetCode::decode(input).map_err(|e| {
                    Error::Invalid(i18n::cover_unreadable(
                        &i18n::code_problem(&e, env.lang),
                        env.lang,
                    ))
                })
            },
            |tx, env, code| {
                let now = &env.stamp;
                let token = code.token.to_base36();
                let Some(m) = mailings::by_token(tx, &token)? else {
                    return Err(hidden_cover(tx, s, &token, env.lang)?);
                };
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
                    &Event::StationOpened {
                        generation: m.generation,
                        printed_by: m.printed_by.clone(),
                    },
                    now,
                )?;
                let print = mailings::print_sheets(tx, &m)?.unwrap_or_default();
                let verdict = verdict::judge_own(&code, &at_desk(&m, &print));
                // A sheet number outside the print opens the envelope as before, but is no scan.
                if matches!(verdict, Verdict::Ok | Verdict::Duplicate) {
                    let judged = Judged {
                        verdict,
                        generation: Some(code.generation),
                        sheet: Some(code.sheet),
                        other: None,
                        problem: None,
                        print,
                    };
                    record_scan(tx, s, &m, judged, &stored, source, now)?;
                }
                Ok(m.id)
            },
        )?;
        self.status_of(id)
    }

    /// One scan at sealing, checked against the user's open mailing.
    pub fn scan(&mut self, s: &Session, input: &str, source: ScanSource) -> Result<ScanOutcome> {
        self.scan_at(s, Desk::Own, input, source)
    }

    /// One scan at sealing, checked against the mailing at the desk (own or station).
    pub fn scan_at(
        &mut self,
        s: &Session,
        desk: Desk,
        input: &str,
        source: ScanSource,
    ) -> Result<ScanOutcome> {
        let stored = crate::code::normalise_scan(input);
        self.run_staged(
            s,
            Operation::Scan,
            |env| {
                if input.trim().is_empty() {
                    return Err(Error::Invalid(i18n::no_code_given(env.lang).to_owned()));
                }
                Ok(())
            },
            |tx, env, ()| {
                let (m, _) = desk_mailing(tx, s, desk)?;
                if m.state == MailingState::Draft {
                    return Err(Refusal::NotPrinted.into());
                }
                let judged = judge(tx, &m, input, env.lang)?;
                record_scan(tx, s, &m, judged, &stored, source, &env.stamp)
            },
        )
    }
}

/// Reads what the verdict needs about a scanned text at the desk of mailing `m`, and judges.
fn judge(tx: &Tx<'_>, m: &MailingRow, input: &str, lang: Lang) -> Result<Judged> {
    let print = mailings::print_sheets(tx, m)?.unwrap_or_default();
    let code = match SheetCode::decode(input) {
        Err(e) => {
            return Ok(Judged {
                verdict: verdict::judge(None, None, &at_desk(m, &print)),
                generation: None,
                sheet: None,
                other: None,
                problem: Some(i18n::code_problem(&e, lang)),
                print,
            });
        }
        Ok(code) => code,
    };
    // A sheet of the mailing at the desk needs no lookup: tokens are unique.
    let token = code.token.to_base36();
    let (owner, other) = if token == m.token {
        (Some(m.id), None)
    } else {
        let other = mailings::other_by_token(tx, &token)?;
        (other.as_ref().map(|o| o.id), other)
    };
    let verdict = verdict::judge(Some(&code), owner, &at_desk(m, &print));
    Ok(Judged {
        verdict,
        generation: Some(code.generation),
        sheet: Some(code.sheet),
        other: other.filter(|o| o.id != m.id),
        problem: None,
        print,
    })
}

/// Mailing `m` as the verdict sees it.
fn at_desk<'a>(m: &MailingRow, print: &'a PrintSheets) -> AtDesk<'a> {
    AtDesk {
        id: m.id,
        generation: m.generation,
        issued: m.issued,
        sheets: print.sheets,
        seen: &print.seen,
    }
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
        print,
    } = judged;
    let (sheets, required) = (print.sheets, print.required_count());
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
        &Event::Scan {
            verdict,
            generation,
            sheet,
            source,
        },
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
            &Event::Deviation {
                kind: verdict,
                code: stored.into(),
                other_mailing: other.as_ref().map(|o| o.id),
                other_case: other.as_ref().map(|o| o.case_no.clone()),
                other_state: other.as_ref().map(|o| o.state),
            },
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
            &Event::SheetFoundElsewhere {
                sheet,
                generation,
                found_in_mailing: m.id,
                found_in_case: m.case_no.clone(),
                state: o.state.as_str().into(),
            },
            now,
        )?;
    }
    // What the round has seen now, from what was read before: a mixed stack began a new,
    // empty round; else this sheet joined the others if it was one of the print in order.
    let this = sheet.filter(|_| verdict == Verdict::Ok);
    let (seen, seen_sheets) = if verdict.is_deviation() {
        (0, Vec::new())
    } else {
        (print.seen_required(this), print.seen_with(this))
    };
    if verdict == Verdict::Ok && seen >= required && state == MailingState::Printed {
        mailings::set_state(tx, m.id, MailingState::Verified, now, None)?;
        state = MailingState::Verified;
        audit::append(
            tx,
            &c,
            &Event::Verified {
                generation: m.generation,
                sheets,
                required,
            },
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
        generation: m.generation,
        seen_sheets,
    })
}

/// Why a cover no mailing of the desk's has opens nothing: on a server row security hides
/// another team's mailing, which is refused as another team's there too (as the station's
/// team check does on a file); else no mailing has the code.
fn hidden_cover(tx: &Tx<'_>, s: &Session, token: &str, lang: Lang) -> Result<Error> {
    if let Some(other) = mailings::other_by_token(tx, token)?
        && let Some(team) = crate::store::cases::team_of(tx, &other.case_no)?
    {
        return Ok(super::other_team(s, &other.case_no, &team));
    }
    Ok(Error::NotFound(i18n::unknown_cover(lang).to_owned()))
}
