//! The team lead's printable report: period, team, summary figures, possible incidents,
//! every deviation, the sessions and the open locks, on A4 pages a lead can file or attach
//! to an incident report. Built from the same blocks as the cover sheet.

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use super::A4_MM;
use super::text::{Canvas, DocFonts, Fonts};
use crate::audit::Event;
use crate::error::Result;
use crate::i18n::{self, Lang, Paper, Rep};
use crate::model::{MailingState, ScanSource};
use crate::report::{Assessment, LeadReport, MailingEntry, OverrideKind};
use crate::time_fmt::display;

const LEFT: f32 = 18.0;
const WIDTH: f32 = 174.0;
/// Where the page's content ends; the footer goes below.
const BOTTOM: f32 = 275.0;
const LINE: f32 = 4.6;
const SIZE: f32 = 9.0;
/// How far the continuation lines of a wrapped entry are indented.
const HANG: f32 = 4.0;
/// Where a figure's value starts, from the left margin.
const VALUE_X: f32 = 80.0;

/// Lays text out line by line and starts a new page when one is full.
struct Writer<'a> {
    fonts: &'a Fonts,
    doc_fonts: &'a DocFonts,
    pages: Vec<Canvas<'a>>,
    top: f32,
}

impl<'a> Writer<'a> {
    fn new(fonts: &'a Fonts, doc_fonts: &'a DocFonts) -> Self {
        let mut w = Self {
            fonts,
            doc_fonts,
            pages: Vec::new(),
            top: 0.0,
        };
        w.new_page();
        w
    }

    fn new_page(&mut self) {
        self.pages.push(Canvas::new(self.doc_fonts, A4_MM.1));
        self.top = 20.0;
    }

    fn page(&mut self) -> &mut Canvas<'a> {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Room for `height` mm, or a new page.
    fn room(&mut self, height: f32) {
        if self.top + height > BOTTOM {
            self.new_page();
        }
    }

    /// Lines of `text` no wider than `width` points: wrapped at spaces, and a word too long
    /// for a line of its own broken where it reaches the margin.
    fn fit(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut out = Vec::new();
        for line in self.fonts.wrap(text, size, bold, width) {
            let mut rest = line.as_str();
            while self.fonts.width(rest, size, bold) > width {
                // The longest start that fits, at least one character.
                let mut cut = rest.chars().next().map_or(0, char::len_utf8);
                for (i, _) in rest.char_indices().skip(1) {
                    if self.fonts.width(&rest[..i], size, bold) > width {
                        break;
                    }
                    cut = i;
                }
                out.push(rest[..cut].to_owned());
                rest = &rest[cut..];
            }
            out.push(rest.to_owned());
        }
        out
    }

    /// Wrapped text at an indent; `shade` puts a grey box behind it (for what needs action).
    fn para(&mut self, indent: f32, size: f32, bold: bool, shade: Option<f32>, text: &str) {
        // Continuation lines hang, so a wrapped entry reads as one entry.
        let width = super::mm(WIDTH - indent - HANG);
        let lines = self.fit(text, size, bold, width);
        let step = size * 0.5 + 0.1;
        for (i, line) in lines.into_iter().enumerate() {
            let x = if i == 0 { indent } else { indent + HANG };
            self.room(step);
            let top = self.top;
            if let Some(grey) = shade {
                self.page().fill_rect(
                    LEFT + indent - 1.0,
                    top - step + 1.0,
                    WIDTH - indent + 2.0,
                    step,
                    grey,
                );
            }
            self.page().text(LEFT + x, top, size, bold, &line);
            self.top += step;
        }
    }

    /// Plain text at an indent: most lines of the report.
    fn entry(&mut self, indent: f32, text: &str) {
        self.para(indent, SIZE, false, None, text);
    }

    /// One entry an item, or `none` where there are no items.
    fn entries<T>(&mut self, indent: f32, items: &[T], none: &str, line: impl Fn(&T) -> String) {
        if items.is_empty() {
            self.entry(indent, none);
        }
        for item in items {
            self.entry(indent, &line(item));
        }
    }

    fn heading(&mut self, text: &str) {
        self.room(14.0);
        self.top += 3.0;
        self.para(0.0, 11.5, true, None, text);
        let top = self.top - 3.2;
        self.page().line((LEFT, top), (LEFT + WIDTH, top), 0.4);
        self.top += 1.0;
    }

    /// Two columns: a label and its figure; a long figure wraps inside its column.
    fn figure(&mut self, label: &str, value: &str) {
        let lines = self.fit(value, SIZE, true, super::mm(WIDTH - VALUE_X));
        self.room(LINE * lines.len().max(1) as f32);
        let top = self.top;
        self.page().text(LEFT + 2.0, top, SIZE, false, label);
        for line in lines {
            let top = self.top;
            self.page().text(LEFT + VALUE_X, top, SIZE, true, &line);
            self.top += LINE;
        }
        if self.top == top {
            self.top += LINE;
        }
    }
}

/// A stored state name in the reader's language.
fn state(name: &str, lang: Lang) -> String {
    MailingState::parse(name)
        .map(|s| i18n::state_text(s, lang).to_owned())
        .unwrap_or_else(|| name.to_owned())
}

/// "3 sealed, 1 voided": counts with their words.
fn tally(counts: &[(usize, &str)]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
    parts.join(", ")
}

/// ", Björn Svensson (handlaggare2)": whose mailing a stray sheet came from, when known.
fn owner_of(account: Option<&str>, name: Option<&str>) -> String {
    match (account, name) {
        (Some(account), Some(name)) => format!(", {name} ({account})"),
        (Some(account), None) => format!(", {account}"),
        _ => String::new(),
    }
}

/// What happened to a mailing in one session, in order: started, printed, reprinted, the
/// scans (how many, how many by hand), deviations, sealed, voided, lock broken.
fn what_happened(m: &MailingEntry, lang: Lang) -> String {
    let mut steps: Vec<String> = Vec::new();
    let scan_sources: Vec<ScanSource> = m
        .events
        .iter()
        .filter_map(|e| match &e.event {
            Some(Event::Scan { source, .. }) => Some(*source),
            _ => None,
        })
        .collect();
    let scans = scan_sources.len();
    let keyed = scan_sources
        .iter()
        .filter(|s| **s == ScanSource::Keyed)
        .count();
    let mut scans_shown = false;
    for e in &m.events {
        let Some(event) = &e.event else { continue };
        match event {
            Event::MailingStarted { .. } => {
                steps.push(i18n::paper(Paper::Started, lang).to_owned())
            }
            Event::Scan { .. } if !scans_shown => {
                scans_shown = true;
                steps.push(format!(
                    "{scans} {} ({keyed} {})",
                    i18n::paper(Paper::Scans, lang),
                    i18n::rep(Rep::Keyed, lang)
                ));
            }
            Event::Deviation { kind, .. } => {
                steps.push(format!(
                    "{}: {}",
                    i18n::rep(Rep::Deviations, lang).to_lowercase(),
                    i18n::deviation_name(kind.as_str(), lang)
                ));
            }
            // The void a lock break makes is part of the lock break, already shown.
            Event::Voided {
                lock_broken: Some(true),
                ..
            } => {}
            Event::Printed(_)
            | Event::Reprinted(_)
            | Event::StationOpened { .. }
            | Event::Sealed { .. }
            | Event::Voided { .. }
            | Event::LockBroken { .. } => {
                steps.push(i18n::event_text(Some(event), &e.kind, lang));
            }
            _ => {}
        }
    }
    steps.join(", ")
}

/// The report as a PDF.
pub fn render_lead_report(r: &LeadReport, lang: Lang) -> Result<Vec<u8>> {
    let fonts = Fonts::load()?;
    let mut doc = PdfDocument::new(i18n::rep(Rep::Title, lang));
    // printpdf dates every document 1970 unless told: the report is dated when it was made
    // (printpdf writes it as UTC).
    let made = crate::time_fmt::parse(&r.generated)
        .and_then(|t| printpdf::OffsetDateTime::from_unix_timestamp(t.unix_timestamp()).ok());
    if let Some(made) = made {
        let info = &mut doc.metadata.info;
        info.creation_date = made;
        info.modification_date = made;
        info.metadata_date = made;
        info.creator = "kuvert".into();
        info.producer = format!("kuvert {}", env!("CARGO_PKG_VERSION"));
    }
    let doc_fonts = DocFonts::add(&mut doc, &fonts);
    let mut w = Writer::new(&fonts, &doc_fonts);
    let t = |x| i18n::rep(x, lang);

    w.para(0.0, 15.0, true, None, t(Rep::Title));
    w.top += 1.0;
    let period = match (&r.since, &r.until) {
        (None, None) => t(Rep::AllTime).to_owned(),
        (since, until) => format!(
            "{} – {}",
            since.as_deref().unwrap_or("…"),
            until.as_deref().unwrap_or("…")
        ),
    };
    w.figure(t(Rep::Team), &r.team);
    w.figure(t(Rep::Period), &period);
    w.figure(
        t(Rep::Generated),
        &format!("{} ({})", display(&r.generated), r.lead),
    );

    let s = &r.summary;
    w.heading(t(Rep::Summary));
    // A rate with what it is counted from: "12 %  (3 / 25)".
    let share = |rate, part, whole| format!("{}  ({part} / {whole})", i18n::percent(rate, lang));
    let mailings = tally(&[
        (s.sealed, t(Rep::Sealed)),
        (s.voided, t(Rep::Voided)),
        (s.open, t(Rep::Open)),
    ]);
    let figures = [
        (Rep::Sessions, s.sessions.to_string()),
        (Rep::Mailings, format!("{}  ({mailings})", s.mailings)),
        (Rep::Deviations, s.deviations.to_string()),
        (
            Rep::DeviationRate,
            share(s.deviation_rate, s.mailings_with_deviations, s.mailings),
        ),
        (Rep::Scans, s.scans.to_string()),
        (Rep::KeyedRate, share(s.keyed_rate, s.keyed, s.scans)),
        (Rep::Reprints, s.reprints.to_string()),
        (Rep::Overrides, s.overrides.to_string()),
    ];
    for (label, value) in figures {
        w.figure(t(label), &value);
    }
    // One caseworker a line, each wrapped in the figure column.
    for (i, d) in s.most_deviations.iter().enumerate() {
        let mut line = format!("{} ({}) {}", d.name, d.user, d.total());
        if d.strayed > 0 {
            line.push_str(&format!(
                " ({})",
                i18n::fill(i18n::paper(Paper::OwnSheetsElsewhere, lang), &[&d.strayed])
            ));
        }
        let label = if i == 0 { t(Rep::MostDeviations) } else { "" };
        w.figure(label, &line);
    }

    w.heading(t(Rep::Incidents));
    let flagged: Vec<_> = r
        .incidents
        .iter()
        .filter(|i| i.assessment == Assessment::MayHaveHappened)
        .collect();
    if flagged.is_empty() {
        w.entry(2.0, t(Rep::IncidentsNone));
    }
    for i in flagged {
        w.para(
            2.0,
            SIZE,
            true,
            Some(0.85),
            &format!(
                // What to do first, so the deadline never wraps away from its words.
                "{}  {}, {} {}  –  {} {} (#{}): {} {} (#{}, {}){}",
                display(&i.time),
                t(Rep::MayHaveHappened),
                t(Rep::AssessBy),
                i.assess_by.as_deref().map(display).unwrap_or_default(),
                i.user,
                i.case,
                i.mailing,
                i18n::deviation_name(&i.kind, lang),
                i.other_case.as_deref().unwrap_or("?"),
                i.other_mailing.map(|m| m.to_string()).unwrap_or_default(),
                i.other_state_now
                    .as_deref()
                    .map(|x| state(x, lang))
                    .unwrap_or_default(),
                owner_of(i.owner.as_deref(), i.owner_name.as_deref()),
            ),
        );
    }

    w.heading(t(Rep::DeviationList));
    let mut any = false;
    for session in &r.sessions {
        for m in &session.mailings {
            for d in &m.deviations {
                any = true;
                let incident = r
                    .incidents
                    .iter()
                    .find(|i| i.mailing == m.mailing && i.time == d.time && i.kind == d.kind);
                let assessment = match incident.map(|i| i.assessment) {
                    Some(Assessment::Prevented) => format!(", {}", t(Rep::Prevented)),
                    Some(Assessment::MayHaveHappened) => {
                        format!(", {}", t(Rep::MayHaveHappened))
                    }
                    None => String::new(),
                };
                // Both sides of a stray sheet: who found it, and whose mailing it came from.
                let other = match (&d.other_case, d.other_mailing) {
                    (Some(case), Some(id)) => format!(
                        ": {} {case} (#{id}){}{assessment}",
                        i18n::paper(Paper::SheetOwner, lang),
                        owner_of(d.owner.as_deref(), d.owner_name.as_deref()),
                    ),
                    _ => assessment,
                };
                w.entry(
                    2.0,
                    &format!(
                        "{}  {} {} ({})  {} (#{})  {}{other}",
                        display(&d.time),
                        i18n::paper(Paper::FoundBy, lang),
                        session.name,
                        session.user,
                        m.case,
                        m.mailing,
                        i18n::deviation_name(&d.kind, lang)
                    ),
                );
            }
        }
    }
    if !any {
        w.entry(2.0, t(Rep::NoDeviations));
    }

    w.heading(t(Rep::Sessions));
    for session in &r.sessions {
        let c = &session.counts;
        w.room(LINE * 2.0);
        w.para(
            0.0,
            SIZE,
            true,
            None,
            &format!(
                "{} {}  {} ({})  {}  {} – {}",
                t(Rep::Session),
                session.session,
                session.name,
                session.user,
                session.terminal,
                display(&session.started),
                session
                    .ended
                    .as_deref()
                    .map(display)
                    .unwrap_or_else(|| "…".into()),
            ),
        );
        w.entry(
            4.0,
            &format!(
                "{} · {} {} · {} {} · {} {}/{}",
                tally(&[
                    (c.printed, i18n::paper(Paper::Printed, lang)),
                    (c.sealed, t(Rep::Sealed)),
                    (c.voided, t(Rep::Voided)),
                    (c.open, i18n::paper(Paper::OpenNow, lang)),
                ]),
                t(Rep::Deviations).to_lowercase(),
                c.deviations,
                t(Rep::Reprints).to_lowercase(),
                c.reprints,
                t(Rep::Keyed),
                c.keyed,
                c.scans
            ),
        );
        w.entries(4.0, &session.mailings, t(Rep::NoMailings), |m| {
            format!(
                "#{}  {}  {}  {} {}: {} · {} {}",
                m.mailing,
                m.case,
                i18n::role_text_str(&m.recipient_role, lang),
                m.sheets,
                t(Rep::SheetsWord),
                what_happened(m, lang),
                i18n::paper(Paper::NowState, lang),
                state(&m.state, lang),
            )
        });
        w.top += 1.5;
    }

    w.heading(i18n::paper(Paper::OverrideList, lang));
    let no_overrides = i18n::paper(Paper::NoOverrides, lang);
    w.entries(2.0, &r.overrides, no_overrides, |o| {
        let kind = i18n::paper(
            match o.kind {
                OverrideKind::Reprint => Paper::OverrideReprint,
                OverrideKind::Void => Paper::OverrideVoid,
                OverrideKind::LockBreak => Paper::OverrideLockBreak,
                OverrideKind::OtherSubject => Paper::OverrideOtherSubject,
            },
            lang,
        );
        let mut why: Vec<String> = Vec::new();
        if let Some(holder) = &o.holder {
            why.push(i18n::fill(i18n::paper(Paper::LockHolder, lang), &[holder]));
        }
        if let Some(document) = o.document {
            why.push(i18n::fill(
                i18n::paper(Paper::DocumentNo, lang),
                &[&document],
            ));
        }
        if let Some(reason) = &o.reason {
            why.push(format!("«{reason}»"));
        }
        format!(
            "{}  {}  {} (#{})  {kind}: {}",
            display(&o.time),
            o.user,
            o.case,
            o.mailing,
            why.join(", ")
        )
    });

    w.heading(t(Rep::OpenLocks));
    w.entries(2.0, &r.locks, t(Rep::NoLocks), |l| {
        format!(
            "{}  {} ({})  #{} {}  {}  {} {}",
            l.case,
            l.name,
            l.user,
            l.mailing,
            state(&l.state, lang),
            display(&l.since),
            l.minutes,
            t(Rep::Minutes)
        )
    });

    let total = w.pages.len();
    let mut pages = Vec::with_capacity(total);
    for (n, mut page) in w.pages.into_iter().enumerate() {
        let footer = i18n::fill(t(Rep::Page), &[&(n + 1), &total]);
        page.text(LEFT, 287.0, 8.0, false, &format!("{}  ·  {footer}", r.team));
        pages.push(PdfPage::new(Mm(A4_MM.0), Mm(A4_MM.1), page.ops));
    }
    let mut warnings = Vec::new();
    Ok(doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings))
}
