//! The team lead's printable report: period, team, summary figures, possible incidents,
//! every deviation, the sessions and the open locks, on A4 pages a lead can file or attach
//! to an incident report. Built from the same blocks as the cover sheet.

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use super::A4_MM;
use super::text::{Canvas, DocFonts, Fonts};
use crate::error::Result;
use crate::i18n::{self, Lang, Rep};
use crate::model::MailingState;
use crate::report::{Assessment, LeadReport};
use crate::time_fmt::display;

const LEFT: f32 = 18.0;
const WIDTH: f32 = 174.0;
/// Where the page's content ends; the footer goes below.
const BOTTOM: f32 = 275.0;
const LINE: f32 = 4.6;
const SIZE: f32 = 9.0;

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

    /// Wrapped text at an indent; `shade` puts a grey box behind it (for what needs action).
    fn para(&mut self, indent: f32, size: f32, bold: bool, shade: Option<f32>, text: &str) {
        let width = super::mm(WIDTH - indent);
        let lines = self.fonts.wrap(text, size, bold, width);
        let step = size * 0.5 + 0.1;
        for line in lines {
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
            self.page().text(LEFT + indent, top, size, bold, &line);
            self.top += step;
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

    /// Two columns: a label and its figure.
    fn figure(&mut self, label: &str, value: &str) {
        self.room(LINE);
        let top = self.top;
        self.page().text(LEFT + 2.0, top, SIZE, false, label);
        self.page().text(LEFT + 80.0, top, SIZE, true, value);
        self.top += LINE;
    }
}

/// A stored state name in the reader's language.
fn state(name: &str, lang: Lang) -> String {
    MailingState::parse(name)
        .map(|s| i18n::state_text(s, lang).to_owned())
        .unwrap_or_else(|| name.to_owned())
}

/// The report as a PDF.
pub fn render_lead_report(r: &LeadReport, lang: Lang) -> Result<Vec<u8>> {
    let fonts = Fonts::load()?;
    let mut doc = PdfDocument::new(i18n::rep(Rep::Title, lang));
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
    w.figure(t(Rep::Sessions), &s.sessions.to_string());
    w.figure(
        t(Rep::Mailings),
        &format!(
            "{}  ({} {}, {} {}, {} {})",
            s.mailings,
            s.sealed,
            t(Rep::Sealed),
            s.voided,
            t(Rep::Voided),
            s.open,
            t(Rep::Open)
        ),
    );
    w.figure(t(Rep::Deviations), &s.deviations.to_string());
    w.figure(
        t(Rep::DeviationRate),
        &format!(
            "{}  ({} / {})",
            i18n::percent(s.deviation_rate, lang),
            s.mailings_with_deviations,
            s.mailings
        ),
    );
    w.figure(t(Rep::Scans), &s.scans.to_string());
    w.figure(
        t(Rep::KeyedRate),
        &format!(
            "{}  ({} / {})",
            i18n::percent(s.keyed_rate, lang),
            s.keyed,
            s.scans
        ),
    );
    w.figure(t(Rep::Reprints), &s.reprints.to_string());
    w.figure(t(Rep::Overrides), &s.overrides.to_string());
    if !s.most_deviations.is_empty() {
        let most: Vec<String> = s
            .most_deviations
            .iter()
            .map(|d| format!("{} ({}) {}", d.name, d.user, d.deviations))
            .collect();
        w.figure(t(Rep::MostDeviations), &most.join(", "));
    }

    w.heading(t(Rep::Incidents));
    let flagged: Vec<_> = r
        .incidents
        .iter()
        .filter(|i| i.assessment == Assessment::MayHaveHappened)
        .collect();
    if flagged.is_empty() {
        w.para(2.0, SIZE, false, None, t(Rep::IncidentsNone));
    }
    for i in flagged {
        w.para(
            2.0,
            SIZE,
            true,
            Some(0.85),
            &format!(
                "{}  {}  {} (#{}): {} {} (#{}, {})  –  {}, {} {}",
                display(&i.time),
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
                t(Rep::MayHaveHappened),
                t(Rep::AssessBy),
                i.assess_by.as_deref().map(display).unwrap_or_default(),
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
                let other = match incident {
                    Some(i) => format!(
                        ": {} (#{}), {}",
                        i.other_case.as_deref().unwrap_or("?"),
                        i.other_mailing.map(|id| id.to_string()).unwrap_or_default(),
                        match i.assessment {
                            Assessment::Prevented => t(Rep::Prevented),
                            Assessment::MayHaveHappened => t(Rep::MayHaveHappened),
                        }
                    ),
                    None => String::new(),
                };
                w.para(
                    2.0,
                    SIZE,
                    false,
                    None,
                    &format!(
                        "{}  {}  {} (#{})  {}{other}",
                        display(&d.time),
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
        w.para(2.0, SIZE, false, None, t(Rep::NoDeviations));
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
        w.para(
            4.0,
            SIZE,
            false,
            None,
            &format!(
                "{} {}, {} {}, {} {} · {} {} · {} {} · {} {}/{}",
                c.sealed,
                t(Rep::Sealed),
                c.voided,
                t(Rep::Voided),
                c.open,
                t(Rep::Open),
                t(Rep::Deviations).to_lowercase(),
                c.deviations,
                t(Rep::Reprints).to_lowercase(),
                c.reprints,
                t(Rep::Keyed),
                c.keyed,
                c.scans
            ),
        );
        if session.mailings.is_empty() {
            w.para(4.0, SIZE, false, None, t(Rep::NoMailings));
        }
        for m in &session.mailings {
            w.para(
                4.0,
                SIZE,
                false,
                None,
                &format!(
                    "#{}  {}  {}  {}  {} {}  {} {}",
                    m.mailing,
                    m.case,
                    state(&m.state, lang),
                    i18n::role_text_str(&m.recipient_role, lang),
                    m.sheets,
                    t(Rep::SheetsWord),
                    m.deviations.len(),
                    t(Rep::Deviations).to_lowercase()
                ),
            );
        }
        w.top += 1.5;
    }

    w.heading(t(Rep::OpenLocks));
    if r.locks.is_empty() {
        w.para(2.0, SIZE, false, None, t(Rep::NoLocks));
    }
    for l in &r.locks {
        w.para(
            2.0,
            SIZE,
            false,
            None,
            &format!(
                "{}  {} ({})  #{} {}  {}  {} {}",
                l.case,
                l.name,
                l.user,
                l.mailing,
                state(&l.state, lang),
                display(&l.since),
                l.minutes,
                t(Rep::Minutes)
            ),
        );
    }

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
