//! PDF building blocks: the embedded fonts and an A4 sheet that places text by millimetre.

pub mod fonts;
pub mod sheet;

pub use sheet::{Align, Sheet};
