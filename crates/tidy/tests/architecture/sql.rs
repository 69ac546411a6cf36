//! Rows of append-only tables are never updated or deleted: no SQL string outside the
//! migrations issues `UPDATE <table>` or `DELETE FROM <table>` on a table whose triggers
//! refuse both (the list is read from the migrations, see `tidy::migrations`).

use regex::Regex;
use tidy::lex::lex;
use tidy::migrations::{FOLDERS, append_only_tables};
use tidy::{Violation, assert_none, is_test_code, read, relative, rust_files};

/// Tables ARCHITECTURE.md names as append-only: if the migrations stop saying so, the reading
/// of the triggers broke (or the documentation did).
const DOCUMENTED: [&str; 10] = [
    "fee_items",
    "deposits",
    "deposit_tenders",
    "admission_events",
    "journal",
    "operations",
    "audit_log",
    "recon_statements",
    "recon_actions",
    "recon_adjustments",
];

#[test]
fn append_only_tables_are_never_updated_or_deleted() {
    let tables = append_only_tables();
    for table in DOCUMENTED {
        assert!(tables.contains_key(table), "the migrations make {table} append-only: {tables:?}");
    }
    let names: Vec<&str> = tables.keys().map(String::as_str).collect();
    let statement = Regex::new(&format!(
        r#"(?i)\b(UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+["`]?(?:main\.|public\.)?({})\b"#,
        names.join("|")
    ))
    .expect("statement pattern");
    let mut found = Vec::new();
    for path in rust_files() {
        let rel = relative(&path);
        // Test code may probe the triggers: it runs such a statement to see it refused.
        if FOLDERS.iter().any(|dir| rel.starts_with(&format!("{dir}/"))) || is_test_code(&rel) {
            continue;
        }
        for literal in lex(&read(&path)).literals {
            for m in statement.captures_iter(&literal.text) {
                let at = m.get(0).map_or(0, |m| m.start());
                let verb = m[1].split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
                let table = m[2].to_ascii_lowercase();
                let migration = &tables[&table];
                found.push(Violation::new(
                    &rel,
                    literal.line_at(at),
                    format!("`{verb} {table}`: {table} is append-only ({migration}); append a correcting row"),
                ));
            }
        }
    }
    assert_none("no UPDATE or DELETE of an append-only table outside the migrations", &found);
}
