//! Money is never a float and is rounded in one place: clippy.toml bans `f32`/`f64` and
//! `Decimal::round_dp` / `round_dp_with_strategy`; the files that opt out of the float ban
//! are exactly those ARCHITECTURE.md lists; only `domain::money` opts out of the rounding ban.

use std::collections::BTreeMap;

use regex::Regex;
use tidy::lex::lex;
use tidy::{Violation, assert_none, line_of, read, relative, root, rust_files};

/// What clippy.toml must keep banning.
const BANNED_METHODS: [&str; 2] = ["rust_decimal::Decimal::round_dp", "rust_decimal::Decimal::round_dp_with_strategy"];
const BANNED_TYPES: [&str; 2] = ["f32", "f64"];
/// The one file that may call a banned method: `Money::round_half_away`.
const ROUNDING: &str = "crates/domain/src/money.rs";
/// The sentence of ARCHITECTURE.md that lists the files allowed floats.
const FLOAT_SENTENCE: &str = "The only floats in the code base are";

fn banned_paths(config: &toml::Table, key: &str) -> Vec<String> {
    let list = config.get(key).and_then(toml::Value::as_array).cloned().unwrap_or_default();
    list.iter().filter_map(|entry| entry.get("path").and_then(toml::Value::as_str).map(str::to_owned)).collect()
}

#[test]
fn clippy_bans_floats_and_every_rounding_but_ours() {
    let text = read(&root().join("clippy.toml"));
    let config: toml::Table = text.parse().expect("clippy.toml is TOML");
    let mut found = Vec::new();
    for (key, wanted) in [("disallowed-methods", &BANNED_METHODS[..]), ("disallowed-types", &BANNED_TYPES[..])] {
        let banned = banned_paths(&config, key);
        for path in wanted.iter().filter(|p| !banned.iter().any(|b| b.as_str() == **p)) {
            let line = text.find(key).map_or(1, |at| line_of(&text, at));
            found.push(Violation::new("clippy.toml", line, format!("{key} no longer lists `{path}`")));
        }
    }
    assert_none("clippy.toml bans f32, f64, Decimal::round_dp and Decimal::round_dp_with_strategy", &found);
}

/// Files whose code (not comments) carries `pattern`, with the first line that does.
fn files_with(pattern: &Regex) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for path in rust_files() {
        if let Some((line, _)) = lex(&read(&path)).code_lines().find(|(_, code)| pattern.is_match(code)) {
            out.insert(relative(&path), line);
        }
    }
    out
}

#[test]
fn only_money_rounds() {
    let allow = Regex::new(r"\bclippy::disallowed_methods\b").expect("pattern");
    let found: Vec<Violation> = files_with(&allow)
        .into_iter()
        .filter(|(file, _)| file != ROUNDING)
        .map(|(file, line)| {
            Violation::new(file, line, "opts out of clippy's disallowed_methods (rounding is domain::money's)")
        })
        .collect();
    assert_none("only domain::money opts out of the rounding ban", &found);
}

/// The `.rs` files named in ARCHITECTURE.md's float sentence, with their lines there.
fn documented_float_files() -> BTreeMap<String, usize> {
    let text = read(&root().join("ARCHITECTURE.md"));
    let start = text.find(FLOAT_SENTENCE).expect("ARCHITECTURE.md says where the floats are");
    let rest = &text[start..];
    // The paragraph ends at a blank line or at the next bold invariant.
    let end = [rest.find("\n\n"), rest.find("\n**")].into_iter().flatten().min().unwrap_or(rest.len());
    let name = Regex::new(r"`([^`]+\.rs)`").expect("pattern");
    name.captures_iter(&rest[..end])
        .map(|c| (c[1].to_owned(), line_of(&text, start + c.get(0).map_or(0, |m| m.start()))))
        .collect()
}

#[test]
fn the_files_allowed_floats_are_the_ones_architecture_md_lists() {
    let allow = Regex::new(r"\bclippy::(?:disallowed_types|float_arithmetic)\b").expect("pattern");
    let actual = files_with(&allow);
    let documented = documented_float_files();
    let mut found: Vec<Violation> = actual
        .iter()
        .filter(|(file, _)| !documented.contains_key(*file))
        .map(|(file, line)| {
            Violation::new(
                file,
                *line,
                format!("allows floats, but ARCHITECTURE.md's “{FLOAT_SENTENCE} …” does not list it"),
            )
        })
        .collect();
    found.extend(documented.iter().filter(|(file, _)| !actual.contains_key(*file)).map(|(file, line)| {
        Violation::new(
            "ARCHITECTURE.md",
            *line,
            format!("lists `{file}` as allowed floats, but it opts out of no float lint"),
        )
    }));
    assert_none("ARCHITECTURE.md lists exactly the files allowed floats", &found);
}
