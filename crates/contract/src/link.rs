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
    pub last_error: Option<String>,
}

impl LinkStatus {
    /// The status bar's words: 在线 / 离线（自 … 起）· 待上传 N 笔 · 待处理 M 笔 · 失败 K 笔.
    pub fn label(&self) -> String {
        if !self.linked {
            return "单机（未连接平台）".to_owned();
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
            last_error: None,
        };
        assert_eq!(status.label(), "离线（自 2026-11-25 08:05 起） · 待上传 3 笔 · 待处理 1 笔 · 失败 2 笔");
        assert_eq!(LinkStatus { linked: true, online: true, ..LinkStatus::default() }.label(), "在线");
        assert_eq!(LinkStatus::default().label(), "单机（未连接平台）");
    }
}
