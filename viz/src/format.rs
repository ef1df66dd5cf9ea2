//! Text helpers shared by plots and the report: escaping and number formatting.

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with a precision suited to its size: 4 significant digits, no exponent for the
/// ranges a pond report shows (mm to 10⁹ m³), grouped thousands avoided for copy-paste.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    // Whole numbers (counts, years, round limits) print without decimals.
    let decimals = if a == 0.0 || a >= 1000.0 || (v.fract() == 0.0 && a < 1e15) {
        0
    } else if a >= 100.0 {
        1
    } else if a >= 10.0 {
        2
    } else if a >= 0.01 {
        3
    } else {
        return format!("{v:.2e}");
    };
    format!("{v:.decimals$}")
}

/// An elevation or length to the centimetre (what survey data supports).
pub fn metres(v: f64) -> String {
    format!("{v:.2}")
}

/// Seconds as hours with two decimals, e.g. `"14.25 h"`.
pub fn hours(t_s: f64) -> String {
    format!("{:.2} h", t_s / 3600.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_html("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("库水位 ≥ 0.7 m"), "库水位 ≥ 0.7 m");
    }

    #[test]
    fn numbers_keep_about_four_significant_digits() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(0.7), "0.700");
        assert_eq!(num(70.0), "70");
        assert_eq!(num(500.0), "500");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(370.85), "370.9");
        assert_eq!(num(2.4e7), "24000000");
        assert_eq!(num(-0.0042), "-4.20e-3");
        assert_eq!(hours(5400.0), "1.50 h");
    }
}
