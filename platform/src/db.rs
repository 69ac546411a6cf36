//! Connecting to PostgreSQL and applying the platform's migrations.

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Connections the platform keeps open at most. One push applies its admissions on at most half
/// of them (`push::push_share`), so pulls, logins and the review always find one.
pub const POOL_SIZE: u32 = 32;

pub async fn connect(url: &str) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new().max_connections(POOL_SIZE).connect(url).await?;
    Ok(pool)
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_push_holds_at_most_half_the_pool() {
        assert_eq!(crate::push::push_share(super::POOL_SIZE), 16);
        assert_eq!(crate::push::push_share(100), 24);
        assert_eq!(crate::push::push_share(1), 1);
    }
}
