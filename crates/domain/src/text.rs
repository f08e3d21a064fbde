//! Text from GitLab as the page shows it. Markup is already inert (the page renders text, never
//! HTML); what is left are invisible characters that change how text reads: bidi overrides and
//! isolates (`safe\u{202e}txt.exe` shows as `safeexe.txt`) and zero-width characters. They are
//! shown as `[U+202E]`, so a name reads as what it is.

use std::borrow::Cow;

fn invisible(c: char) -> bool {
    matches!(c,
        '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// `s` with every invisible formatting character written out as `[U+XXXX]`.
pub fn shown(s: &str) -> Cow<'_, str> {
    if !s.chars().any(invisible) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if invisible(c) {
            out.push_str(&format!("[U+{:04X}]", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_formatting_is_written_out_and_the_rest_kept() {
        assert_eq!(
            shown("safe\u{202e}txt.exe\u{200b}"),
            "safe[U+202E]txt.exe[U+200B]"
        );
        assert_eq!(
            shown("\u{2066}x\u{2069}\u{feff}"),
            "[U+2066]x[U+2069][U+FEFF]"
        );
        assert!(matches!(
            shown("release-bot ünïcode 名前 <b>"),
            Cow::Borrowed(_)
        ));
    }
}
