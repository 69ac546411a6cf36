//! One home for each vocabulary: the words a rule decides on live in the domain, and every other
//! place that names them is generated from it or checked equal here — the migrations' CHECK
//! lists of tender codes and of the blood waiver's donors, donation kinds and materials, and
//! the screen, which must ask the session's permissions instead of matching role codes.

use regex::Regex;
use tidy::lex::lex;
use tidy::{Violation, assert_none, files_under, read, relative};

#[test]
fn the_migrations_allow_exactly_the_domains_tenders() {
    let check = Regex::new(r"CREATE TABLE (\w+) \((?s:[^;]*?)tender\s+TEXT[^,]*CHECK\s*\(\s*tender\s+IN\s*\(([^)]*)\)")
        .expect("tender CHECK pattern");
    let all: Vec<&str> = domain::Tender::ALL.iter().map(|t| t.code()).collect();
    let collecting: Vec<&str> = domain::Tender::ALL.iter().filter(|t| t.collects()).map(|t| t.code()).collect();
    let mut found = Vec::new();
    // The table's last definition (a rebuild `x_rebuilt` becomes `x`) is what holds.
    let mut latest: std::collections::BTreeMap<String, (String, usize, Vec<String>)> = Default::default();
    for (rel, text) in tidy::migrations::files() {
        for caps in check.captures_iter(&text) {
            let table = caps[1].trim_end_matches("_rebuilt").to_owned();
            let listed: Vec<String> = caps[2].split(',').map(|c| c.trim().trim_matches('\'').to_owned()).collect();
            let line = tidy::line_of(&text, caps.get(0).map_or(0, |m| m.start()));
            latest.insert(table, (rel.clone(), line, listed));
        }
    }
    assert!(latest.contains_key("deposit_tenders") && latest.contains_key("settlement_payments"), "{latest:?}");
    for (table, (rel, line, listed)) in &latest {
        // Reversals pay out by transfer; a settlement's lines only collect or go back by a route.
        let expected = if table == "deposit_tenders" { &all } else { &collecting };
        if listed != expected {
            found.push(Violation::new(rel, *line, format!("{table}: tenders {listed:?}, the domain has {expected:?}")));
        }
    }
    assert_none(
        "every table's tender CHECK lists domain::Tender::ALL in its order (a settlement's only the tenders that collect)",
        &found,
    );
}

/// Every `column TEXT … CHECK (column IN (…))` of the migrations lists exactly `codes`, in order;
/// answers the violations and how many such CHECKs were found.
fn checks_of(column: &str, codes: &[&str]) -> (Vec<Violation>, usize) {
    let pattern = format!(r"\b{column}\s+TEXT[^,]*?CHECK\s*\(\s*{column}\s+IN\s*\(([^)]*)\)");
    let check = Regex::new(&pattern).expect("CHECK pattern");
    let (mut found, mut checks) = (Vec::new(), 0);
    for (rel, text) in tidy::migrations::files() {
        for caps in check.captures_iter(&text) {
            checks += 1;
            let listed: Vec<&str> = caps[1].split(',').map(|c| c.trim().trim_matches('\'')).collect();
            if listed != codes {
                let line = tidy::line_of(&text, caps.get(0).map_or(0, |m| m.start()));
                found.push(Violation::new(&rel, line, format!("{column} {listed:?}, the domain has {codes:?}")));
            }
        }
    }
    (found, checks)
}

#[test]
fn the_migrations_allow_exactly_the_domains_blood_words() {
    use domain::blood::{DonationKind, Donor, Material};
    let donors: Vec<&str> = Donor::ALL.iter().map(|d| d.code()).collect();
    let kinds: Vec<&str> = DonationKind::ALL.iter().map(|k| k.code()).collect();
    let items: Vec<&str> = Material::ALL.iter().map(|m| m.code()).collect();
    let mut found = Vec::new();
    for (column, codes) in [("donor", donors), ("donation_kind", kinds), ("item", items)] {
        let (violations, checks) = checks_of(column, &codes);
        assert!(checks >= 1, "no CHECK of {column} found in the migrations");
        found.extend(violations);
    }
    assert_none("the blood CHECKs list domain::blood's Donor, DonationKind and Material codes", &found);
}

#[test]
fn the_screen_never_matches_role_codes() {
    // The role's code is for showing who is logged in; deciding by it is the smell.
    let role = Regex::new(r"\brole\s*\.\s*code\b").expect("role pattern");
    let mut found = Vec::new();
    for path in files_under("frontend/src", "rs") {
        let rel = relative(&path);
        for (line, code) in lex(&read(&path)).code_lines() {
            if let Some(m) = role.find(code) {
                found.push(Violation::new(
                    &rel,
                    line,
                    format!("`{}`: ask Session::may(Permission) instead", m.as_str()),
                ));
            }
        }
    }
    assert_none("the frontend decides by permission, not by role code", &found);
}
