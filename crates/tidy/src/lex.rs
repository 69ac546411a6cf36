//! A small Rust lexer, just enough for the checks: it separates code from comments and from
//! string literals, so a rule about calls looks only at code and a rule about SQL only at
//! literals. Line numbers are kept: comments and literals are blanked in `code`, newlines stay.

/// A string literal of the source (plain, raw, byte or C string) as written between its quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// The line the literal opens on.
    pub line: usize,
    /// The raw text between the quotes (escapes not processed).
    pub text: String,
}

impl Literal {
    /// The line of byte `offset` inside the literal's text.
    pub fn line_at(&self, offset: usize) -> usize {
        self.line + crate::line_of(&self.text, offset) - 1
    }
}

/// A source file split into code and literals.
#[derive(Clone, Debug, Default)]
pub struct Lexed {
    /// The source with comments and literals replaced by spaces; lines line up with the file.
    pub code: String,
    pub literals: Vec<Literal>,
}

impl Lexed {
    /// `(line number, text)` of each code line.
    pub fn code_lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.code.lines().enumerate().map(|(i, l)| (i + 1, l))
    }
}

fn blank(out: &mut String, chars: &[char]) {
    out.extend(chars.iter().map(|&c| if c == '\n' { '\n' } else { ' ' }));
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Where a raw string opening at `i` (`r"`, `r#"`, `br##"`, …) has its quote, and how many `#`.
fn raw_open(s: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if matches!(s.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if s.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = s[j..].iter().take_while(|&&c| c == '#').count();
    (s.get(j + hashes) == Some(&'"')).then_some((j + hashes, hashes))
}

/// Splits `src` into code and string literals.
pub fn lex(src: &str) -> Lexed {
    let s: Vec<char> = src.chars().collect();
    let mut out = Lexed::default();
    let mut line = 1;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let prev_ident = i > 0 && is_ident(s[i - 1]);
        let start = i;
        if c == '/' && s.get(i + 1) == Some(&'/') {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && s.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < s.len() {
                if s[i] == '/' && s.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if s[i] == '*' && s.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if let Some((quote, hashes)) = (!prev_ident).then(|| raw_open(&s, i)).flatten() {
            let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let body = quote + 1;
            let mut j = body;
            while j < s.len() && !s[j..].starts_with(&close) {
                j += 1;
            }
            out.literals.push(Literal { line, text: s[body..j.min(s.len())].iter().collect() });
            i = (j + close.len()).min(s.len());
        } else if c == '"' || (!prev_ident && matches!(c, 'b' | 'c') && s.get(i + 1) == Some(&'"')) {
            let body = if c == '"' { i + 1 } else { i + 2 };
            let mut j = body;
            while j < s.len() && s[j] != '"' {
                j += if s[j] == '\\' { 2 } else { 1 };
            }
            out.literals.push(Literal { line, text: s[body..j.min(s.len())].iter().collect() });
            i = (j + 1).min(s.len());
        } else if c == '\'' && s.get(i + 1) == Some(&'\\') {
            // An escaped char literal: '\n', '\'', '\u{4e00}'.
            let mut j = i + 3;
            while j < s.len() && s[j] != '\'' {
                j += 1;
            }
            i = (j + 1).min(s.len());
        } else if c == '\'' && s.get(i + 2) == Some(&'\'') {
            i += 3; // 'x'
        } else {
            out.code.push(c);
            if c == '\n' {
                line += 1;
            }
            i += 1;
            continue;
        }
        blank(&mut out.code, &s[start..i]);
        line += s[start..i].iter().filter(|&&c| c == '\n').count();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_literals_leave_the_code() {
        let src = "let a = \"UPDATE x\"; // Utc::now()\n/* Local::now() */ let b = 'c';\nlet t = Utc::now();\n";
        let lexed = lex(src);
        assert!(!lexed.code.contains("UPDATE"));
        assert!(!lexed.code.contains("Local::now"));
        assert_eq!(lexed.code_lines().filter(|(_, l)| l.contains("Utc::now")).map(|(n, _)| n).collect::<Vec<_>>(), [3]);
        assert_eq!(lexed.literals, [Literal { line: 1, text: "UPDATE x".into() }]);
    }

    #[test]
    fn raw_and_multi_line_strings_keep_their_lines() {
        let src = "let a = r#\"say \"hi\"\nDELETE FROM t\"#;\nlet b = b\"x\\\"y\";\nfn f<'a>(x: &'a str) {}\n";
        let lexed = lex(src);
        assert_eq!(lexed.literals[0].text, "say \"hi\"\nDELETE FROM t");
        assert_eq!(lexed.literals[0].line_at(lexed.literals[0].text.find("DELETE").unwrap()), 2);
        assert_eq!(lexed.literals[1], Literal { line: 3, text: "x\\\"y".into() });
        assert!(lexed.code.contains("fn f<'a>(x: &'a str) {}"));
        assert_eq!(lexed.code.lines().count(), 4);
    }
}
