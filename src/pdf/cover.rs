//! The cover sheet (sheet 1) and, for a protected recipient, the inner-envelope sheet
//! (sheet 2). Positions follow DIN 5008 form B / SS 14 5008: the address band shows through
//! the window of both DL and C5 envelopes.

use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use super::A4_MM;
use super::text::{Canvas, DocFonts, Fonts};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::format_postal_code;
use crate::workflow::{Delivery, PrintPlan};

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

/// The recipient block as printed: wrapped to the window, at most six lines.
pub fn address_lines(delivery: &Delivery, fonts: &Fonts) -> Result<Vec<String>> {
    let (name, address) = match delivery {
        Delivery::Direct { name, address } => (name.as_str(), address),
        Delivery::Forwarded {
            service, address, ..
        } => (service.as_str(), address),
    };
    let width = super::mm(WINDOW_RIGHT - ADDRESS_X - 1.0);
    let mut lines = Vec::new();
    for raw in std::iter::once(name.to_owned()).chain(address.lines()) {
        for line in fonts.wrap(&raw, ADDRESS_SIZE, false, width) {
            if fonts.width(&line, ADDRESS_SIZE, false) > width {
                return Err(Error::Invalid(format!(
                    "the address line \"{line}\" does not fit the envelope window; shorten it in the case register"
                )));
            }
            lines.push(line);
        }
    }
    if lines.len() > MAX_ADDRESS_LINES {
        return Err(Error::Invalid(format!(
            "the address needs {} lines but an envelope window holds {MAX_ADDRESS_LINES}; shorten it in the case register",
            lines.len()
        )));
    }
    Ok(lines)
}

/// Renders the cover sheet, plus the inner-envelope sheet for a forwarded mailing.
pub fn render_front(plan: &PrintPlan, config: &Config, fonts: &Fonts) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&format!("kuvert {} ark 1", plan.case_no));
    let f = DocFonts::add(&mut doc, fonts);
    let address = address_lines(&plan.delivery, fonts)?;
    let total = plan.sheets.len();
    let mut pages = vec![cover_page(plan, config, fonts, &f, &address, total)?];
    if let Delivery::Forwarded {
        recipient_id_number,
        ..
    } = &plan.delivery
    {
        pages.push(inner_page(plan, config, &f, recipient_id_number, total)?);
    }
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

fn code_block(c: &mut Canvas<'_>, code: &str, sheet: u32, total: usize, qr_top: f32) -> Result<()> {
    let qr_left = 135.0;
    c.qr(qr_left, qr_top, COVER_QR_MM, code)?;
    c.text(qr_left, qr_top + COVER_QR_MM + 6.0, 10.0, true, code);
    c.text(
        qr_left,
        qr_top + COVER_QR_MM + 11.0,
        9.0,
        false,
        &format!("ark {sheet}/{total}"),
    );
    Ok(())
}

fn cover_page(
    plan: &PrintPlan,
    config: &Config,
    fonts: &Fonts,
    f: &DocFonts,
    address: &[String],
    total: usize,
) -> Result<Vec<printpdf::Op>> {
    let mut c = Canvas::new(f, A4_MM.1);
    fold_marks(&mut c);
    sender_block(&mut c, config);
    for (i, line) in address.iter().enumerate() {
        c.text(
            ADDRESS_X,
            ADDRESS_FIRST_BASELINE + i as f32 * ADDRESS_LINE,
            ADDRESS_SIZE,
            false,
            line,
        );
    }
    // Case facts at the top right (no personnummer of anyone).
    let x = 120.0;
    c.text(x, 18.0, 9.0, true, &format!("Ärende {}", plan.case_no));
    c.text(x, 23.0, 9.0, false, &plan.benefit);
    c.text(x, 28.0, 9.0, false, &format!("Datum {}", plan.date));
    c.text(
        x,
        33.0,
        9.0,
        false,
        &format!("Handläggare {}", plan.caseworker),
    );
    code_block(&mut c, &sheet_code(plan, 1)?, 1, total, 42.0)?;

    let mut top = 100.0;
    c.text(20.0, top, 14.0, true, "Följebrev – innehåll i detta kuvert");
    top += 9.0;
    if let Delivery::Forwarded { .. } = plan.delivery {
        for line in fonts.wrap(
            "Mottagaren har skyddade personuppgifter. Försändelsen går via Skatteverkets förmedlingstjänst: lägg handlingarna och innerarket (ark 2) i ett inre kuvert, klistra igen det, och lägg det i detta ytterkuvert.",
            9.0,
            false,
            super::mm(170.0),
        ) {
            c.text(20.0, top, 9.0, false, &line);
            top += 4.5;
        }
        top += 3.0;
    }
    c.text(20.0, top, 10.0, true, "Bifogade handlingar");
    top += 6.0;
    let first_doc_sheet = if matches!(plan.delivery, Delivery::Forwarded { .. }) {
        3
    } else {
        2
    };
    let mut sheet = first_doc_sheet;
    let list_bottom = SORTING_ZONE_TOP - 30.0;
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
        for (j, part) in fonts
            .wrap(&line, 9.5, false, super::mm(165.0))
            .iter()
            .enumerate()
        {
            if top > list_bottom {
                c.text(
                    25.0,
                    top,
                    9.5,
                    false,
                    &format!("… och {} handlingar till", plan.enclosures.len() - i),
                );
                top += 5.0;
                break;
            }
            c.text(if j == 0 { 22.0 } else { 27.0 }, top, 9.5, false, part);
            top += 4.8;
        }
        sheet = last + 1;
        if top > list_bottom {
            break;
        }
    }
    top += 5.0;
    c.text(
        20.0,
        top,
        12.0,
        true,
        &format!("Detta kuvert innehåller {total} ark."),
    );
    top += 7.0;
    c.text(
        20.0,
        top,
        10.0,
        false,
        "Skanna varje ark, även detta, innan kuvertet försluts.",
    );
    top += 5.0;
    c.text(
        20.0,
        top,
        10.0,
        false,
        "Ett ark som inte hör hit stoppar förslutningen: lägg det åt sidan.",
    );
    Ok(c.ops)
}

fn inner_page(
    plan: &PrintPlan,
    config: &Config,
    f: &DocFonts,
    id_number: &str,
    total: usize,
) -> Result<Vec<printpdf::Op>> {
    let mut c = Canvas::new(f, A4_MM.1);
    fold_marks(&mut c);
    sender_block(&mut c, config);
    // Only the personnummer goes in the window: Skatteverket forwards by it.
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
        "Personnummer",
    );
    c.text(
        ADDRESS_X,
        ADDRESS_FIRST_BASELINE + ADDRESS_LINE,
        ADDRESS_SIZE,
        false,
        &shown,
    );
    c.text(120.0, 18.0, 9.0, true, &format!("Ärende {}", plan.case_no));
    c.text(
        120.0,
        23.0,
        9.0,
        false,
        "Innerark – skyddade personuppgifter",
    );
    code_block(&mut c, &sheet_code(plan, 2)?, 2, total, 42.0)?;
    let mut top = 100.0;
    c.text(20.0, top, 14.0, true, "Innerkuvert");
    top += 9.0;
    for line in [
        "1. Lägg detta ark överst och handlingarna under det i ett fönsterkuvert (inre kuvert).",
        "2. Personnumret ska synas i fönstret. Ingen adress skrivs på det inre kuvertet.",
        "3. Klistra igen det inre kuvertet och lägg det i ytterkuvertet med följebrevet (ark 1).",
        "4. Ytterkuvertet adresseras till Skatteverkets förmedlingstjänst, som vidarebefordrar.",
    ] {
        c.text(20.0, top, 10.0, false, line);
        top += 6.0;
    }
    Ok(c.ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Address;

    fn direct(name: &str, street: &str) -> Delivery {
        Delivery::Direct {
            name: name.into(),
            address: Address {
                care_of: None,
                street: street.into(),
                postal_code: "11122".into(),
                city: "Stockholm".into(),
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
