//! QR codes as inline SVG, for printed forum packets: a phone pointed at the paper opens
//! the forum's page. The only user of the `qrcode` crate, which gives the module matrix;
//! the SVG is drawn here so it is valid inside HTML (no XML declaration) and accessible.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel, bits, ec};

/// Light modules around the code, as the QR specification asks for.
const QUIET_ZONE: usize = 4;

/// An `<svg>` element encoding `text`, labelled with `label` for screen readers.
/// `None` if the text is too long for a QR code.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let (width, dark) = modules(text.as_bytes())?;
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if dark[y * width + x] {
                let start = x;
                while x < width && dark[y * width + x] {
                    x += 1;
                }
                // `M{x} {y}h{run}v1h-{run}z`, without the formatting machinery: a
                // code has hundreds of runs.
                path.push('M');
                push_number(&mut path, start + QUIET_ZONE);
                path.push(' ');
                push_number(&mut path, y + QUIET_ZONE);
                path.push('h');
                push_number(&mut path, x - start);
                path.push_str("v1h-");
                push_number(&mut path, x - start);
                path.push('z');
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{px}\" height=\"{px}\" role=\"img\" aria-label=\"{}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        crate::text::escape_html(label),
        px = size * 4,
    ))
}

/// Writes `n` in decimal digits.
fn push_number(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// The masks a QR code may use, in the order `qrcode` tries them.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The width and the modules (dark or not, row by row) of the QR code of `data` at
/// error correction level M: those of `QrCode::with_error_correction_level`, which scores
/// each mask through boxed closures, an allocation per module and mask (a third of a
/// forum packet's time). The crate's own steps build the code; [`penalty`] scores the
/// masks as the crate does, and the first of the lowest score is kept, as it keeps it.
fn modules(data: &[u8]) -> Option<(usize, Vec<bool>)> {
    let bits = bits::encode_auto(data, EcLevel::M).ok()?;
    let version = bits.version();
    let (codewords, ec) = ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).ok()?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&codewords, &ec);
    let width = usize::try_from(version.width()).ok()?;
    let mut best: Option<(u16, Vec<bool>)> = None;
    for mask in MASKS {
        let mut masked = canvas.clone();
        masked.apply_mask(mask);
        let dark: Vec<bool> = masked
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        let score = penalty(&dark, width);
        if best.as_ref().is_none_or(|(lowest, _)| score < *lowest) {
            best = Some((score, dark));
        }
    }
    best.map(|(_, dark)| (width, dark))
}

/// A masked code's penalty as `qrcode` computes it (`compute_total_penalty_scores`, its
/// u16 sums included, which wrap, so their order does not matter): runs of five or more,
/// 2×2 blocks, finder-like patterns across and down, and the balance of dark and light.
/// The columns are copied out first, so both directions read contiguous lines.
fn penalty(dark: &[bool], width: usize) -> u16 {
    let columns: Vec<bool> = (0..width * width)
        .map(|i| dark[(i % width) * width + i / width])
        .collect();
    let lines = || dark.chunks_exact(width).chain(columns.chunks_exact(width));
    let mut score = lines().fold(0u16, |score, line| {
        score.wrapping_add(runs(line)).wrapping_add(finders(line))
    });
    score = score.wrapping_add(blocks(dark, width));
    let ratio = dark.iter().filter(|d| **d).count() * 200 / dark.len();
    score.wrapping_add(ratio.abs_diff(100) as u16)
}

/// Each run of `n` ≥ 5 modules of one color along a line scores `n - 2`.
fn runs(line: &[bool]) -> u16 {
    line.chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= 5)
        .fold(0u16, |score, run| score.wrapping_add(run.len() as u16 - 2))
}

/// Each 2×2 block of one color (overlapping ones too) scores 3.
fn blocks(dark: &[bool], width: usize) -> u16 {
    let rows = dark.chunks_exact(width);
    let mut score: u16 = 0;
    for (top, bottom) in rows.clone().zip(rows.skip(1)) {
        // The four corners of every block along the two rows, as four lines.
        let corners = top[..width - 1]
            .iter()
            .zip(&top[1..])
            .zip(&bottom[..width - 1])
            .zip(&bottom[1..]);
        let same = corners
            .filter(|&(((a, b), c), d)| a == b && a == c && a == d)
            .count();
        score = score.wrapping_add(3 * same as u16);
    }
    score
}

/// Each dark-light-dark-dark-dark-light-dark along a line with no dark module among the
/// four before it, or the four after it, scores 40; the code's own three finder patterns
/// always give 360 of it, which `qrcode` takes off (for each direction).
fn finders(line: &[bool]) -> u16 {
    const PATTERN: [bool; 7] = [true, false, true, true, true, false, true];
    let width = line.len();
    let mut score: u16 = 0;
    for (start, window) in line.windows(7).enumerate() {
        // Most windows fail on their first modules: tested before the whole pattern.
        if !window[0] || window[1] || window != PATTERN {
            continue;
        }
        let before = &line[start.saturating_sub(4)..start];
        let after = &line[start + 7..(start + 11).min(width)];
        if !before.contains(&true) || !after.contains(&true) {
            score = score.wrapping_add(40);
        }
    }
    score.wrapping_sub(360)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs of every length a URL may have, of bytes of every class the encoder
    /// distinguishes (digits, upper-case alphanumerics, anything else).
    fn inputs() -> Vec<String> {
        [
            "0123456789",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:",
            "https://example.org/fr/forums/forum-de-discussion-sur-la-sante-mentale-42/?é",
        ]
        .into_iter()
        .flat_map(|alphabet| crate::text::samples::texts(alphabet, 1..=220, 1, 0x9e37_79b9))
        .collect()
    }

    #[test]
    fn modules_are_those_qrcode_gives() {
        use qrcode::QrCode;
        for text in inputs() {
            let expected =
                QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).expect("fits");
            let (width, dark) = modules(text.as_bytes()).expect("fits");
            assert_eq!(width, expected.width(), "{text}");
            let expected: Vec<bool> = expected
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            assert!(dark == expected, "{text}");
        }
    }

    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for n in [0, 1, 9, 10, 41, 100, 177, 999, 1000, 65_535, usize::MAX] {
            let mut out = String::from("x");
            push_number(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn draws_an_svg_with_a_label() {
        let svg = svg(
            "https://example.org/en/forums/x/",
            "QR code: the forum's page",
        )
        .expect("fits");
        assert!(svg.starts_with("<svg class=\"qr\""));
        assert!(svg.contains("aria-label=\"QR code: the forum&#39;s page\""));
        assert!(
            svg.contains("<path fill=\"#000\" d=\"M4 4h7v1h-7z"),
            "finder pattern first: {svg}"
        );
    }
}
