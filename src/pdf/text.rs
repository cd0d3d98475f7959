//! The embedded fonts and the few drawing primitives the generated pages need.

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, Point, Pt, Rect, TextItem,
};

use crate::error::{Error, Result};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// DejaVu Sans, regular and bold: embedded (subset) in every generated page, so å, ä, ö and
/// é print the same on every printer.
pub struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

impl Fonts {
    /// Parses the bundled fonts.
    pub fn load() -> Result<Self> {
        let parse = |bytes: &[u8], name: &str| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
                .ok_or_else(|| Error::Pdf(format!("the bundled font {name} does not parse")))
        };
        Ok(Self {
            regular: parse(REGULAR, "DejaVuSans")?,
            bold: parse(BOLD, "DejaVuSans-Bold")?,
        })
    }

    /// Width of `text` in points at `size`.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold } else { &self.regular };
        let per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                font.lookup_glyph_index(c as u32)
                    .map(|g| u32::from(font.get_horizontal_advance(g)))
                    .unwrap_or(per_em as u32 / 2)
            })
            .sum();
        units as f32 / per_em * size
    }

    /// Splits `text` into lines no wider than `max_width` points.
    pub fn wrap(&self, text: &str, size: f32, bold: bool, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size, bold) <= max_width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_owned();
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// The font handles of one document.
pub struct DocFonts {
    pub regular: FontId,
    pub bold: FontId,
}

impl DocFonts {
    /// Adds both fonts to a document.
    pub fn add(doc: &mut PdfDocument, fonts: &Fonts) -> Self {
        Self {
            regular: doc.add_font(&fonts.regular),
            bold: doc.add_font(&fonts.bold),
        }
    }
}

/// A page's drawing operations, with positions in millimetres from the top-left corner (as
/// envelope and window standards measure them).
pub struct Canvas<'a> {
    pub ops: Vec<Op>,
    fonts: &'a DocFonts,
    page_height_mm: f32,
}

impl<'a> Canvas<'a> {
    pub fn new(fonts: &'a DocFonts, page_height_mm: f32) -> Self {
        Self {
            ops: Vec::new(),
            fonts,
            page_height_mm,
        }
    }

    /// Text with its baseline at `top_mm` from the top edge.
    pub fn text(&mut self, x_mm: f32, top_mm: f32, size: f32, bold: bool, text: &str) {
        let font = if bold {
            self.fonts.bold.clone()
        } else {
            self.fonts.regular.clone()
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(super::mm(x_mm)),
                    y: Pt(super::mm(self.page_height_mm - top_mm)),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// A filled rectangle; `top_mm` is its upper edge.
    pub fn fill_rect(&mut self, x_mm: f32, top_mm: f32, w_mm: f32, h_mm: f32, grey: f32) {
        self.ops.push(Op::SetFillColor {
            col: Color::Greyscale(Greyscale::new(grey, None)),
        });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(super::mm(x_mm)),
                y: Pt(super::mm(self.page_height_mm - top_mm - h_mm)),
                width: Pt(super::mm(w_mm)),
                height: Pt(super::mm(h_mm)),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
        // Back to black, so text drawn after a shaded box is not shaded too.
        self.ops.push(Op::SetFillColor {
            col: Color::Greyscale(Greyscale::new(0.0, None)),
        });
    }

    /// A thin black line.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width_pt: f32) {
        let point = |(x, top): (f32, f32)| LinePoint {
            p: Point {
                x: Pt(super::mm(x)),
                y: Pt(super::mm(self.page_height_mm - top)),
            },
            bezier: false,
        };
        self.ops.push(Op::SetOutlineColor {
            col: Color::Greyscale(Greyscale::new(0.0, None)),
        });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width_pt) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![point(from), point(to)],
                is_closed: false,
            },
        });
    }

    /// A QR code of `text` whose symbol (without quiet zone) is `size_mm` wide; the quiet
    /// zone is left white around it and must be kept free by the caller.
    pub fn qr(&mut self, x_mm: f32, top_mm: f32, size_mm: f32, text: &str) -> Result<()> {
        let matrix = super::qr::Matrix::new(text)?;
        let module = size_mm / matrix.width as f32;
        for run in matrix.dark_runs() {
            self.fill_rect(
                x_mm + run.col as f32 * module,
                top_mm + run.row as f32 * module,
                run.len as f32 * module,
                module,
                0.0,
            );
        }
        Ok(())
    }
}
