//! The version of an account: the newest row id of each journal table. Rows are only appended,
//! so any change to fees, deposits, reimbursements, settlements or the patient's state changes
//! the version; a trial carries the version it saw and a settlement refuses a stale one.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AccountVersion {
    pub fees: i64,
    pub fee_events: i64,
    pub deposits: i64,
    pub settlements: i64,
    pub recalls: i64,
    pub events: i64,
    pub blood: i64,
}

impl fmt::Display for AccountVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "v1.{}.{}.{}.{}.{}.{}.{}",
            self.fees, self.fee_events, self.deposits, self.settlements, self.recalls, self.events, self.blood
        )
    }
}

impl FromStr for AccountVersion {
    type Err = ();
    fn from_str(text: &str) -> Result<AccountVersion, ()> {
        let mut parts = text.strip_prefix("v1.").ok_or(())?.split('.').map(|p| p.parse::<i64>().map_err(|_| ()));
        let mut next = || parts.next().ok_or(())?;
        let version = AccountVersion {
            fees: next()?,
            fee_events: next()?,
            deposits: next()?,
            settlements: next()?,
            recalls: next()?,
            events: next()?,
            blood: next()?,
        };
        if parts.next().is_some() {
            return Err(());
        }
        Ok(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_garbage() {
        let v =
            AccountVersion { fees: 12, fee_events: 3, deposits: 5, settlements: 1, recalls: 0, events: 4, blood: 9 };
        assert_eq!(v.to_string().parse::<AccountVersion>(), Ok(v));
        assert!("v1.1.2".parse::<AccountVersion>().is_err());
        assert!("v2.1.2.3.4.5.6.7".parse::<AccountVersion>().is_err());
        assert!("v1.1.2.3.4.5.6.7.8".parse::<AccountVersion>().is_err());
    }
}
