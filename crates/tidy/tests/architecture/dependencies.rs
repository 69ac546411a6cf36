//! Who may depend on what, read from the members' `Cargo.toml`: sqlx belongs to the store
//! and the platform only, the domain pulls no I/O, async, SQL, HTTP, UI or serde crate, not
//! even through a workspace crate it depends on, and the insurance adapter only the domain.

use std::collections::BTreeSet;

use tidy::manifest::{Dependency, dependencies, members};
use tidy::{Violation, assert_none};

/// The only members that may depend on sqlx, each with why.
const SQLX_USERS: [(&str, &str); 2] = [
    ("crates/store", "the counter's SQLite cache: all of the counter's SQL"),
    ("platform", "the platform server over PostgreSQL"),
];

/// Crates the domain may not depend on: it does no I/O and knows no wire format.
const IMPURE: [&str; 7] = ["sqlx", "tokio", "tauri", "reqwest", "serde", "axum", "leptos"];

/// `name` is `family` or one of its satellite crates (`sqlx-core`, `serde_json`, `tauri-build`).
fn of_family(name: &str, family: &str) -> bool {
    name.strip_prefix(family).is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '_']))
}

#[test]
fn only_the_store_and_the_platform_depend_on_sqlx() {
    let mut found = Vec::new();
    for member in members() {
        if SQLX_USERS.iter().any(|(allowed, _)| *allowed == member) {
            continue;
        }
        for dep in dependencies(&member).into_iter().filter(|d| of_family(&d.name, "sqlx")) {
            found.push(Violation::new(
                dep.file,
                dep.line,
                format!("{member} depends on {} in [{}]; SQL lives in crates/store and platform", dep.name, dep.table),
            ));
        }
    }
    assert_none("sqlx is a dependency of crates/store and platform only", &found);
}

fn check_pure(chain: &str, dep: &Dependency, found: &mut Vec<Violation>) {
    if let Some(family) = IMPURE.iter().find(|f| of_family(&dep.name, f)) {
        found.push(Violation::new(&dep.file, dep.line, format!("{chain} depends on {} ({family})", dep.name)));
    }
    for feature in &dep.features {
        if let Some(family) = IMPURE.iter().find(|f| feature.contains(**f)) {
            found.push(Violation::new(
                &dep.file,
                dep.line,
                format!("{chain} enables feature `{feature}` of {}, which pulls {family}", dep.name),
            ));
        }
    }
}

#[test]
fn the_domain_depends_on_no_io_async_sql_http_ui_or_serde_crate() {
    let mut found = Vec::new();
    // The domain's normal dependencies, and those of every workspace crate it pulls in.
    let mut queue = vec![("crates/domain".to_owned(), "crates/domain".to_owned())];
    let mut seen = BTreeSet::new();
    while let Some((member, chain)) = queue.pop() {
        if !seen.insert(member.clone()) {
            continue;
        }
        let deps = dependencies(&member);
        for dep in deps.iter().filter(|d| d.is_normal()) {
            check_pure(&chain, dep, &mut found);
            if let Some(path) = &dep.path {
                queue.push((path.clone(), format!("{chain} → {path}")));
            }
        }
    }
    assert_none("the domain crate depends on no sqlx, tokio, tauri, reqwest, serde, axum or leptos", &found);
}

/// What the insurance adapter may depend on: called from both sides (a counter in-process, the
/// platform for linked counters), it knows no store, wire format, HTTP or UI.
const INSURANCE_MAY_USE: [&str; 5] = ["domain", "uuid", "thiserror", "tokio", "rust_decimal"];

#[test]
fn the_insurance_adapter_depends_only_on_the_domain_and_a_timer() {
    let found: Vec<Violation> = dependencies("crates/insurance")
        .into_iter()
        .filter(|d| d.is_normal() && !INSURANCE_MAY_USE.contains(&d.name.as_str()))
        .map(|d| Violation::new(&d.file, d.line, format!("crates/insurance depends on {}", d.name)))
        .collect();
    assert_none("crates/insurance depends only on domain, uuid, thiserror, tokio and rust_decimal", &found);
}

/// What the payment channels may depend on: like insurance, called from a counter in-process
/// and (for linked counters) from the platform.
/// The domain, errors and a timer; serde for the sandbox's register, chrono for its times, and
/// what the notifications' formats and signatures need. No network: the platform posts.
const CHANNELS_MAY_USE: [&str; 11] = [
    "domain",
    "thiserror",
    "tokio",
    "serde",
    "serde_json",
    "chrono",
    "sha2",
    "hmac",
    "base64",
    "quick-xml",
    "form_urlencoded",
];

#[test]
fn the_payment_channels_depend_only_on_the_domain_and_a_timer() {
    let found: Vec<Violation> = dependencies("crates/channels")
        .into_iter()
        .filter(|d| d.is_normal() && !CHANNELS_MAY_USE.contains(&d.name.as_str()))
        .map(|d| Violation::new(&d.file, d.line, format!("crates/channels depends on {}", d.name)))
        .collect();
    assert_none("crates/channels depends only on domain, thiserror, tokio and its formats' crates", &found);
}

#[test]
fn crate_families_are_matched_by_name() {
    assert!(of_family("sqlx", "sqlx") && of_family("sqlx-core", "sqlx") && of_family("serde_json", "serde"));
    assert!(!of_family("serdex", "serde") && !of_family("tokio2", "tokio"));
}
