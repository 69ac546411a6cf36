//! Reconciliation review (对账复核) from the desktop: the platform's recon endpoints on [`Client`],
//! and [`Review`], what a finance clerk does with them — list a day's batches and discrepancies,
//! start a run, assign a cause, resolve an entry, have a supervisor decide a correction, export
//! the list shown and save an original statement. Every answer or refusal comes back as a
//! `contract::ApiError` in zh-CN. Review needs the platform: nothing here is cached locally.

use std::path::{Path, PathBuf};

use app::Operator;
use contract::ApiError;
use contract::error::codes;
use contract::recon::{
    AssignCause, CORRECTIONS, DecideCorrection, ItemFilter, ReconBatch, ReconItem, ResolveItem, RunReconciliation,
    SavedFile, cause_label, describe_filter, is_day, label_of,
};
use domain::Role;
use reqwest::StatusCode;

use crate::client::{Client, ClientError, refusal};
use crate::session::Session;

/// At a counter that is not linked to a platform.
pub const NOT_LINKED: &str = "NOT_LINKED";
pub const NOT_LINKED_MESSAGE: &str = "单机收费端不能对账：对账数据在平台上，请在已连接平台的电脑上使用";
pub const PLATFORM_UNREACHABLE: &str = "PLATFORM_UNREACHABLE";

/// An original file as the platform stored it, with the name it was uploaded or fetched under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Client {
    pub async fn recon_batches(&self, token: &str, day: &str) -> Result<Vec<ReconBatch>, ClientError> {
        let request = self.http.get(format!("{}/api/v1/recon/batches", self.base)).query(&[("day", day)]);
        self.send(request.bearer_auth(token)).await
    }

    pub async fn recon_run(&self, token: &str, request: &RunReconciliation) -> Result<Vec<ReconBatch>, ClientError> {
        self.send(self.post("/api/v1/recon/runs", Some(token), request)).await
    }

    /// The items of `filter.day`; an absent or empty filter field means any.
    pub async fn recon_items(&self, token: &str, filter: &ItemFilter) -> Result<Vec<ReconItem>, ClientError> {
        let mut query = vec![("day", filter.day.as_str())];
        let optional = [
            ("channel", &filter.channel),
            ("class", &filter.class),
            ("kind", &filter.kind),
            ("cause", &filter.cause),
            ("state", &filter.state),
        ];
        for (name, value) in optional {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                query.push((name, value));
            }
        }
        let request = self.http.get(format!("{}/api/v1/recon/items", self.base)).query(&query);
        self.send(request.bearer_auth(token)).await
    }

    pub async fn recon_assign_cause(
        &self,
        token: &str,
        id: &str,
        request: &AssignCause,
    ) -> Result<ReconItem, ClientError> {
        self.send(self.post(&item_path(id, "cause"), Some(token), request)).await
    }

    pub async fn recon_resolve(&self, token: &str, id: &str, request: &ResolveItem) -> Result<ReconItem, ClientError> {
        self.send(self.post(&item_path(id, "resolve"), Some(token), request)).await
    }

    /// A supervisor's decision, with the supervisor's own token (the platform checks the role).
    pub async fn recon_decide(
        &self,
        token: &str,
        id: &str,
        request: &DecideCorrection,
    ) -> Result<ReconItem, ClientError> {
        self.send(self.post(&item_path(id, "decide"), Some(token), request)).await
    }

    /// Ends the session of `token` on the platform.
    pub async fn log_out(&self, token: &str) -> Result<(), ClientError> {
        let url = format!("{}/api/v1/auth/logout", self.base);
        let response =
            self.http.post(url).bearer_auth(token).send().await.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = response.bytes().await.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        Err(refusal(status, &bytes))
    }

    /// The original statement (or platform ledger) file stored under `id`.
    pub async fn recon_statement(&self, token: &str, id: i64) -> Result<StatementFile, ClientError> {
        self.recon_file(token, &format!("/api/v1/recon/statements/{id}"), &[], format!("对账单-{id}")).await
    }

    /// A finished batch's result and single-sided reports as one file (`format`: xlsx or pdf).
    pub async fn recon_report(
        &self,
        token: &str,
        day: &str,
        channel: &str,
        format: &str,
    ) -> Result<StatementFile, ClientError> {
        let query = [("day", day), ("channel", channel), ("format", format)];
        self.recon_file(token, "/api/v1/recon/report", &query, format!("对账报表-{day}-{channel}.{format}")).await
    }

    /// A file the platform sends as an attachment, named as it says (`fallback` otherwise).
    async fn recon_file(
        &self,
        token: &str,
        path: &str,
        query: &[(&str, &str)],
        fallback: String,
    ) -> Result<StatementFile, ClientError> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .get(url)
            .query(query)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        let status = response.status();
        let disposition = response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        if status != StatusCode::OK {
            return Err(refusal(status, &bytes));
        }
        let name =
            disposition.as_deref().and_then(attachment_name).and_then(|n| safe_file_name(&n)).unwrap_or(fallback);
        Ok(StatementFile { name, bytes: bytes.to_vec() })
    }
}

fn item_path(id: &str, action: &str) -> String {
    format!("/api/v1/recon/items/{}/{action}", path_segment(id))
}

/// `text` as one URL path segment: everything but the unreserved characters percent-encoded.
pub fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The file name of a `Content-Disposition: attachment` header: `filename*=UTF-8''…` (RFC 5987)
/// first, then a plain `filename="…"`.
pub fn attachment_name(header: &str) -> Option<String> {
    let params: Vec<(String, &str)> = header
        .split(';')
        .filter_map(|part| part.split_once('='))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim()))
        .collect();
    let extended = params.iter().find(|(name, _)| name == "filename*").and_then(|(_, value)| {
        let (charset, rest) = value.split_once('\'')?;
        let (_, encoded) = rest.split_once('\'')?;
        charset.eq_ignore_ascii_case("utf-8").then(|| percent_decode(encoded)).flatten()
    });
    extended.or_else(|| {
        params.iter().find(|(name, _)| name == "filename").map(|(_, value)| value.trim_matches('"').to_owned())
    })
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A name that stays inside the exports folder: no folders, no control characters, not `.`/`..`.
pub fn safe_file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|')).collect();
    let clean = clean.trim().to_owned();
    (!clean.is_empty() && clean != "." && clean != "..").then_some(clean)
}

/// Finance, supervisors and administrators review; cashiers do not.
pub fn may_review(role: Role) -> bool {
    matches!(role, Role::Finance | Role::Supervisor | Role::Admin)
}

/// Refuses a cashier, in words.
pub fn require_reviewer(operator: &Operator) -> Result<(), ApiError> {
    if may_review(operator.role) {
        Ok(())
    } else {
        Err(ApiError::new(codes::FORBIDDEN, "只有财务或主管可以对账"))
    }
}

/// The platform's refusal or silence as the review shows it.
pub fn review_error(error: ClientError) -> ApiError {
    match error {
        ClientError::Unreachable(detail) => {
            tracing::info!(%detail, "platform unreachable during review");
            ApiError::new(PLATFORM_UNREACHABLE, "无法连接平台，对账需要在线")
        }
        ClientError::Refused { status: 401, .. } => ApiError::new(codes::NOT_LOGGED_IN, "请重新登录（平台会话已过期）"),
        ClientError::Refused { status: 403, body } if body.message.is_empty() => {
            ApiError::new(codes::FORBIDDEN, "只有财务或主管可以对账")
        }
        ClientError::Refused { body, .. } => ApiError::new(&body.code, body.message),
        ClientError::Garbled(detail) => {
            ApiError::new("PLATFORM_GARBLED", format!("平台应答无法读取，请联系信息科：{detail}"))
        }
        ClientError::Certificate(detail) => {
            ApiError::new("PLATFORM_CERTIFICATE", format!("平台证书无效，请联系信息科：{detail}"))
        }
        local @ (ClientError::Local(_) | ClientError::SecretNotKept(_)) => {
            ApiError::new(local.code(), local.to_string())
        }
    }
}

/// One user's review at this counter: their platform token from the session, the calls, the
/// files saved under the exports folder.
#[derive(Debug)]
pub struct Review<'a> {
    session: &'a Session,
    username: String,
}

impl<'a> Review<'a> {
    /// The review of `username` (whose role the caller checked, see [`require_reviewer`]).
    pub fn new(session: &'a Session, username: &str) -> Review<'a> {
        Review { session, username: username.to_owned() }
    }

    fn token(&self) -> Result<String, ApiError> {
        self.session
            .token(&self.username)
            .ok_or_else(|| ApiError::new(codes::NOT_LOGGED_IN, "请重新登录（平台会话已过期）"))
    }

    fn client(&self) -> &Client {
        &self.session.client
    }

    pub async fn batches(&self, day: &str) -> Result<Vec<ReconBatch>, ApiError> {
        check_day(day)?;
        let token = self.token()?;
        self.client().recon_batches(&token, day).await.map_err(review_error)
    }

    pub async fn run(&self, request: &RunReconciliation) -> Result<Vec<ReconBatch>, ApiError> {
        check_day(&request.day)?;
        let token = self.token()?;
        self.client().recon_run(&token, request).await.map_err(review_error)
    }

    pub async fn items(&self, filter: &ItemFilter) -> Result<Vec<ReconItem>, ApiError> {
        check_day(&filter.day)?;
        let token = self.token()?;
        self.client().recon_items(&token, filter).await.map_err(review_error)
    }

    pub async fn assign_cause(&self, id: &str, request: &AssignCause) -> Result<ReconItem, ApiError> {
        if cause_label(&request.cause).is_none() {
            return Err(ApiError::new("RECON_BAD_CAUSE", "请选择原因").on_field("cause"));
        }
        let token = self.token()?;
        self.client().recon_assign_cause(&token, id, request).await.map_err(review_error)
    }

    /// 以平台为准 or 以渠道为准; the reason is required, and 以渠道为准 names its correction.
    pub async fn resolve(&self, id: &str, request: &ResolveItem) -> Result<ReconItem, ApiError> {
        let request = checked_resolution(request)?;
        let token = self.token()?;
        self.client().recon_resolve(&token, id, &request).await.map_err(review_error)
    }

    /// The supervisor logs in online with their own credentials for this one decision; their
    /// token is used once and kept nowhere.
    pub async fn decide(
        &self,
        id: &str,
        supervisor: &str,
        password: &str,
        decision: &DecideCorrection,
    ) -> Result<ReconItem, ApiError> {
        let supervisor = supervisor.trim();
        if supervisor.is_empty() {
            return Err(ApiError::new("APPROVAL_REQUIRED", "请填写主管用户名").on_field("supervisor"));
        }
        if password.is_empty() {
            return Err(ApiError::new("APPROVAL_REQUIRED", "请填写主管密码").on_field("password"));
        }
        if !decision.approve && decision.note.trim().is_empty() {
            return Err(ApiError::new("RECON_NOTE_REQUIRED", "驳回时请填写审批意见").on_field("note"));
        }
        let login = wire::api::LoginRequest {
            username: supervisor.to_owned(),
            password: password.to_owned(),
            device_id: Some(self.session.device),
            device_secret: self.session.device_secret(),
        };
        let answer = match self.client().log_in(&login).await {
            Ok(answer) => answer,
            Err(ClientError::Refused { body, .. }) => {
                let code =
                    if body.code == wire::codes::LOGIN_THROTTLED { codes::LOGIN_LOCKED } else { codes::LOGIN_FAILED };
                return Err(ApiError::new(code, body.message).on_field("password"));
            }
            Err(e) => return Err(review_error(e)),
        };
        let decision = DecideCorrection { approve: decision.approve, note: decision.note.trim().to_owned() };
        let decided = self.client().recon_decide(&answer.token, id, &decision).await.map_err(|e| match e {
            ClientError::Refused { status: 401, .. } => {
                ApiError::new(codes::LOGIN_FAILED, "主管登录已失效，请重新输入密码")
            }
            other => review_error(other),
        });
        // The approval's session ends here; if the platform cannot be told, it expires by itself.
        if let Err(e) = self.client().log_out(&answer.token).await {
            tracing::warn!(error = %e.code(), "the supervisor's approval session could not be ended");
        }
        decided
    }

    /// The items `filter` lists, as `对账差异-<day>.xlsx` in `exports` (an earlier export of the
    /// same day is replaced).
    /// `progress` hears each stage in the operator's words (the screen shows it while it waits).
    pub async fn export(
        &self,
        filter: &ItemFilter,
        exports: &Path,
        progress: &(dyn Fn(String) + Send + Sync),
    ) -> Result<SavedFile, ApiError> {
        progress("正在从平台读取差异明细…".to_owned());
        let items = self.items(filter).await?;
        progress(format!("已读取 {} 条，正在生成 XLSX…", items.len()));
        let (day, described) = (filter.day.clone(), describe_filter(filter));
        // Building the workbook is CPU work: off the async workers (a cancelled export's
        // workbook is dropped unsaved).
        let (items, bytes) = tokio::task::spawn_blocking(move || {
            let bytes = reports::recon_review::review_xlsx(&day, &described, &items);
            (items, bytes)
        })
        .await
        .map_err(|e| ApiError::new(codes::INTERNAL, e.to_string()))?;
        let bytes = bytes.map_err(|e| ApiError::new(e.code(), e.to_string()))?;
        progress("正在保存…".to_owned());
        let path = save(exports, &format!("对账差异-{}.xlsx", filter.day), &bytes).await?;
        Ok(SavedFile { path: path.display().to_string(), rows: items.len() as u64 })
    }

    /// The original file stored under `id`, saved in `exports` under the platform's name. `rows`
    /// counts its lines (0 for a binary file such as a ZIP or XLSX).
    pub async fn download_statement(&self, id: i64, exports: &Path) -> Result<SavedFile, ApiError> {
        let token = self.token()?;
        let file = self.client().recon_statement(&token, id).await.map_err(review_error)?;
        let path = save(exports, &file.name, &file.bytes).await?;
        let rows = if file.bytes.contains(&0) { 0 } else { text_lines(&file.bytes) };
        Ok(SavedFile { path: path.display().to_string(), rows })
    }

    /// A batch's reports (`format`: xlsx or pdf) saved in `exports`; `rows` is 0 (binary).
    pub async fn download_report(
        &self,
        day: &str,
        channel: &str,
        format: &str,
        exports: &Path,
    ) -> Result<SavedFile, ApiError> {
        check_day(day)?;
        if !matches!(format, "xlsx" | "pdf") {
            return Err(ApiError::new("FORMAT_UNKNOWN", "报表格式应为 XLSX 或 PDF").on_field("format"));
        }
        let token = self.token()?;
        let file = self.client().recon_report(&token, day, channel, format).await.map_err(review_error)?;
        let path = save(exports, &file.name, &file.bytes).await?;
        Ok(SavedFile { path: path.display().to_string(), rows: 0 })
    }
}

fn check_day(day: &str) -> Result<(), ApiError> {
    if is_day(day) {
        Ok(())
    } else {
        Err(ApiError::new("RECON_BAD_DAY", "请输入正确的对账日期（年-月-日）").on_field("day"))
    }
}

/// The resolution as it is sent: reason trimmed and required, the correction only with 以渠道为准.
pub fn checked_resolution(request: &ResolveItem) -> Result<ResolveItem, ApiError> {
    let reason = request.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::new("RECON_REASON_REQUIRED", "请填写处理说明").on_field("reason"));
    }
    match request.basis.as_str() {
        "platform" => Ok(ResolveItem { basis: request.basis.clone(), reason, correction: None }),
        "channel" => match request.correction.as_deref() {
            Some(code) if label_of(&CORRECTIONS, code).is_some() => {
                Ok(ResolveItem { basis: request.basis.clone(), reason, correction: Some(code.to_owned()) })
            }
            _ => Err(ApiError::new("RECON_CORRECTION_REQUIRED", "请选择更正方式").on_field("correction")),
        },
        _ => Err(ApiError::new("RECON_BAD_BASIS", "处理依据只能是以平台为准或以渠道为准").on_field("basis")),
    }
}

fn text_lines(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
    newlines + u64::from(bytes.last().is_some_and(|b| *b != b'\n'))
}

/// Writes `bytes` to `dir/name` through a temporary file, so a half-written file never carries
/// the name.
async fn save(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, ApiError> {
    let failed = |path: &Path, e: std::io::Error| {
        ApiError::new(
            "FILE_WRITE",
            format!("无法保存文件 {}：{e}。请检查磁盘空间，或关闭已打开该文件的程序后重试", path.display()),
        )
    };
    tokio::fs::create_dir_all(dir).await.map_err(|e| failed(dir, e))?;
    let path = dir.join(name);
    let part = dir.join(format!(".{name}.part"));
    tokio::fs::write(&part, bytes).await.map_err(|e| failed(&part, e))?;
    tokio::fs::rename(&part, &path).await.map_err(|e| failed(&path, e))?;
    Ok(path)
}

#[cfg(test)]
#[path = "recon_tests.rs"]
mod tests;
