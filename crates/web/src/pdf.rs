//! A small PDF 1.4 writer for the after-action report: A4 pages of wrapped text in the standard
//! Helvetica fonts (WinAnsi, which holds æ, ø and å), headings, and bars for the KPI charts.
//! Uncompressed, so that any standard reader (and `pdftotext`) opens it; no font is embedded.

const PAGE_W: f64 = 595.0;
const PAGE_H: f64 = 842.0;
const MARGIN: f64 = 56.0;

/// Helvetica's advance widths (per 1000 em) for the printable ASCII characters, from its AFM.
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278,
    278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556,
    556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

fn width(c: char, size: f64, bold: bool) -> f64 {
    let w = match c as u32 {
        n @ 32..=126 => f64::from(WIDTHS[(n - 32) as usize]),
        _ => 556.0,
    };
    w * size / 1000.0 * if bold { 1.06 } else { 1.0 }
}

/// A character's byte in WinAnsiEncoding (`?` for what it lacks).
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '−' => b'-',
        _ => b'?',
    }
}

fn string(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// A document being laid out, page by page, top to bottom.
pub struct Pdf {
    pages: Vec<Vec<u8>>,
    y: f64,
    title: String,
}

impl Pdf {
    pub fn new(title: &str) -> Pdf {
        let mut pdf = Pdf { pages: Vec::new(), y: 0.0, title: title.to_string() };
        pdf.new_page();
        pdf
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE_H - MARGIN;
    }

    fn room(&mut self, height: f64) {
        if self.y - height < MARGIN {
            self.new_page();
        }
    }

    fn put(&mut self, ops: &[u8]) {
        self.pages.last_mut().expect("a page").extend_from_slice(ops);
    }

    fn line(&mut self, x: f64, text: &str, size: f64, bold: bool) {
        self.room(size * 1.4);
        self.y -= size * 1.4;
        let mut ops = format!("BT /{} {size} Tf {x:.1} {:.1} Td ", if bold { "F2" } else { "F1" }, self.y).into_bytes();
        ops.extend(string(text));
        ops.extend_from_slice(b" Tj ET\n");
        self.put(&ops);
    }

    /// Text wrapped to the page's width, indented by `indent`.
    pub fn text(&mut self, text: &str, size: f64, bold: bool, indent: f64) {
        let max = PAGE_W - 2.0 * MARGIN - indent;
        for paragraph in text.lines() {
            let mut current = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
                if !current.is_empty() && candidate.chars().map(|c| width(c, size, bold)).sum::<f64>() > max {
                    self.line(MARGIN + indent, &current, size, bold);
                    current = word.to_string();
                } else {
                    current = candidate;
                }
            }
            self.line(MARGIN + indent, &current, size, bold);
        }
    }

    pub fn heading(&mut self, text: &str) {
        self.room(60.0);
        self.y -= 8.0;
        self.text(text, 15.0, true, 0.0);
    }

    pub fn para(&mut self, text: &str) {
        self.text(text, 10.0, false, 0.0);
    }

    pub fn gap(&mut self) {
        self.y -= 6.0;
    }

    /// A bar of `share` (0–1) of the width, with a target mark at `target`: the KPI charts.
    pub fn bar(&mut self, share: f64, target: Option<f64>) {
        self.room(14.0);
        self.y -= 12.0;
        let w = PAGE_W - 2.0 * MARGIN - 120.0;
        let filled = w * share.clamp(0.0, 1.0);
        let mut ops =
            format!("0.85 g {MARGIN:.1} {:.1} {w:.1} 8 re f 0.1 0.35 0.6 rg {MARGIN:.1} {:.1} {filled:.1} 8 re f ", self.y, self.y);
        if let Some(t) = target {
            let x = MARGIN + w * t.clamp(0.0, 1.0);
            ops.push_str(&format!("0 G 1.5 w {x:.1} {:.1} m {x:.1} {:.1} l S ", self.y - 2.0, self.y + 10.0));
        }
        ops.push_str("0 g\n");
        self.put(ops.as_bytes());
    }

    /// The finished file.
    pub fn finish(self) -> Vec<u8> {
        let mut objects: Vec<Vec<u8>> = Vec::new();
        // 1 catalog, 2 pages, 3 and 4 fonts, 5 info; then a content and a page object per page.
        let first = 6;
        let kids: Vec<String> = (0..self.pages.len()).map(|i| format!("{} 0 R", first + 2 * i + 1)).collect();
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), self.pages.len()).into_bytes());
        for font in ["Helvetica", "Helvetica-Bold"] {
            objects.push(format!("<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>").into_bytes());
        }
        let mut info = b"<< /Title ".to_vec();
        info.extend(string(&self.title));
        info.extend_from_slice(b" /Producer (Kriseservice) >>");
        objects.push(info);
        for (i, content) in self.pages.iter().enumerate() {
            let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
            stream.extend_from_slice(content);
            stream.extend_from_slice(b"\nendstream");
            objects.push(stream);
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                    first + 2 * i
                )
                .into_bytes(),
            );
        }
        let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        for (n, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n", n + 1).into_bytes());
            out.extend_from_slice(o);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").into_bytes());
        }
        out.extend(format!("trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).into_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_win_ansi_with_its_delimiters_escaped() {
        assert_eq!(string("Æ(ø)\\å–"), b"(\xc6\\(\xf8\\)\\\\\xe5\x96)".to_vec());
    }

    #[test]
    fn long_text_breaks_into_lines_and_pages_and_the_xref_points_at_each_object() {
        let mut pdf = Pdf::new("Evaluering");
        for _ in 0..120 {
            pdf.para("Krisestaben kvitterede inden for tyve minutter, og guiden blev offentliggjort efter en halv time.");
        }
        assert!(pdf.pages.len() > 2, "{} pages", pdf.pages.len());
        let bytes = pdf.finish();
        let find = |needle: &[u8]| bytes.windows(needle.len()).rposition(|w| w == needle).unwrap();
        let at = |i: usize, n: usize| std::str::from_utf8(&bytes[i..i + n]).unwrap().trim().to_string();
        let tail = std::str::from_utf8(&bytes[find(b"startxref\n") + 10..]).unwrap();
        let xref: usize = tail.lines().next().unwrap().parse().unwrap();
        assert!(bytes[xref..].starts_with(b"xref"));
        let first = find(b"0000000000 65535 f \n") + 20;
        let offset: usize = at(first, 10).parse().unwrap();
        assert!(bytes[offset..].starts_with(b"1 0 obj"));
    }
}
