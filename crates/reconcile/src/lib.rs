//! The reconciliation engine (pure, no I/O): work in progress.
