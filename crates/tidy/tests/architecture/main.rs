//! The architecture rules of ARCHITECTURE.md, checked by reading the source tree (after
//! rust-analyzer's tidy tests). Each failure names the rule and every offending `file:line`.
//! Run with `cargo test -p tidy`; `cargo test --workspace` (scripts/test.sh) runs them too.

mod clocks;
mod dependencies;
mod faults;
mod floats;
mod reports_io;
mod sources;
mod sql;
mod vocabularies;
