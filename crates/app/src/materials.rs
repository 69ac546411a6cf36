//! The materials of this counter's registrations on their way to the platform: which pages it
//! does not hold whole yet, where each lies on the shelf, and remembering the ones it took.

use std::path::PathBuf;

use store::registrations;

use crate::{App, AppError};

impl App {
    /// The pages the platform does not hold whole yet, each once, with the file on the shelf
    /// (`None`: the file is missing from the data folder).
    pub async fn materials_to_upload(&self) -> Result<Vec<(String, Option<PathBuf>)>, AppError> {
        let mut conn = self.store.conn().await?;
        let pending = registrations::materials_to_upload(&mut conn).await?;
        Ok(pending.into_iter().map(|sha| (sha.clone(), self.shelf.find(&sha))).collect())
    }

    /// Remembers that the platform holds `sha256` whole (it is not offered again).
    pub async fn material_uploaded(&self, sha256: &str) -> Result<(), AppError> {
        let mut conn = self.store.conn().await?;
        registrations::material_uploaded(&mut conn, sha256, self.clock.now()).await?;
        Ok(())
    }
}
