//! Workspace manifests read with `toml`: the members, and each member's dependencies with
//! `workspace = true` resolved against `[workspace.dependencies]` (features merged, the
//! `package = …` rename followed), so a rule can ask "who depends on sqlx" without cargo.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

/// One dependency line of a member's manifest.
#[derive(Clone, Debug)]
pub struct Dependency {
    /// The crate's real name (`package = …` when renamed, else the key).
    pub name: String,
    /// The table it is declared in: `dependencies`, `dev-dependencies`, `build-dependencies`,
    /// or `target.<cfg>.dependencies` and the like.
    pub table: String,
    /// Features enabled here and in `[workspace.dependencies]`.
    pub features: Vec<String>,
    /// The member directory (relative to the root) of a path dependency.
    pub path: Option<String>,
    /// Where the manifest names it: `crates/app/Cargo.toml:14`.
    pub file: String,
    pub line: usize,
}

impl Dependency {
    /// A normal dependency (built into the crate itself, not only its tests, benches or build).
    pub fn is_normal(&self) -> bool {
        self.table == "dependencies" || (self.table.starts_with("target.") && self.table.ends_with(".dependencies"))
    }
}

fn parse(path: &Path) -> Table {
    crate::read(path).parse().unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()))
}

fn root_manifest() -> Table {
    parse(&crate::root().join("Cargo.toml"))
}

/// The workspace members as listed in the root manifest (`crates/app`, `platform`, …).
pub fn members() -> Vec<String> {
    let manifest = root_manifest();
    let members = manifest.get("workspace").and_then(|w| w.get("members")).and_then(Value::as_array);
    let members: Vec<String> =
        members.expect("[workspace] members").iter().filter_map(|m| m.as_str().map(str::to_owned)).collect();
    assert!(members.len() > 5, "read the workspace members");
    members
}

fn features(spec: &Value) -> Vec<String> {
    let list = spec.get("features").and_then(Value::as_array);
    list.map(|l| l.iter().filter_map(|f| f.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// The manifest line naming dependency `key` (as `key = …`, `key.workspace = …` or
/// `[….dependencies.key]`); 1 when not found.
fn line_of_key(text: &str, key: &str) -> usize {
    let names = |l: &str| {
        let l = l.trim_start();
        let rest = l.strip_prefix(key).map(str::trim_start);
        rest.is_some_and(|r| r.starts_with('=') || r.starts_with('.'))
            || (l.starts_with('[') && l.trim_end().ends_with(&format!("dependencies.{key}]")))
    };
    text.lines().position(names).map_or(1, |i| i + 1)
}

fn member_path(from: &Path, path: &str) -> String {
    let joined: PathBuf = from.join(path);
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c.as_os_str().to_string_lossy().as_ref() {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s.to_owned()),
        }
    }
    parts.join("/")
}

fn collect(out: &mut Vec<Dependency>, table_name: &str, table: &Table, member: &str, text: &str, workspace: &Table) {
    let file = format!("{member}/Cargo.toml");
    for (key, spec) in table {
        let inherited = spec.get("workspace").and_then(Value::as_bool) == Some(true);
        let base = if inherited { workspace.get(key) } else { None };
        let name = [spec.get("package"), base.and_then(|b| b.get("package"))]
            .into_iter()
            .flatten()
            .find_map(Value::as_str)
            .unwrap_or(key)
            .to_owned();
        let mut feats = features(spec);
        feats.extend(base.map(features).unwrap_or_default());
        let path = match (spec.get("path").and_then(Value::as_str), base.and_then(|b| b.get("path"))) {
            (Some(p), _) => Some(member_path(Path::new(member), p)),
            (None, Some(p)) => p.as_str().map(|p| member_path(Path::new(""), p)),
            (None, None) => None,
        };
        let line = line_of_key(text, key);
        out.push(Dependency { name, table: table_name.to_owned(), features: feats, path, file: file.clone(), line });
    }
}

/// Every dependency of the member at `member` (relative to the root), in every table.
pub fn dependencies(member: &str) -> Vec<Dependency> {
    let root = root_manifest();
    let empty = Table::new();
    let workspace =
        root.get("workspace").and_then(|w| w.get("dependencies")).and_then(Value::as_table).unwrap_or(&empty);
    let path = crate::root().join(member).join("Cargo.toml");
    let text = crate::read(&path);
    let manifest = parse(&path);
    let mut out = Vec::new();
    for kind in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(table) = manifest.get(kind).and_then(Value::as_table) {
            collect(&mut out, kind, table, member, &text, workspace);
        }
    }
    for (cfg, target) in manifest.get("target").and_then(Value::as_table).unwrap_or(&empty) {
        for kind in ["dependencies", "dev-dependencies", "build-dependencies"] {
            if let Some(table) = target.get(kind).and_then(Value::as_table) {
                collect(&mut out, &format!("target.{cfg}.{kind}"), table, member, &text, workspace);
            }
        }
    }
    out
}
