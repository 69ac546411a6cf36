//! The append-only tables, read from the migrations themselves (`migrations/` for the
//! counter's SQLite, `platform/migrations/` for PostgreSQL): a table is append-only when
//! unconditional triggers refuse both `UPDATE` and `DELETE` on it. SQLite writes the refusal
//! inline (`BEFORE UPDATE ON t BEGIN SELECT RAISE(ABORT, …); END;`); PostgreSQL calls a
//! trigger function that raises (`BEFORE UPDATE OR DELETE ON t … EXECUTE FUNCTION refuse_change()`).

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;

/// The migration folders, relative to the root; SQL in them may name any table.
pub const FOLDERS: [&str; 2] = ["migrations", "platform/migrations"];

/// Every migration file's path (relative to the root) and text.
pub fn files() -> Vec<(String, String)> {
    let files: Vec<(String, String)> = FOLDERS
        .iter()
        .flat_map(|dir| crate::files_under(dir, "sql"))
        .map(|path| (crate::relative(&path), crate::read(&path)))
        .collect();
    assert!(files.len() >= 2, "found the migrations");
    files
}

/// PL/pgSQL trigger functions whose body raises an exception.
fn refusing_functions(sql: &str) -> BTreeSet<String> {
    let function = Regex::new(
        r"(?is)CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(\w+)\s*\([^)]*\)\s*RETURNS\s+trigger\b.*?\$\$(.*?)\$\$",
    )
    .expect("function pattern");
    let raises = Regex::new(r"(?i)\bRAISE\s+EXCEPTION\b").expect("raise pattern");
    function.captures_iter(sql).filter(|c| raises.is_match(&c[2])).map(|c| c[1].to_ascii_lowercase()).collect()
}

/// The events (`update`, `delete`) each table's triggers refuse without condition.
fn refused_events(sql: &str, functions: &BTreeSet<String>, out: &mut BTreeMap<String, BTreeSet<String>>) {
    let trigger = Regex::new(
        r"(?is)CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+\s+(?:BEFORE|AFTER|INSTEAD\s+OF)\s+(.+?)\s+ON\s+(\w+)",
    )
    .expect("trigger pattern");
    let next_statement = Regex::new(r"(?i)\bCREATE\s").expect("create pattern");
    let sqlite_raise = Regex::new(r"(?i)\bRAISE\s*\(\s*(ABORT|FAIL|ROLLBACK)\b").expect("sqlite raise");
    let pg_call = Regex::new(r"(?i)\bEXECUTE\s+(?:FUNCTION|PROCEDURE)\s+(\w+)\s*\(").expect("pg call");
    let condition = Regex::new(r"(?i)\bWHEN\b").expect("when");
    let body = Regex::new(r"(?i)\bBEGIN\b").expect("begin");
    for c in trigger.captures_iter(sql) {
        let end = c.get(0).map_or(0, |m| m.end());
        let tail = &sql[end..];
        let tail = &tail[..next_statement.find(tail).map_or(tail.len(), |m| m.start())];
        let head = &tail[..body.find(tail).map_or(tail.len(), |m| m.start())];
        if condition.is_match(head) {
            continue; // refuses only some rows
        }
        let refuses = sqlite_raise.is_match(tail)
            || pg_call.captures(tail).is_some_and(|f| functions.contains(&f[1].to_ascii_lowercase()));
        if !refuses {
            continue;
        }
        let events = c[1].to_ascii_lowercase();
        let table = out.entry(c[2].to_ascii_lowercase()).or_default();
        for event in events.split(" or ").map(str::trim) {
            // `UPDATE OF column` refuses changes to some columns only.
            if event == "update" || event == "delete" {
                table.insert(event.to_owned());
            }
        }
    }
}

/// The append-only tables, lower-case, each with the migration that makes it so.
pub fn append_only_tables() -> BTreeMap<String, String> {
    let files = files();
    let functions: BTreeSet<String> = files.iter().flat_map(|(_, sql)| refusing_functions(sql)).collect();
    let mut tables = BTreeMap::new();
    for (path, sql) in &files {
        let mut events = BTreeMap::new();
        refused_events(sql, &functions, &mut events);
        for (table, refused) in events {
            if refused.contains("update") && refused.contains("delete") {
                tables.entry(table).or_insert_with(|| path.clone());
            }
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_trigger_dialects_are_understood() {
        let sql = "
CREATE TRIGGER a_u BEFORE UPDATE ON a BEGIN SELECT RAISE(ABORT, 'a is append-only'); END;
CREATE TRIGGER a_d BEFORE DELETE ON a BEGIN SELECT RAISE(ABORT, 'a is append-only'); END;
CREATE TRIGGER b_u BEFORE UPDATE ON b BEGIN SELECT RAISE(ABORT, 'no'); END;
CREATE TRIGGER c_u BEFORE UPDATE OR DELETE ON c WHEN OLD.done BEGIN SELECT RAISE(ABORT, 'no'); END;
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END; $$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at = now(); RETURN NEW; END; $$;
CREATE TRIGGER d_x BEFORE UPDATE OR DELETE ON d FOR EACH ROW EXECUTE FUNCTION refuse();
CREATE TRIGGER e_x BEFORE UPDATE OR DELETE ON e FOR EACH ROW EXECUTE FUNCTION touch();
";
        let functions = refusing_functions(sql);
        assert_eq!(functions.iter().collect::<Vec<_>>(), ["refuse"]);
        let mut events = BTreeMap::new();
        refused_events(sql, &functions, &mut events);
        let full: Vec<&String> = events.iter().filter(|(_, e)| e.len() == 2).map(|(t, _)| t).collect();
        assert_eq!(full, ["a", "d"]);
    }
}
