//! Where statements come from: one adapter per channel (and the HIS) behind [`StatementSource`].
//! The real WeChat Pay, Alipay, UnionPay and insurance download APIs cannot exist here;
//! [`SandboxStatements`] behaves like them — a bill is ready only from its channel's hour on
//! T+1 (WeChat 10:00, Alipay 08:00, UnionPay and insurance 06:00, the HIS 01:00), a download
//! can fail, and a day without a file is "not yet available" for a day after publishing, then a
//! failure — reading the files a test or `platform sandbox-bills` put in
//! `DIR/YYYY-MM-DD/<channel>.<ext>`.

use std::path::PathBuf;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// A downloaded statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What asking for a statement gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fetch {
    Ready(Fetched),
    /// Not published yet: ask again at `retry_at` (local time); `note` says why, in words.
    NotYet {
        retry_at: NaiveDateTime,
        note: String,
    },
    /// The download failed (timeout, signature, server error); the watchdog tries again.
    Failed(String),
}

pub trait StatementSource: Send + Sync + std::fmt::Debug {
    /// The statement of `channel` (`wechat`, `alipay`, `unionpay`, `insurance`, `his`) for `day`,
    /// asked at `now` (local time).
    fn fetch(&self, channel: &str, day: NaiveDate, now: NaiveDateTime) -> Fetch;
}

/// When a channel's statement for `day` is published (local time, on T+1).
pub fn published_at(channel: &str, day: NaiveDate) -> NaiveDateTime {
    let hour = match channel {
        "wechat" => 10,
        "alipay" => 8,
        "his" => 1,
        _ => 6,
    };
    (day + Duration::days(1)).and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default())
}

pub fn channel_label(channel: &str) -> &'static str {
    contract::recon::label_of(&contract::recon::BATCH_CHANNELS, channel).unwrap_or("未知渠道")
}

/// The sandbox channels: files in a folder, published at the real hours. A file
/// `<channel>.unavailable` next to them makes every download fail (the channel's server is
/// down), as a real outage would, until it is removed.
#[derive(Clone, Debug)]
pub struct SandboxStatements {
    pub dir: PathBuf,
}

impl StatementSource for SandboxStatements {
    fn fetch(&self, channel: &str, day: NaiveDate, now: NaiveDateTime) -> Fetch {
        let label = channel_label(channel);
        let ready = published_at(channel, day);
        if now < ready {
            return Fetch::NotYet {
                retry_at: ready,
                note: format!("{label}对账单 {} 后可下载", ready.format("%m-%d %H:%M")),
            };
        }
        let folder = self.dir.join(day.format("%Y-%m-%d").to_string());
        if folder.join(format!("{channel}.unavailable")).exists() {
            return Fetch::Failed(format!("{label}对账单下载失败：渠道接口无响应（沙箱）"));
        }
        let found = std::fs::read_dir(&folder).ok().and_then(|entries| {
            entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).find(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.starts_with(&format!("{channel}.")) && !name.ends_with(".unavailable")
            })
        });
        match found {
            Some(path) => match std::fs::read(&path) {
                Ok(bytes) => Fetch::Ready(Fetched {
                    name: path.file_name().and_then(|n| n.to_str()).unwrap_or(channel).to_owned(),
                    bytes,
                }),
                Err(e) => Fetch::Failed(format!("{label}对账单读取失败：{e}")),
            },
            None if now < ready + Duration::days(1) => Fetch::NotYet {
                retry_at: now + Duration::minutes(30),
                note: format!("尚未取得{label}对账单（渠道未提供该日文件），30 分钟后再试"),
            },
            None => Fetch::Failed(format!("渠道一天内仍未提供{label}对账单，请联系渠道或上传对账单后重新对账")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn bills_are_published_at_their_channels_hours() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(published_at("alipay", day), at("2026-11-25 08:00"));
        assert_eq!(published_at("wechat", day), at("2026-11-25 10:00"));
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("2026-11-24");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("wechat.csv"), b"bill").unwrap();
        let source = SandboxStatements { dir: dir.path().to_owned() };
        match source.fetch("wechat", day, at("2026-11-25 09:59")) {
            Fetch::NotYet { retry_at, note } => {
                assert_eq!(retry_at, at("2026-11-25 10:00"));
                assert!(note.contains("10:00"), "{note}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            source.fetch("wechat", day, at("2026-11-25 10:00")),
            Fetch::Ready(Fetched { name: "wechat.csv".into(), bytes: b"bill".to_vec() })
        );
        assert!(matches!(source.fetch("alipay", day, at("2026-11-25 10:00")), Fetch::NotYet { .. }));
        assert!(
            matches!(source.fetch("alipay", day, at("2026-11-26 08:00")), Fetch::Failed(_)),
            "a day after publishing, a missing bill is a failure someone must see"
        );
        std::fs::write(folder.join("wechat.unavailable"), b"").unwrap();
        assert!(matches!(source.fetch("wechat", day, at("2026-11-25 11:00")), Fetch::Failed(_)));
    }
}
