//! One file per screen; each owns its state and draws itself without I/O.

pub mod case;
pub mod compose;
pub mod lead;
pub mod review;
pub mod start;
pub mod station;
pub mod verify;

use std::cell::Cell;

use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

/// A text field's line: the prompt, what was typed (sanitised, bold) and the cursor.
pub fn input_line(typed: &str) -> Line<'static> {
    Line::from(vec![
        Span::raw("> "),
        Span::styled(crate::tui::sanitize(typed), Style::new().bold()),
        Span::styled("█", Style::new().fg(Color::DarkGray)),
    ])
}

/// Where a list's rows were last drawn and which row was at the top, so a mouse click can
/// be mapped to a row. Written while drawing (a `Cell`: drawing reads state only).
#[derive(Debug, Default)]
pub struct ListGeometry(Cell<(Rect, usize)>);

impl ListGeometry {
    /// Remembers the rows' area (one line a row) and the first row shown.
    pub fn set(&self, rows: Rect, offset: usize) {
        self.0.set((rows, offset));
    }

    /// The row under a click, if the click was on a row that exists.
    pub fn row_at(&self, x: u16, y: u16, len: usize) -> Option<usize> {
        let (rows, offset) = self.0.get();
        if !rows.contains(Position { x, y }) {
            return None;
        }
        let row = offset + usize::from(y - rows.y);
        (row < len).then_some(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_map_to_rows_below_the_offset() {
        let g = ListGeometry::default();
        g.set(Rect::new(1, 5, 30, 10), 3);
        assert_eq!(g.row_at(2, 5, 20), Some(3));
        assert_eq!(g.row_at(2, 9, 20), Some(7));
        assert_eq!(g.row_at(2, 9, 6), None, "below the last row");
        assert_eq!(g.row_at(0, 5, 20), None, "on the border");
        assert_eq!(g.row_at(2, 15, 20), None, "under the list");
    }
}
