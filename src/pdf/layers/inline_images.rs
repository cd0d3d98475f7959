//! Inline images (`BI … ID … EI`) set aside while lopdf reads a content stream, and put back
//! byte for byte when it is written again.
//!
//! lopdf 0.44 drops inline images it cannot decode (any with a filter, or an ICC or indexed
//! colour space, which is most of what scanners and reportlab write) and writes the ones it
//! keeps back as a `stream … endstream` object, which no viewer reads. So each inline image is
//! cut out of the bytes before parsing and replaced by a placeholder operation
//! `N KuvertInlineImage`; [`encode`] writes the original bytes in its place.

use lopdf::content::{Content, Operation};

/// The placeholder operator; alphabetic so lopdf reads it as an operator.
pub(super) const PLACEHOLDER: &str = "KuvertInlineImage";

fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(c: u8) -> bool {
    !is_white(c) && !is_delimiter(c)
}

/// The span of the next token from `i` (whitespace and comments skipped): a whole string,
/// name, number, operator, or one of `<< >> [ ] { }`.
fn next_token(data: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let n = data.len();
    loop {
        while i < n && is_white(data[i]) {
            i += 1;
        }
        if i < n && data[i] == b'%' {
            while i < n && data[i] != b'\n' && data[i] != b'\r' {
                i += 1;
            }
            continue;
        }
        break;
    }
    if i >= n {
        return None;
    }
    let start = i;
    match data[i] {
        b'(' => {
            let mut depth = 0usize;
            while i < n {
                match data[i] {
                    b'\\' => i += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        b'<' | b'>' if data.get(i + 1) == Some(&data[i]) => i += 2,
        b'<' => {
            while i < n && data[i] != b'>' {
                i += 1;
            }
            i += 1;
        }
        b'/' => {
            i += 1;
            while i < n && is_regular(data[i]) {
                i += 1;
            }
        }
        c if is_regular(c) => {
            while i < n && is_regular(data[i]) {
                i += 1;
            }
        }
        _ => i += 1,
    }
    Some((start, i.min(n)))
}

/// What the image dictionary says about where its data ends.
#[derive(Default)]
struct ImageHeader {
    width: Option<usize>,
    height: Option<usize>,
    bits: Option<usize>,
    colours: Option<usize>,
    mask: bool,
    filter: Option<Vec<u8>>,
}

impl ImageHeader {
    /// The length of unfiltered data, when the dictionary gives all it takes.
    fn plain_length(&self) -> Option<usize> {
        if self.filter.is_some() {
            return None;
        }
        let colours = if self.mask { 1 } else { self.colours? };
        let stride = (self.width? * colours * self.bits.unwrap_or(1)).div_ceil(8);
        Some(stride * self.height?)
    }
}

fn number(token: &[u8]) -> Option<usize> {
    std::str::from_utf8(token).ok()?.parse().ok()
}

/// Reads the image dictionary from just after `BI` up to `ID`; returns the header and the
/// offset of the first data byte.
fn header(data: &[u8], mut i: usize) -> Result<(ImageHeader, usize), String> {
    let mut h = ImageHeader::default();
    let mut key: Option<Vec<u8>> = None;
    while let Some((s, e)) = next_token(data, i) {
        i = e;
        let token = &data[s..e];
        if token == b"ID" {
            // One white-space byte separates ID from the data.
            return Ok((h, (e + 1).min(data.len())));
        }
        if token == b"[" {
            continue; // a filter array: its first filter decides where the data ends
        }
        match key.take() {
            None if token.starts_with(b"/") => key = Some(token[1..].to_vec()),
            None => {}
            Some(k) => {
                let name = token.strip_prefix(b"/").unwrap_or(token);
                match k.as_slice() {
                    b"W" | b"Width" => h.width = number(token),
                    b"H" | b"Height" => h.height = number(token),
                    b"BPC" | b"BitsPerComponent" => h.bits = number(token),
                    b"IM" | b"ImageMask" => h.mask = token == b"true",
                    b"CS" | b"ColorSpace" => {
                        h.colours = match name {
                            b"G" | b"DeviceGray" | b"CalGray" => Some(1),
                            b"RGB" | b"DeviceRGB" | b"CalRGB" => Some(3),
                            b"CMYK" | b"DeviceCMYK" => Some(4),
                            _ => None,
                        }
                    }
                    b"F" | b"Filter" => h.filter = Some(name.to_vec()),
                    _ => {}
                }
            }
        }
    }
    Err("an inline image has no ID".into())
}

/// Whether `EI` at `p` ends the image: white space before it, and white space, a delimiter
/// or the end after it, followed by something that can start an operand or operator.
fn ends_at(data: &[u8], p: usize) -> bool {
    let n = data.len();
    if p == 0 || p + 2 > n || &data[p..p + 2] != b"EI" || !is_white(data[p - 1]) {
        return false;
    }
    if p + 2 < n && is_regular(data[p + 2]) {
        return false;
    }
    match next_token(data, p + 2) {
        None => true,
        Some((s, _)) => {
            let c = data[s];
            c.is_ascii_graphic()
        }
    }
}

/// The offset just past the `EI` of the inline image whose `BI` ends at `after_bi`.
fn image_end(data: &[u8], after_bi: usize) -> Result<usize, String> {
    let (h, start) = header(data, after_bi)?;
    let n = data.len();
    let search_from = match h.filter.as_deref() {
        Some(b"A85" | b"ASCII85Decode") => find(data, start, b"~>").map(|p| p + 2),
        Some(b"AHx" | b"ASCIIHexDecode") => find(data, start, b">").map(|p| p + 1),
        _ => None,
    };
    if let Some(len) = h.plain_length() {
        let mut p = start + len;
        while p < n && is_white(data[p]) {
            p += 1;
        }
        if ends_at(data, p) || (p + 2 == n && &data[p..] == b"EI") {
            return Ok(p + 2);
        }
    }
    let mut p = search_from.unwrap_or(start);
    while p + 2 <= n {
        if ends_at(data, p) {
            return Ok(p + 2);
        }
        p += 1;
    }
    Err("an inline image has no end (EI)".into())
}

fn find(data: &[u8], from: usize, what: &[u8]) -> Option<usize> {
    data.get(from..)?
        .windows(what.len())
        .position(|w| w == what)
        .map(|p| p + from)
}

/// The content with each inline image replaced by a placeholder, and the images' bytes.
pub(super) fn set_aside(data: &[u8]) -> Result<(Vec<u8>, Vec<Vec<u8>>), String> {
    let mut out = Vec::with_capacity(data.len());
    let mut images = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some((s, e)) = next_token(data, i) {
        i = e;
        if &data[s..e] == b"BI" {
            let end = image_end(data, e)?;
            out.extend_from_slice(&data[copied..s]);
            out.extend_from_slice(format!(" {} {PLACEHOLDER} ", images.len()).as_bytes());
            images.push(data[s..end].to_vec());
            copied = end;
            i = end;
        }
    }
    out.extend_from_slice(&data[copied..]);
    Ok((out, images))
}

/// Writes the operations as a content stream, each inline image as its original bytes.
pub(super) fn encode(operations: &[Operation], images: &[Vec<u8>]) -> lopdf::Result<Vec<u8>> {
    let mut out = Vec::new();
    for op in operations {
        if op.operator == PLACEHOLDER {
            let image = op
                .operands
                .first()
                .and_then(|o| o.as_i64().ok())
                .and_then(|i| images.get(usize::try_from(i).ok()?));
            if let Some(bytes) = image {
                out.extend_from_slice(bytes);
            }
        } else {
            out.extend_from_slice(
                &Content {
                    operations: std::slice::from_ref(op),
                }
                .encode()?,
            );
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// The placeholder's image index.
#[cfg(test)]
fn index(op: &Operation) -> Option<i64> {
    match op.operands.first() {
        Some(lopdf::Object::Integer(i)) => Some(*i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8]) -> Vec<u8> {
        let (masked, images) = set_aside(data).expect("set aside");
        let content = Content::decode_strict(&masked).expect("decode");
        encode(&content.operations, &images).expect("encode")
    }

    #[test]
    fn filtered_image_survives_byte_for_byte() {
        let image = b"BI /W 2 /H 2 /BPC 8 /CS /G /F [/A85 /Fl] ID\nGb\"0QIn EI ~>\nEI";
        let mut data = b"q 10 0 0 10 0 0 cm\n".to_vec();
        data.extend_from_slice(image);
        data.extend_from_slice(b"\nQ BT (BI in a string) Tj ET");
        let (masked, images) = set_aside(&data).expect("set aside");
        assert_eq!(images, vec![image.to_vec()]);
        let ops = Content::decode_strict(&masked).expect("decode").operations;
        let placeholder = ops
            .iter()
            .find(|o| o.operator == PLACEHOLDER)
            .expect("kept");
        assert_eq!(index(placeholder), Some(0));
        let out = round_trip(&data);
        assert!(out.windows(image.len()).any(|w| w == image), "{out:?}");
        assert!(out.ends_with(b"(BI in a string) Tj\nET\n"));
    }

    #[test]
    fn plain_image_with_ei_in_its_data() {
        // 4 bytes of grey data that contain " EI ".
        let data = b"BI /W 4 /H 1 /BPC 8 /CS /DeviceGray ID  EI \nEI Q";
        let (_, images) = set_aside(data).expect("set aside");
        assert_eq!(images[0], data[..data.len() - 2].to_vec());
    }

    #[test]
    fn missing_end_is_an_error() {
        assert!(set_aside(b"BI /W 1 /H 1 /F /Fl ID \x01\x02").is_err());
    }

    #[test]
    fn lopdf_alone_loses_inline_images() {
        // Why this module exists: lopdf drops a filtered inline image on the floor.
        let data = b"BI /W 2 /H 2 /BPC 8 /CS /G /F /AHx ID\n00ff00ff>\nEI\nQ";
        let ops = Content::decode(data).expect("decode").operations;
        assert!(ops.iter().all(|o| o.operands.is_empty()), "{ops:?}");
        assert_eq!(round_trip(data), [data.as_slice(), b"\n"].concat());
    }
}
