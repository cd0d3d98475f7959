//! Whether an image is blank under a part of the page: a scanned page is one image that
//! covers the whole sheet, so its box says nothing about where the paper is written on. The
//! pixels do. JPEG (DCT), CCITT fax, and raw or Flate/LZW samples are read; an image that
//! cannot be read counts as ink everywhere it lies.
//!
//! A scanned journal is one such image a page, so this is the print's heaviest work: the
//! image data is read where it lies in the document ([`super::raw`]), decoded straight to
//! grey into a buffer that the next image reuses, and judged on the grey values.

use lopdf::{Document, Object, ObjectId, Stream};

use super::ink::{Area, Matrix, apply};

/// A pixel darker than this (0 black … 255 white) is ink. Paper tone and JPEG noise of a
/// scanned white sheet stay well above it.
const INK_BELOW: u8 = 200;
/// Dust: up to this share of ink pixels (and at least a few pixels) still counts as blank.
const DUST: f64 = 0.001;
const MAX_SAMPLE_BYTES: usize = 256 * 1024 * 1024;
const MAX_PIXELS: usize = 20_000 * 20_000;

/// The images decoded last, so that the corners of one page are judged on one decoding:
/// a page's images, not a whole document's (150 scanned pages would be 600 MB of pixels).
const KEPT: usize = 2;

/// Decoded images of the pages being stamped, the last few kept, each read once while kept.
pub struct Pixels<'s> {
    /// Where the images left in their documents are ([`super::raw::content`]).
    sources: &'s [&'s [u8]],
    cache: Vec<(ObjectId, Option<Image>)>,
    /// The buffer of an image no longer kept, for the next one.
    spare: Vec<u8>,
}

/// An image's pixels in grey (0 black … 255 white), row 0 at the top.
struct Image {
    width: usize,
    height: usize,
    grey: Vec<u8>,
}

impl<'s> Pixels<'s> {
    /// A cache for images of documents whose large images stay in `sources`.
    pub fn new(sources: &'s [&'s [u8]]) -> Self {
        Self {
            sources,
            cache: Vec::new(),
            spare: Vec::new(),
        }
    }

    /// True when the image drawn with `ctm` puts no ink inside `region` (both in the same
    /// space). An image that does not reach the region is blank there.
    pub fn blank_under(
        &mut self,
        doc: &Document,
        id: ObjectId,
        ctm: &Matrix,
        region: &Area,
    ) -> bool {
        let Some(inverse) = invert(ctm) else {
            return true; // a degenerate transform draws nothing
        };
        let corners = [
            apply(&inverse, region[0], region[1]),
            apply(&inverse, region[2], region[1]),
            apply(&inverse, region[0], region[3]),
            apply(&inverse, region[2], region[3]),
        ];
        let u0 = corners
            .iter()
            .map(|c| c.0)
            .fold(f32::MAX, f32::min)
            .max(0.0);
        let u1 = corners
            .iter()
            .map(|c| c.0)
            .fold(f32::MIN, f32::max)
            .min(1.0);
        let v0 = corners
            .iter()
            .map(|c| c.1)
            .fold(f32::MAX, f32::min)
            .max(0.0);
        let v1 = corners
            .iter()
            .map(|c| c.1)
            .fold(f32::MIN, f32::max)
            .min(1.0);
        if u0 >= u1 || v0 >= v1 {
            return true;
        }
        let at = match self.cache.iter().position(|(i, _)| *i == id) {
            Some(at) => at,
            None => {
                if self.cache.len() >= KEPT
                    && let (_, Some(old)) = self.cache.remove(0)
                {
                    self.spare = old.grey;
                }
                let buffer = std::mem::take(&mut self.spare);
                let image = doc
                    .get_object(id)
                    .ok()
                    .and_then(|o| o.as_stream().ok())
                    .and_then(|stream| decode(doc, stream, self.sources, buffer));
                self.cache.push((id, image));
                self.cache.len() - 1
            }
        };
        let Some(image) = &self.cache[at].1 else {
            return false;
        };
        let (w, h) = (image.width as f32, image.height as f32);
        let x0 = (u0 * w).floor() as usize;
        let x1 = ((u1 * w).ceil() as usize).min(image.width);
        // Image row 0 is the top of the unit square (v = 1).
        let y0 = ((1.0 - v1) * h).floor() as usize;
        let y1 = (((1.0 - v0) * h).ceil() as usize).min(image.height);
        let mut inked = 0usize;
        for y in y0..y1 {
            let row = &image.grey[y * image.width..(y + 1) * image.width];
            inked += row[x0..x1].iter().filter(|&&v| v < INK_BELOW).count();
        }
        let total = (x1.saturating_sub(x0)) * (y1.saturating_sub(y0));
        inked as f64 <= (total as f64 * DUST).max(4.0)
    }
}

fn invert(m: &Matrix) -> Option<Matrix> {
    let det = m[0] * m[3] - m[1] * m[2];
    if det.abs() < 1e-9 {
        return None;
    }
    let (a, b, c, d) = (m[3] / det, -m[1] / det, -m[2] / det, m[0] / det);
    Some([a, b, c, d, -(m[4] * a + m[5] * c), -(m[4] * b + m[5] * d)])
}

fn int(doc: &Document, dict: &lopdf::Dictionary, key: &[u8]) -> Option<i64> {
    let o = dict.get(key).ok()?;
    doc.dereference(o).ok()?.1.as_i64().ok()
}

fn boolean(dict: &lopdf::Dictionary, key: &[u8]) -> Option<bool> {
    dict.get(key).ok()?.as_bool().ok()
}

/// True when the image's /Decode array inverts its first component.
fn inverted(dict: &lopdf::Dictionary) -> bool {
    let Ok(arr) = dict.get(b"Decode").and_then(Object::as_array) else {
        return false;
    };
    match (arr.first(), arr.get(1)) {
        (Some(a), Some(b)) => a.as_float().unwrap_or(0.0) > b.as_float().unwrap_or(1.0),
        _ => false,
    }
}

/// Decodes an image to grey, into `buffer` where the decoder allows.
fn decode(doc: &Document, stream: &Stream, sources: &[&[u8]], buffer: Vec<u8>) -> Option<Image> {
    let dict = &stream.dict;
    let width = usize::try_from(int(doc, dict, b"Width")?).ok()?;
    let height = usize::try_from(int(doc, dict, b"Height")?).ok()?;
    if width == 0 || height == 0 || width.checked_mul(height)? > MAX_PIXELS {
        return None;
    }
    let filters: Vec<&[u8]> = stream.filters().unwrap_or_default();
    let mask = boolean(dict, b"ImageMask").unwrap_or(false);
    match filters.as_slice() {
        [b"DCTDecode" | b"DCT"] => {
            jpeg(super::raw::content(stream, sources)?, width, height, buffer)
        }
        [b"CCITTFaxDecode" | b"CCF"] => ccitt(
            doc,
            stream,
            super::raw::content(stream, sources)?,
            width,
            height,
        ),
        _ => {
            let known = filters.iter().all(|f| {
                matches!(
                    *f,
                    b"FlateDecode" | b"Fl" | b"LZWDecode" | b"LZW" | b"ASCII85Decode" | b"A85"
                )
            });
            if !known {
                return None; // JPX, JBIG2, … : counted as ink
            }
            let samples = super::raw::loaded(stream, sources)?
                .get_plain_content_with_limit(MAX_SAMPLE_BYTES)
                .ok()?;
            raw(doc, dict, &samples, width, height, mask)
        }
    }
}

fn jpeg(data: &[u8], width: usize, height: usize, mut buffer: Vec<u8>) -> Option<Image> {
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(width.max(1))
        .set_max_height(height.max(1));
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(std::io::Cursor::new(data), options);
    decoder.decode_headers().ok()?;
    // CMYK and YCCK JPEGs (often stored inverted) are not judged: they count as ink.
    if matches!(
        decoder.input_colorspace(),
        Some(ColorSpace::CMYK | ColorSpace::YCCK)
    ) {
        return None;
    }
    let size = decoder.output_buffer_size()?;
    let (w, h) = decoder.dimensions()?;
    if size != w * h {
        return None; // not one grey sample a pixel
    }
    // The decoder writes every sample: a buffer of the right size is not cleared first.
    if buffer.len() != size {
        buffer.clear();
        buffer.resize(size, 0);
    }
    decoder.decode_into(&mut buffer).ok()?;
    Some(Image {
        width: w,
        height: h,
        grey: buffer,
    })
}

struct Rows {
    width: usize,
    grey: Vec<u8>,
    ink_is_black: bool,
    rows: usize,
}

/// The grey of a bilevel pixel.
fn bilevel(ink: bool) -> u8 {
    if ink { 0 } else { 255 }
}

impl hayro_ccitt::Decoder for Rows {
    fn push_row(&mut self, changes: &[u32]) {
        let mut row = vec![bilevel(!self.ink_is_black); self.width];
        let mut i = 0;
        while i < changes.len() {
            let start = (changes[i] as usize).min(self.width);
            let end = changes
                .get(i + 1)
                .map(|&c| c as usize)
                .unwrap_or(self.width)
                .min(self.width);
            for px in &mut row[start..end.max(start)] {
                *px = bilevel(self.ink_is_black);
            }
            i += 2;
        }
        self.grey.extend_from_slice(&row);
        self.rows += 1;
    }
}

fn ccitt(
    doc: &Document,
    stream: &Stream,
    data: &[u8],
    width: usize,
    height: usize,
) -> Option<Image> {
    use hayro_ccitt::{DecodeSettings, DecoderContext, EncodingMode};
    let dict = &stream.dict;
    let params = dict
        .get(b"DecodeParms")
        .ok()
        .and_then(|p| match p {
            Object::Array(a) => a.first(),
            other => Some(other),
        })
        .and_then(|p| doc.dereference(p).ok())
        .and_then(|(_, p)| p.as_dict().ok());
    let get_int =
        |key: &[u8], default: i64| params.and_then(|p| int(doc, p, key)).unwrap_or(default);
    let get_bool =
        |key: &[u8], default: bool| params.and_then(|p| boolean(p, key)).unwrap_or(default);
    let k = get_int(b"K", 0);
    let columns = usize::try_from(get_int(b"Columns", 1728)).ok()?;
    if columns != width {
        return None;
    }
    let black_is_1 = get_bool(b"BlackIs1", false);
    // Coded black gets sample 1 with /BlackIs1, else 0. Grey 0 shows black and a stencil
    // mask paints where its sample is 0, both unless /Decode turns the samples round.
    let shows_ink = black_is_1 == inverted(dict);
    let settings = DecodeSettings {
        columns: columns as u32,
        rows: u32::try_from(get_int(b"Rows", height as i64)).ok()?,
        end_of_block: get_bool(b"EndOfBlock", true),
        end_of_line: get_bool(b"EndOfLine", false),
        rows_are_byte_aligned: get_bool(b"EncodedByteAlign", false),
        encoding: match k {
            k if k < 0 => EncodingMode::Group4,
            0 => EncodingMode::Group3_1D,
            _ => EncodingMode::Group3_2D,
        },
        strict: false,
    };
    let mut rows = Rows {
        width,
        grey: Vec::with_capacity(width * height),
        ink_is_black: shows_ink,
        rows: 0,
    };
    let mut ctx = DecoderContext::new(settings);
    // A damaged tail still leaves the rows decoded before it.
    let _ = hayro_ccitt::decode(data, &mut rows, &mut ctx);
    if rows.rows < height {
        return None;
    }
    rows.grey.truncate(width * height);
    Some(Image {
        width,
        height,
        grey: rows.grey,
    })
}

/// Components per pixel and a way to turn them into grey, for the colour spaces scans use.
enum Space {
    Gray,
    Rgb,
    Cmyk,
    /// Separation or DeviceN: any tint is ink.
    Tint(usize),
    Indexed {
        base: Box<Space>,
        palette: Vec<u8>,
    },
}

impl Space {
    fn components(&self) -> usize {
        match self {
            Space::Gray | Space::Indexed { .. } => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
            Space::Tint(n) => *n,
        }
    }

    /// Grey 0–255 of one pixel's components, each already scaled to 0–255.
    fn grey(&self, c: &[u8]) -> u8 {
        match self {
            Space::Gray => c[0],
            Space::Rgb => ((c[0] as u32 * 30 + c[1] as u32 * 59 + c[2] as u32 * 11) / 100) as u8,
            Space::Cmyk => {
                let ink =
                    (c[0] as u32 * 30 + c[1] as u32 * 59 + c[2] as u32 * 11) / 100 + c[3] as u32;
                255 - ink.min(255) as u8
            }
            Space::Tint(_) => 255 - c.iter().copied().max().unwrap_or(0),
            Space::Indexed { base, palette } => {
                let n = base.components();
                let at = c[0] as usize * n;
                match palette.get(at..at + n) {
                    Some(entry) => base.grey(entry),
                    None => 0,
                }
            }
        }
    }
}

fn space(doc: &Document, o: &Object, depth: usize) -> Option<Space> {
    let o = doc.dereference(o).ok()?.1;
    if depth > 4 {
        return None;
    }
    match o {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"G" | b"CalGray" => Some(Space::Gray),
            b"DeviceRGB" | b"RGB" | b"CalRGB" => Some(Space::Rgb),
            b"DeviceCMYK" | b"CMYK" => Some(Space::Cmyk),
            _ => None,
        },
        Object::Array(a) => {
            let family = a.first()?.as_name().ok()?;
            match family {
                b"CalGray" => Some(Space::Gray),
                b"CalRGB" => Some(Space::Rgb),
                b"ICCBased" => {
                    let (_, icc) = doc.dereference(a.get(1)?).ok()?;
                    let n = icc.as_stream().ok()?.dict.get(b"N").ok()?.as_i64().ok()?;
                    match n {
                        1 => Some(Space::Gray),
                        3 => Some(Space::Rgb),
                        4 => Some(Space::Cmyk),
                        _ => None,
                    }
                }
                b"Indexed" | b"I" => {
                    let base = space(doc, a.get(1)?, depth + 1)?;
                    let palette = match doc.dereference(a.get(3)?).ok()?.1 {
                        Object::String(bytes, _) => bytes.clone(),
                        Object::Stream(s) => s.get_plain_content_with_limit(1 << 20).ok()?,
                        _ => return None,
                    };
                    Some(Space::Indexed {
                        base: Box::new(base),
                        palette,
                    })
                }
                b"Separation" => Some(Space::Tint(1)),
                b"DeviceN" => {
                    let n = doc.dereference(a.get(1)?).ok()?.1.as_array().ok()?.len();
                    Some(Space::Tint(n.max(1)))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn raw(
    doc: &Document,
    dict: &lopdf::Dictionary,
    samples: &[u8],
    width: usize,
    height: usize,
    mask: bool,
) -> Option<Image> {
    let (space, bpc) = if mask {
        (Space::Gray, 1)
    } else {
        let s = space(doc, dict.get(b"ColorSpace").ok()?, 0)?;
        (
            s,
            usize::try_from(int(doc, dict, b"BitsPerComponent")?).ok()?,
        )
    };
    if !matches!(bpc, 1 | 2 | 4 | 8 | 16) {
        return None;
    }
    let n = space.components();
    let row_bytes = (width * n * bpc).div_ceil(8);
    if samples.len() < row_bytes * height {
        return None;
    }
    let invert = inverted(dict);
    let indexed = matches!(space, Space::Indexed { .. });
    let max = (1u32 << bpc) - 1;
    let mut grey = Vec::with_capacity(width * height);
    let mut px = vec![0u8; n];
    for y in 0..height {
        let row = &samples[y * row_bytes..(y + 1) * row_bytes];
        for x in 0..width {
            for (c, slot) in px.iter_mut().enumerate() {
                let i = x * n + c;
                let v = match bpc {
                    8 => row[i] as u32,
                    16 => row[2 * i] as u32,
                    _ => {
                        let bit = i * bpc;
                        (row[bit / 8] as u32 >> (8 - bpc - bit % 8)) & max
                    }
                };
                *slot = if indexed || bpc == 16 {
                    v as u8
                } else {
                    (v * 255 / max) as u8
                };
            }
            if invert && !indexed {
                px[0] = 255 - px[0];
            }
            let dark = if mask {
                px[0] == 0 // a stencil mask paints where its sample is 0
            } else {
                space.grey(&px) < INK_BELOW
            };
            grey.push(bilevel(dark));
        }
    }
    Some(Image {
        width,
        height,
        grey,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn grey_image(
        doc: &mut Document,
        width: usize,
        height: usize,
        dark: &[(usize, usize)],
    ) -> ObjectId {
        let mut samples = vec![250u8; width * height];
        for &(x, y) in dark {
            samples[y * width + x] = 10;
        }
        let mut s = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => width as i64, "Height" => height as i64,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            samples,
        );
        let _ = s.compress();
        doc.add_object(s)
    }

    #[test]
    fn a_white_corner_of_a_scan_is_blank_and_a_written_one_is_not() {
        let mut doc = Document::with_version("1.7");
        // 100 × 100 px over a 595 × 842 page; ink in the top-left block of pixels.
        let dark: Vec<_> = (0..20).flat_map(|x| (0..20).map(move |y| (x, y))).collect();
        let id = grey_image(&mut doc, 100, 100, &dark);
        let ctm = [595.0, 0.0, 0.0, 842.0, 0.0, 0.0];
        let mut p = Pixels::new(&[]);
        // Bottom right: white.
        assert!(p.blank_under(&doc, id, &ctm, &[480.0, 10.0, 585.0, 80.0]));
        // Top left: written.
        assert!(!p.blank_under(&doc, id, &ctm, &[10.0, 760.0, 100.0, 830.0]));
        // Outside the image: blank.
        assert!(p.blank_under(&doc, id, &ctm, &[600.0, 0.0, 700.0, 50.0]));
    }

    #[test]
    fn a_speck_of_dust_is_still_blank() {
        let mut doc = Document::with_version("1.7");
        let id = grey_image(&mut doc, 200, 200, &[(190, 195)]);
        let ctm = [595.0, 0.0, 0.0, 842.0, 0.0, 0.0];
        assert!(Pixels::new(&[]).blank_under(&doc, id, &ctm, &[480.0, 0.0, 595.0, 80.0]));
    }

    #[test]
    fn an_image_that_cannot_be_read_is_ink() {
        let mut doc = Document::with_version("1.7");
        let id = doc.add_object(Stream::new(
            dictionary! {
                "Subtype" => "Image", "Width" => 10, "Height" => 10,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "JPXDecode",
            },
            vec![0; 10],
        ));
        let ctm = [595.0, 0.0, 0.0, 842.0, 0.0, 0.0];
        assert!(!Pixels::new(&[]).blank_under(&doc, id, &ctm, &[480.0, 0.0, 595.0, 80.0]));
    }

    #[test]
    fn one_bit_images_and_their_decode_arrays() {
        let mut doc = Document::with_version("1.7");
        // 8 × 2, one bit: row 0 all 0 (black), row 1 all 1 (white).
        let dict = dictionary! {
            "Subtype" => "Image", "Width" => 8, "Height" => 2,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 1,
        };
        let plain = doc.add_object(Stream::new(dict.clone(), vec![0x00, 0xff]));
        let mut flipped = dict;
        flipped.set("Decode", vec![1.into(), 0.into()]);
        let flipped = doc.add_object(Stream::new(flipped, vec![0x00, 0xff]));
        let ctm = [8.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        let top = [0.0, 1.1, 8.0, 2.0];
        let bottom = [0.0, 0.0, 8.0, 0.9];
        let mut p = Pixels::new(&[]);
        assert!(!p.blank_under(&doc, plain, &ctm, &top));
        assert!(p.blank_under(&doc, plain, &ctm, &bottom));
        assert!(p.blank_under(&doc, flipped, &ctm, &top));
        assert!(!p.blank_under(&doc, flipped, &ctm, &bottom));
    }
}
