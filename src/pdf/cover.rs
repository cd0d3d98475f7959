//! The cover sheet (sheet 1) and, for a protected recipient, the inner-envelope sheet
//! (sheet 2). Positions follow DIN 5008 form B / SS 14 5008: the address band shows through
//! the window of both DL and C5 envelopes.

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use super::A4_MM;
use super::text::{Canvas, DocFonts, Fonts};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::i18n::{self, Lang, Paper};
use crate::model::{Address, format_postal_code};
use crate::plan::{Delivery, PrintPlan};

/// The window band every address line must stay inside (millimetres).
pub const WINDOW_LEFT: f32 = 20.0;
pub const WINDOW_RIGHT: f32 = 100.0;
pub const WINDOW_TOP: f32 = 50.0;
pub const WINDOW_BOTTOM: f32 = 78.0;
/// Most address lines a window holds.
pub const MAX_ADDRESS_LINES: usize = 6;

const ADDRESS_X: f32 = 24.0;
const ADDRESS_SIZE: f32 = 10.0;
const ADDRESS_LINE: f32 = 4.4;
const ADDRESS_FIRST_BASELINE: f32 = 54.5;
/// The postal sorting zone at the bottom right stays empty.
const SORTING_ZONE_TOP: f32 = 267.0;
const COVER_QR_MM: f32 = 32.0;

fn return_line(config: &Config) -> String {
    let s = &config.sender;
    format!(
        "{}, {}, {} {}",
        s.name,
        s.street,
        format_postal_code(&s.postal_code),
        s.city.to_uppercase()
    )
}

/// Why an address does not fit the envelope window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowMisfit {
    /// One word is wider than the window (it cannot be wrapped).
    TooWide(String),
    /// The name, c/o, street, postal line and country need more lines than the window shows.
    TooManyLines(usize),
}

/// The recipient block as printed: the name and the address lines, wrapped to the window,
/// at most [`MAX_ADDRESS_LINES`]. Import checks each address with this same rule, so an
/// address that does not fit is refused then, not first at print.
pub fn window_lines(
    name: &str,
    address: &Address,
    fonts: &Fonts,
) -> std::result::Result<Vec<String>, WindowMisfit> {
    let width = super::mm(WINDOW_RIGHT - ADDRESS_X - 1.0);
    let mut lines = Vec::new();
    for raw in std::iter::once(name.to_owned()).chain(address.lines()) {
        for line in fonts.wrap(&raw, ADDRESS_SIZE, false, width) {
            if fonts.width(&line, ADDRESS_SIZE, false) > width {
                return Err(WindowMisfit::TooWide(line));
            }
            lines.push(line);
        }
    }
    if lines.len() > MAX_ADDRESS_LINES {
        return Err(WindowMisfit::TooManyLines(lines.len()));
    }
    Ok(lines)
}

/// The recipient block of a print plan (the recipient or the forwarding service).
pub fn address_lines(delivery: &Delivery, fonts: &Fonts) -> Result<Vec<String>> {
    let (name, address) = match delivery {
        Delivery::Direct { name, address } => (name.as_str(), address),
        Delivery::Forwarded {
            service, address, ..
        } => (service.as_str(), address),
    };
    window_lines(name, address, fonts).map_err(|misfit| {
        Error::Invalid(match misfit {
            WindowMisfit::TooWide(line) => format!(
                "the address line \"{line}\" does not fit the envelope window; shorten it in the case register"
            ),
            WindowMisfit::TooManyLines(n) => format!(
                "the address needs {n} lines but an envelope window holds {MAX_ADDRESS_LINES}; shorten it in the case register"
            ),
        })
    })
}

/// The paper a recipient or the forwarding service reads is in Swedish, whatever the desk's
/// language: the agency writes to citizens in Swedish.
const PAPER: Lang = Lang::Sv;

fn p(word: Paper) -> &'static str {
    i18n::paper(word, PAPER)
}

/// Renders the front sheets. For an ordinary recipient: the cover letter (sheet 1). For a
/// protected recipient: the sheet the forwarding service reads through the outer window
/// (sheet 1: its address, the sender, the instruction to forward, the code, nothing about
/// the case) and the letter inside the inner envelope (sheet 2, the personnummer in its
/// window, with the enclosures and the sheet count).
pub fn render_front(plan: &PrintPlan, config: &Config, fonts: &Fonts) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&format!("kuvert {} ark 1", plan.case_no));
    let f = DocFonts::add(&mut doc, fonts);
    let address = address_lines(&plan.delivery, fonts)?;
    let total = plan.sheets.len();
    let pages = match &plan.delivery {
        Delivery::Direct { .. } => vec![letter_page(
            plan,
            config,
            fonts,
            &f,
            Window::Address(&address),
            total,
        )?],
        Delivery::Forwarded {
            recipient_id_number,
            ..
        } => vec![
            forwarding_page(plan, config, fonts, &f, &address)?,
            letter_page(
                plan,
                config,
                fonts,
                &f,
                Window::IdNumber(recipient_id_number),
                total,
            )?,
        ],
    };
    let pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(A4_MM.0), Mm(A4_MM.1), ops))
        .collect();
    let mut warnings = Vec::new();
    let bytes = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings);
    Ok(bytes)
}

fn sheet_code(plan: &PrintPlan, sheet: u32) -> Result<String> {
    plan.code(sheet)
        .map(|c| c.encode())
        .ok_or_else(|| Error::Pdf(format!("sheet {sheet} has no code")))
}

fn fold_marks(c: &mut Canvas<'_>) {
    // Fold marks for a DL envelope (thirds) and the punch mark at the middle.
    c.line((4.0, 105.0), (9.0, 105.0), 0.5);
    c.line((4.0, 210.0), (9.0, 210.0), 0.5);
    c.line((4.0, 148.5), (7.0, 148.5), 0.5);
}

fn sender_block(c: &mut Canvas<'_>, config: &Config) {
    let s = &config.sender;
    c.text(20.0, 18.0, 13.0, true, &s.name);
    c.text(20.0, 23.5, 9.0, false, &s.unit);
    if let Some(phone) = &s.phone {
        c.text(20.0, 28.0, 9.0, false, &format!("Telefon {phone}"));
    }
    c.text(ADDRESS_X, 47.5, 7.0, false, &return_line(config));
}

/// The QR code and the code in letters; `label` (the sheet's place in the envelope) below
/// them, where the sheet may show it.
fn code_block(c: &mut Canvas<'_>, code: &str, label: Option<&str>, qr_top: f32) -> Result<()> {
    let qr_left = 135.0;
    c.qr(qr_left, qr_top, COVER_QR_MM, code)?;
    c.text(qr_left, qr_top + COVER_QR_MM + 6.0, 10.0, true, code);
    if let Some(label) = label {
        c.text(qr_left, qr_top + COVER_QR_MM + 11.0, 9.0, false, label);
    }
    Ok(())
}

/// Wrapped text from `top`, returning the top of the next line.
fn paragraph(c: &mut Canvas<'_>, fonts: &Fonts, top: f32, size: f32, text: &str) -> f32 {
    let mut top = top;
    for line in fonts.wrap(text, size, false, super::mm(170.0)) {
        c.text(20.0, top, size, false, &line);
        top += size * 0.48;
    }
    top
}

/// What shows through the window of the envelope a letter goes in.
enum Window<'a> {
    /// The recipient's address (an ordinary mailing).
    Address(&'a [String]),
    /// The personnummer the forwarding service forwards the inner envelope by.
    IdNumber(&'a str),
}

/// The sheet the forwarding service reads. It tells a third party nothing about the case:
/// no benefit, no documents, no sheet count, no case number, no caseworker.
fn forwarding_page(
    plan: &PrintPlan,
    config: &Config,
    fonts: &Fonts,
    f: &DocFonts,
    address: &[String],
) -> Result<Vec<printpdf::Op>> {
    let mut c = Canvas::new(f, A4_MM.1);
    fold_marks(&mut c);
    c.text(20.0, 18.0, 13.0, true, &config.sender.name);
    c.text(ADDRESS_X, 47.5, 7.0, false, &return_line(config));
    address_block(&mut c, address);
    code_block(&mut c, &sheet_code(plan, 1)?, None, 42.0)?;
    let mut top = 100.0;
    c.text(20.0, top, 14.0, true, p(Paper::ForwardTitle));
    top += 9.0;
    top = paragraph(&mut c, fonts, top, 10.0, p(Paper::ForwardInstruction));
    top += 3.0;
    paragraph(
        &mut c,
        fonts,
        top,
        10.0,
        &i18n::fill(p(Paper::ForwardReturn), &[&return_line(config)]),
    );
    Ok(c.ops)
}

fn address_block(c: &mut Canvas<'_>, address: &[String]) {
    for (i, line) in address.iter().enumerate() {
        c.text(
            ADDRESS_X,
            ADDRESS_FIRST_BASELINE + i as f32 * ADDRESS_LINE,
            ADDRESS_SIZE,
            false,
            line,
        );
    }
}

/// The letter the recipient reads first: who sends it, the case, the date, what the
/// envelope holds and whom to call; one small line for staff.
fn letter_page(
    plan: &PrintPlan,
    config: &Config,
    fonts: &Fonts,
    f: &DocFonts,
    window: Window<'_>,
    total: usize,
) -> Result<Vec<printpdf::Op>> {
    let mut c = Canvas::new(f, A4_MM.1);
    fold_marks(&mut c);
    sender_block(&mut c, config);
    let (sheet, staff) = match window {
        Window::Address(address) => {
            address_block(&mut c, address);
            (1, Paper::StaffCover)
        }
        Window::IdNumber(id_number) => {
            // Only the personnummer goes in the window: the forwarding service forwards by it.
            let shown = if id_number.len() == 12 {
                format!("{}-{}", &id_number[..8], &id_number[8..])
            } else {
                id_number.to_owned()
            };
            c.text(
                ADDRESS_X,
                ADDRESS_FIRST_BASELINE,
                ADDRESS_SIZE,
                true,
                p(Paper::IdNumber),
            );
            c.text(
                ADDRESS_X,
                ADDRESS_FIRST_BASELINE + ADDRESS_LINE,
                ADDRESS_SIZE,
                false,
                &shown,
            );
            (2, Paper::StaffInner)
        }
    };
    // Case facts at the top right (no personnummer of anyone).
    let x = 120.0;
    c.text(
        x,
        18.0,
        9.0,
        false,
        &format!("{} {}", p(Paper::Date), plan.date),
    );
    c.text(
        x,
        23.0,
        9.0,
        true,
        &format!("{} {}", p(Paper::Case), plan.case_no),
    );
    c.text(
        x,
        28.0,
        9.0,
        false,
        &format!("{} {}", p(Paper::Caseworker), plan.caseworker),
    );
    code_block(
        &mut c,
        &sheet_code(plan, sheet)?,
        Some(&format!("ark {sheet}/{total}")),
        42.0,
    )?;

    let mut top = 100.0;
    c.text(20.0, top, 14.0, true, p(Paper::CoverTitle));
    top += 8.0;
    top = paragraph(
        &mut c,
        fonts,
        top,
        10.0,
        &i18n::fill(
            p(Paper::CoverIntro),
            &[&plan.case_no, &benefit_in_sentence(&plan.benefit)],
        ),
    );
    top += 3.0;
    c.text(
        20.0,
        top,
        11.0,
        true,
        &i18n::fill(p(Paper::Contains), &[&total]),
    );
    top += 6.5;
    top = enclosure_list(&mut c, plan, fonts, sheet + 1, top);
    top += 4.0;
    let questions = match &config.sender.phone {
        Some(phone) => i18n::fill(
            p(Paper::QuestionsCall),
            &[&config.sender.name, phone, &plan.case_no],
        ),
        None => i18n::fill(
            p(Paper::QuestionsContact),
            &[&config.sender.name, &plan.case_no],
        ),
    };
    top = paragraph(&mut c, fonts, top, 10.0, &questions);
    // One small line for whoever packs the envelope, kept above the postal sorting zone.
    let staff_top = (top + 6.0).min(SORTING_ZONE_TOP - 6.0);
    for (i, line) in fonts
        .wrap(p(staff), 7.0, false, super::mm(170.0))
        .iter()
        .enumerate()
    {
        c.text(20.0, staff_top + i as f32 * 3.2, 7.0, false, line);
    }
    Ok(c.ops)
}

/// The benefit as a Swedish sentence writes it: "om sjukpenning", but "om BTP".
fn benefit_in_sentence(benefit: &str) -> String {
    let mut chars = benefit.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first
            .to_lowercase()
            .chain(benefit.chars().skip(1))
            .collect(),
        _ => benefit.to_owned(),
    }
}

/// The numbered list of enclosures with the sheets each takes; returns the next line's top.
fn enclosure_list(
    c: &mut Canvas<'_>,
    plan: &PrintPlan,
    fonts: &Fonts,
    first_doc_sheet: u32,
    top: f32,
) -> f32 {
    let mut top = top;
    let mut sheet = first_doc_sheet;
    let list_bottom = SORTING_ZONE_TOP - 40.0;
    for (i, e) in plan.enclosures.iter().enumerate() {
        let last = sheet + e.pages - 1;
        let range = if e.pages == 1 {
            format!("ark {sheet}")
        } else {
            format!("ark {sheet}–{last}")
        };
        let line = format!(
            "{}. {} ({}), {}, {} s., {range}",
            i + 1,
            e.title,
            e.kind,
            e.date,
            e.pages
        );
        let parts = fonts.wrap(&line, 9.5, false, super::mm(165.0));
        if top + parts.len() as f32 * 4.8 > list_bottom {
            let rest = plan.enclosures.len() - i;
            c.text(
                25.0,
                top,
                9.5,
                false,
                &i18n::fill(p(Paper::MoreEnclosures), &[&rest]),
            );
            return top + 5.0;
        }
        for (j, part) in parts.iter().enumerate() {
            c.text(if j == 0 { 22.0 } else { 27.0 }, top, 9.5, false, part);
            top += 4.8;
        }
        sheet = last + 1;
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(name: &str, street: &str) -> Delivery {
        Delivery::Direct {
            name: name.into(),
            address: Address {
                care_of: None,
                street: street.into(),
                postal_code: "11122".into(),
                city: "Stockholm".into(),
                country: crate::country::Country::SWEDEN,
            },
        }
    }

    #[test]
    fn short_address_is_three_lines() {
        let fonts = Fonts::load().expect("fonts");
        let lines = address_lines(&direct("Åsa Öhman", "Storgatan 1"), &fonts).expect("fits");
        assert_eq!(lines, vec!["Åsa Öhman", "Storgatan 1", "111 22 STOCKHOLM"]);
    }

    #[test]
    fn long_names_wrap_and_too_many_lines_are_refused() {
        let fonts = Fonts::load().expect("fonts");
        let long = "Anna-Karin Maria Elisabeth Charlotta Lindqvist-Öberg af Ekenstierna";
        let lines = address_lines(&direct(long, "Storgatan 1"), &fonts).expect("fits");
        assert!(lines.len() > 3);
        let width = super::super::mm(WINDOW_RIGHT - ADDRESS_X - 1.0);
        assert!(
            lines
                .iter()
                .all(|l| fonts.width(l, ADDRESS_SIZE, false) <= width)
        );
        let huge = long.repeat(3);
        assert!(address_lines(&direct(&huge, "Storgatan 1"), &fonts).is_err());
        let one_word = "X".repeat(80);
        assert!(address_lines(&direct(&one_word, "Storgatan 1"), &fonts).is_err());
    }
}
