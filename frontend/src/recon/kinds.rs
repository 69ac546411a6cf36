//! The review's small vocabularies: the dialog in front of it, the basis a discrepancy is
//! resolved by, the format of a report, and where a run stands.

use contract::recon::ReconItem;

/// The dialog in front of the review, if any.
#[derive(Clone, Debug, PartialEq)]
pub enum ReviewDialog {
    Cause(ReconItem),
    Resolve(ReconItem, Basis),
    Decide(ReconItem),
}

/// What a discrepancy is resolved by: 以平台为准 (the platform's record stands, marked handled)
/// or 以渠道为准 (the channel's record stands: a correction waiting for a supervisor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    Platform,
    Channel,
}

impl Basis {
    pub fn code(self) -> &'static str {
        match self {
            Basis::Platform => "platform",
            Basis::Channel => "channel",
        }
    }
}

/// The format a batch's report is saved in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Xlsx,
    Pdf,
}

impl ReportFormat {
    pub fn code(self) -> &'static str {
        match self {
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Pdf => "pdf",
        }
    }
}

/// Where a run started from this screen stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    Idle,
    Running,
    Finished,
}
