//! The counter's connection to the platform as the status bar shows it: online or offline and
//! since when, how many operations wait to be sent, how many the platform refused, how many it
//! could not apply (retried).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkStatus {
    /// `false` for a stand-alone counter (the demo, or not registered with a platform).
    pub linked: bool,
    pub online: bool,
    /// `YYYY-MM-DD HH:MM` when the link last went up or down.
    pub since: Option<String>,
    /// Operations in the outbox the platform has not answered yet.
    pub waiting: i64,
    /// Operations the platform refused (待处理, a supervisor resolves them).
    pub refused: i64,
    /// Operations the platform could not apply (an internal error there); retried with back-off.
    #[serde(default)]
    pub failed: i64,
    /// Insurance calls not resolved yet (医保待处理): an unfinished settlement or reversal, a
    /// failed reversal being retried, a claim reversed for a recall that did not commit here.
    #[serde(default)]
    pub insurance: i64,
    pub last_error: Option<String>,
}

impl LinkStatus {
    /// The status bar's words: 在线 / 离线（自 … 起）· 待上传 N 笔 · 待处理 M 笔 · 失败 K 笔 ·
    /// 医保待处理 I 笔.
    pub fn label(&self) -> String {
        let insurance =
            if self.insurance > 0 { format!(" · 医保待处理 {} 笔", self.insurance) } else { String::new() };
        if !self.linked {
            return format!("单机（未连接平台）{insurance}");
        }
        let mut text = if self.online {
            "在线".to_owned()
        } else {
            match &self.since {
                Some(since) => format!("离线（自 {since} 起）"),
                None => "离线".to_owned(),
            }
        };
        if self.waiting > 0 {
            text.push_str(&format!(" · 待上传 {} 笔", self.waiting));
        }
        if self.refused > 0 {
            text.push_str(&format!(" · 待处理 {} 笔", self.refused));
        }
        if self.failed > 0 {
            text.push_str(&format!(" · 失败 {} 笔", self.failed));
        }
        text.push_str(&insurance);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_bar_says_offline_since_when_and_what_waits() {
        let status = LinkStatus {
            linked: true,
            online: false,
            since: Some("2026-11-25 08:05".into()),
            waiting: 3,
            refused: 1,
            failed: 2,
            insurance: 0,
            last_error: None,
        };
        assert_eq!(status.label(), "离线（自 2026-11-25 08:05 起） · 待上传 3 笔 · 待处理 1 笔 · 失败 2 笔");
        let stuck = LinkStatus { insurance: 1, ..status };
        assert_eq!(
            stuck.label(),
            "离线（自 2026-11-25 08:05 起） · 待上传 3 笔 · 待处理 1 笔 · 失败 2 笔 · 医保待处理 1 笔"
        );
        let alone = LinkStatus { insurance: 2, ..LinkStatus::default() };
        assert_eq!(alone.label(), "单机（未连接平台） · 医保待处理 2 笔");
        assert_eq!(LinkStatus { linked: true, online: true, ..LinkStatus::default() }.label(), "在线");
        assert_eq!(LinkStatus::default().label(), "单机（未连接平台）");
    }
}
