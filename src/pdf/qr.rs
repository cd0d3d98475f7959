//! QR modules for sheet codes: error correction M; a 20-character code of `A–Z0–9` is
//! alphanumeric mode and fits version 1 (21 × 21 modules).

use qrcode::{Color, EcLevel, QrCode};

use crate::error::{Error, Result};

/// Quiet zone the QR standard asks for, in modules, on every side.
pub const QUIET_ZONE_MODULES: usize = 4;

/// The dark/light modules of one QR symbol.
pub struct Matrix {
    pub width: usize,
    dark: Vec<bool>,
}

/// A horizontal run of dark modules: drawn as one rectangle (fewer PDF operations, and no
/// hairline gaps between neighbouring modules at print resolution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub row: usize,
    pub col: usize,
    pub len: usize,
}

impl Matrix {
    /// Encodes `text` with error correction level M.
    pub fn new(text: &str) -> Result<Self> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|e| Error::Pdf(format!("QR code for {text}: {e}")))?;
        Ok(Self {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// Row-wise runs of dark modules.
    pub fn dark_runs(&self) -> Vec<Run> {
        let mut runs = Vec::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if self.dark[row * self.width + col] {
                    let start = col;
                    while col < self.width && self.dark[row * self.width + col] {
                        col += 1;
                    }
                    runs.push(Run {
                        row,
                        col: start,
                        len: col - start,
                    });
                } else {
                    col += 1;
                }
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_code_is_version_one() {
        let m = Matrix::new("KV10000000000000111Z").expect("encodes");
        assert_eq!(m.width, 21);
        let dark: usize = m.dark_runs().iter().map(|r| r.len).sum();
        assert_eq!(dark, m.dark.iter().filter(|d| **d).count());
    }
}
