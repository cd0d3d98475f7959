//! A widget's field as the field tree says it (PDF 32000-1 §12.7: `/FT`, `/V`, `/DA`, `/Q`,
//! `/Ff`, `/MaxLen`, `/Opt`, `/TI`, `/MK` inherited through `/Parent`): its value, and how
//! a generated appearance should look.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::appearance::{Look, Shown};
use super::metrics::{StandardFont, win_ansi};
use super::{
    FF_COMBO, FF_PASSWORD, FF_PUSHBUTTON, FF_RADIO, FormDefaults, Unprintable, inherited, numbers,
    resolve, states, text_of,
};

/// A widget's field kind and value, from the field tree.
pub(super) enum Value {
    Text(String),
    /// A check box or radio button: the appearance state to draw when it is on.
    Toggle {
        state: Option<Vec<u8>>,
        symbol: u8,
    },
    Choice(Shown),
    Other,
}

pub(super) fn widget_value(
    doc: &Document,
    form: &FormDefaults,
    widget: &Dictionary,
    id: Option<ObjectId>,
) -> (Value, Option<Unprintable>) {
    let ft = inherited(doc, widget, b"FT").and_then(|o| o.as_name().ok());
    let ff = inherited(doc, widget, b"Ff")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0);
    // `/V null` is no value, not an unreadable one.
    let v = inherited(doc, widget, b"V").filter(|o| !matches!(o, Object::Null));
    match ft {
        Some(b"Tx") => {
            let decoded = v.map(text_of);
            if let Some(None) = decoded {
                return (Value::Text(String::new()), Some(Unprintable::Undecodable));
            }
            let mut text = decoded.flatten().unwrap_or_default();
            let rich_only = text.is_empty() && inherited(doc, widget, b"RV").is_some();
            if ff & FF_PASSWORD != 0 {
                text = "*".repeat(text.chars().count());
            }
            let problem = if rich_only {
                Some(Unprintable::RichTextOnly)
            } else {
                missing_chars(&text)
            };
            (Value::Text(text), problem)
        }
        Some(b"Btn") if ff & FF_PUSHBUTTON == 0 => {
            let radio = ff & FF_RADIO != 0;
            let symbol = inherited(doc, widget, b"MK")
                .and_then(|o| o.as_dict().ok())
                .and_then(|mk| mk.get(b"CA").ok())
                .and_then(|o| resolve(doc, o).as_str().ok())
                .and_then(|s| s.first().copied())
                .unwrap_or(if radio { b'l' } else { b'4' });
            match toggle(doc, widget, id, v) {
                Toggle::On(state) => (
                    Value::Toggle {
                        state: Some(state),
                        symbol,
                    },
                    None,
                ),
                Toggle::Off => (
                    Value::Toggle {
                        state: None,
                        symbol,
                    },
                    None,
                ),
                Toggle::Ambiguous => (
                    Value::Toggle {
                        state: None,
                        symbol,
                    },
                    Some(Unprintable::Ambiguous),
                ),
            }
        }
        Some(b"Ch") => {
            let unreadable = match v {
                Some(Object::Array(a)) => a.iter().any(|o| text_of(resolve(doc, o)).is_none()),
                Some(o) => text_of(o).is_none(),
                None => false,
            };
            let (shown, text) = choice(doc, form, widget, v, ff);
            if unreadable {
                return (Value::Choice(shown), Some(Unprintable::Undecodable));
            }
            let problem = missing_chars(&text);
            (Value::Choice(shown), problem)
        }
        _ => (Value::Other, None),
    }
}

fn missing_chars(text: &str) -> Option<Unprintable> {
    // In the order they appear, each once, as the message lists them.
    let mut missing: Vec<char> = Vec::new();
    for c in text.chars() {
        if win_ansi(c).is_none() && !matches!(c, '\n' | '\r') && !missing.contains(&c) {
            missing.push(c);
        }
    }
    (!missing.is_empty()).then(|| Unprintable::Characters(missing.into_iter().collect()))
}

/// Whether a check box or radio button widget is on.
enum Toggle {
    /// On, drawn with this appearance state when the widget has it.
    On(Vec<u8>),
    Off,
    /// Cannot be told for sure (see [`Unprintable::Ambiguous`]).
    Ambiguous,
}

/// Which values of `/V` (and `/AS`) mean this widget is on.
enum OnState {
    /// These names: the widget's own appearance states, and with `/Opt` its export value
    /// and its place among the kids (PDF 32000-1 §12.7.4.2.3).
    Named(Vec<Vec<u8>>),
    /// The field has only this widget: any state but `Off`.
    AnyButOff,
    /// One of several widgets without appearances or `/Opt`: nothing names its state.
    Unknown,
}

fn on_state(doc: &Document, widget: &Dictionary, id: Option<ObjectId>) -> OnState {
    let mut names: Vec<Vec<u8>> = states(doc, widget)
        .into_iter()
        .filter(|s| s != b"Off")
        .collect();
    let kids = widget
        .get(b"Parent")
        .ok()
        .and_then(|p| resolve(doc, p).as_dict().ok())
        .filter(|_| !widget.has(b"T"))
        .and_then(|p| p.get(b"Kids").ok())
        .and_then(|k| resolve(doc, k).as_array().ok())
        .filter(|k| k.len() > 1);
    let Some(kids) = kids else {
        return if names.is_empty() {
            OnState::AnyButOff
        } else {
            OnState::Named(names)
        };
    };
    let place = kids.iter().position(|k| match (k, id) {
        (Object::Reference(r), Some(id)) => *r == id,
        (k, _) => resolve(doc, k).as_dict().ok() == Some(widget),
    });
    let opt = match inherited(doc, widget, b"Opt") {
        Some(Object::Array(opt)) => Some(opt),
        _ => None,
    };
    if let (Some(i), Some(opt)) = (place, opt) {
        names.push(i.to_string().into_bytes());
        if let Some(export) = opt.get(i).map(|o| resolve(doc, o)).and_then(text_of) {
            names.push(export.into_bytes());
        }
    }
    if names.is_empty() {
        OnState::Unknown
    } else {
        OnState::Named(names)
    }
}

/// A name or text string as the state it names.
fn state_name(obj: &Object) -> Option<Vec<u8>> {
    match obj {
        Object::Name(n) => Some(n.clone()),
        Object::String(..) => text_of(obj).map(String::into_bytes),
        _ => None,
    }
}

/// Whether a check box or radio button widget is on: its field's `/V` against the widget's
/// on-state, else its `/AS` when the field has no value.
fn toggle(doc: &Document, widget: &Dictionary, id: Option<ObjectId>, v: Option<&Object>) -> Toggle {
    let v = v.and_then(state_name);
    let shown = widget
        .get(b"AS")
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(state_name);
    let on = |s: &[u8], names: &OnState| match names {
        OnState::Named(n) => n.iter().any(|x| x == s),
        OnState::AnyButOff | OnState::Unknown => s != b"Off",
    };
    let names = on_state(doc, widget, id);
    if let OnState::Unknown = names {
        // Several buttons, none with an appearance or an export value: only /AS can say
        // which is this one.
        return match (v, shown) {
            (None, _) => Toggle::Off,
            (Some(v), _) if v == b"Off" => Toggle::Off,
            (Some(v), Some(s)) if s == v => Toggle::On(s),
            (Some(_), Some(_)) => Toggle::Off,
            (Some(_), None) => Toggle::Ambiguous,
        };
    }
    // /V is the field's value and /AS only which appearance to draw, but readers differ
    // on which they show when the two disagree: poppler and pdf.js draw the /AS appearance,
    // a form view (Acrobat, pdf.js's form layer) takes /V. Whichever kuvert printed, some
    // caseworker's reader would have shown the other, so a disagreement is refused.
    let by_value = v.as_deref().map(|v| on(v, &names));
    let by_look = shown.as_deref().map(|s| on(s, &names));
    match (by_value, by_look) {
        (Some(a), Some(b)) if a != b => Toggle::Ambiguous,
        // /AS names the widget's own appearance (/V may be the group's export value).
        (_, Some(true)) => shown.map_or(Toggle::Off, Toggle::On),
        (Some(true), None) => v.map_or(Toggle::Off, Toggle::On),
        _ => Toggle::Off,
    }
}

/// A choice field's options as (export value, display text).
fn options(doc: &Document, widget: &Dictionary) -> Vec<(String, String)> {
    let Some(Object::Array(opt)) = inherited(doc, widget, b"Opt") else {
        return Vec::new();
    };
    opt.iter()
        .filter_map(|o| match resolve(doc, o) {
            Object::Array(pair) if pair.len() >= 2 => Some((
                text_of(resolve(doc, &pair[0]))?,
                text_of(resolve(doc, &pair[1]))?,
            )),
            other => text_of(other).map(|t| (t.clone(), t)),
        })
        .collect()
}

fn choice(
    doc: &Document,
    form: &FormDefaults,
    widget: &Dictionary,
    v: Option<&Object>,
    ff: i64,
) -> (Shown, String) {
    let opts = options(doc, widget);
    let values: Vec<String> = match v {
        Some(Object::Array(a)) => a.iter().filter_map(|o| text_of(resolve(doc, o))).collect(),
        Some(o) => text_of(o).into_iter().collect(),
        None => Vec::new(),
    };
    let display = |value: &String| {
        opts.iter()
            .find(|(export, _)| export == value)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| value.clone())
    };
    let align = inherited(doc, widget, b"Q")
        .and_then(|o| o.as_i64().ok())
        .or(form.align)
        .unwrap_or(0);
    if ff & FF_COMBO != 0 {
        let text = values.first().map(display).unwrap_or_default();
        let shown = Shown::Text {
            value: text.clone(),
            multiline: false,
            comb: None,
            align,
        };
        return (shown, text);
    }
    // /V is the value; /I only says which of several options with the same text are meant
    // (PDF 32000-1 §12.7.4.4: where the two differ, /V is used). So /I is taken only when
    // every index it lists is an option /V selects.
    let by_value: Vec<usize> = opts
        .iter()
        .enumerate()
        .filter(|(_, (export, shown))| values.contains(export) || values.contains(shown))
        .map(|(i, _)| i)
        .collect();
    let hint: Vec<usize> = match inherited(doc, widget, b"I") {
        Some(Object::Array(i)) => i
            .iter()
            .filter_map(|o| resolve(doc, o).as_i64().ok())
            .filter_map(|i| usize::try_from(i).ok())
            .collect(),
        _ => Vec::new(),
    };
    let selected = if !hint.is_empty() && hint.iter().all(|i| by_value.contains(i)) {
        hint
    } else {
        by_value
    };
    let top = inherited(doc, widget, b"TI")
        .and_then(|o| o.as_i64().ok())
        .and_then(|t| usize::try_from(t).ok())
        .unwrap_or(0);
    let shown_text: Vec<String> = opts.into_iter().map(|(_, d)| d).collect();
    let all = shown_text.join("\n");
    (
        Shown::List {
            options: shown_text,
            selected,
            top,
        },
        all,
    )
}

/// The font of that name in a resource dictionary.
fn font_in<'a>(
    doc: &'a Document,
    resources: Option<&'a Dictionary>,
    name: &[u8],
) -> Option<&'a Dictionary> {
    resources
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|f| resolve(doc, f).as_dict().ok())
        .and_then(|f| f.get(name).ok())
        .and_then(|f| resolve(doc, f).as_dict().ok())
}

/// The font, size and colour a widget's `/DA` asks for; a font that is not one of the
/// standard 14 (or is Symbol/ZapfDingbats) becomes Helvetica.
fn default_appearance(
    doc: &Document,
    form: &FormDefaults,
    widget: &Dictionary,
) -> (StandardFont, f32, Vec<f32>) {
    let da = inherited(doc, widget, b"DA")
        .and_then(|o| o.as_str().ok())
        .map(<[u8]>::to_vec)
        .or_else(|| form.da.clone())
        .unwrap_or_default();
    let da = String::from_utf8_lossy(&da).into_owned();
    let mut stack: Vec<&str> = Vec::new();
    let (mut font_name, mut size, mut color) = (None, 0.0f32, Vec::new());
    for token in da.split_whitespace() {
        let take = |stack: &[&str], n: usize| -> Vec<f32> {
            stack[stack.len().saturating_sub(n)..]
                .iter()
                .filter_map(|t| t.parse().ok())
                .collect()
        };
        match token {
            "Tf" if stack.len() >= 2 => {
                font_name = stack[stack.len() - 2].strip_prefix('/').map(str::to_owned);
                // "inf" and "NaN" parse as f32 but would draw nothing: auto size.
                size = stack[stack.len() - 1]
                    .parse::<f32>()
                    .ok()
                    .filter(|s| s.is_finite())
                    .unwrap_or(0.0);
            }
            "g" => color = take(&stack, 1),
            "rg" => color = take(&stack, 3),
            "k" => color = take(&stack, 4),
            _ => {
                stack.push(token);
                continue;
            }
        }
        stack.clear();
    }
    let font = font_name
        .and_then(|name| {
            // A field's own /DR (as Acrobat writes some) comes before the form's.
            let own = inherited(doc, widget, b"DR").and_then(|o| o.as_dict().ok());
            let dr_font = font_in(doc, own, name.as_bytes())
                .or_else(|| font_in(doc, form.resources.as_ref(), name.as_bytes()));
            match dr_font {
                Some(f) if f.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type1") => f
                    .get(b"BaseFont")
                    .and_then(Object::as_name)
                    .ok()
                    .and_then(StandardFont::named),
                Some(_) => None,
                // Acrobat's customary names when the form has no /DR entry for them.
                None => match name.as_str() {
                    "Helv" => StandardFont::named(b"Helvetica"),
                    "HeBo" => StandardFont::named(b"Helvetica-Bold"),
                    "TiRo" => StandardFont::named(b"Times-Roman"),
                    "Cour" => StandardFont::named(b"Courier"),
                    _ => None,
                },
            }
        })
        .unwrap_or(StandardFont::HELVETICA);
    (font, size.max(0.0), color)
}

pub(super) fn look(doc: &Document, form: &FormDefaults, widget: &Dictionary, r: [f32; 4]) -> Look {
    let (font, size, color) = default_appearance(doc, form, widget);
    let mk = inherited(doc, widget, b"MK").and_then(|o| o.as_dict().ok());
    let mk_color = |key: &[u8]| numbers(doc, mk.and_then(|m| m.get(key).ok()));
    let border_width = widget
        .get(b"BS")
        .ok()
        .and_then(|o| resolve(doc, o).as_dict().ok())
        .and_then(|bs| bs.get(b"W").ok())
        .and_then(|w| resolve(doc, w).as_float().ok())
        .unwrap_or(1.0);
    let rotation = mk
        .and_then(|m| m.get(b"R").ok())
        .and_then(|o| resolve(doc, o).as_i64().ok())
        .unwrap_or(0)
        .rem_euclid(360);
    Look {
        width: r[2] - r[0],
        height: r[3] - r[1],
        rotation,
        font,
        size,
        color,
        background: mk_color(b"BG"),
        border: mk_color(b"BC"),
        border_width,
    }
}
