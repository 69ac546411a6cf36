//! Logging in at a counter linked to a platform: online first (the token goes to the OS keyring,
//! the user's password hash to the local cache for offline logins), the local cache when the
//! platform cannot be reached. Also device registration and topping up receipt ranges.

use std::collections::HashMap;
use std::sync::Mutex;

use app::{App, AppError, Operator};
use contract::session::LoginRequest;
use store::receipts::{self, Series};
use store::{settings, users};
use uuid::Uuid;
use wire::api::{RangeRequest, RegisterDevice};

use crate::client::{Client, ClientError};

pub use store::settings::DEVICE_ID;

/// A device's id on the platform.
pub type DeviceId = Uuid;
const KEYRING_SERVICE: &str = "cn.hospital.inpatient-cashier";

/// Where session tokens live: the OS keyring (Secret Service on Linux) at a counter, memory in
/// the command line and tests. Never a file in the data folder. At a counter the running app
/// also holds its tokens in memory, so a missing or locked keyring costs only a new login after
/// a restart — nothing crashes and sync keeps working meanwhile.
#[derive(Debug)]
pub enum TokenStore {
    Keyring(Mutex<HashMap<String, String>>),
    Memory(Mutex<HashMap<String, String>>),
}

impl TokenStore {
    pub fn memory() -> TokenStore {
        TokenStore::Memory(Mutex::new(HashMap::new()))
    }

    pub fn keyring() -> TokenStore {
        TokenStore::Keyring(Mutex::new(HashMap::new()))
    }

    fn held(&self) -> &Mutex<HashMap<String, String>> {
        match self {
            TokenStore::Keyring(map) | TokenStore::Memory(map) => map,
        }
    }

    pub fn get(&self, account: &str) -> Option<String> {
        if let Some(token) = self.held().lock().ok()?.get(account).cloned() {
            return Some(token);
        }
        match self {
            TokenStore::Keyring(_) => keyring::Entry::new(KEYRING_SERVICE, account).ok()?.get_password().ok(),
            TokenStore::Memory(_) => None,
        }
    }

    /// Keeps the token; `false` when the keyring refused it (it then lives in memory only,
    /// until the app stops).
    pub fn set(&self, account: &str, token: &str) -> bool {
        if let Ok(mut held) = self.held().lock() {
            held.insert(account.to_owned(), token.to_owned());
        }
        match self {
            TokenStore::Keyring(_) => {
                keyring::Entry::new(KEYRING_SERVICE, account).and_then(|e| e.set_password(token)).is_ok()
            }
            TokenStore::Memory(_) => true,
        }
    }

    pub fn forget(&self, account: &str) {
        if let Ok(mut held) = self.held().lock() {
            held.remove(account);
        }
        if let TokenStore::Keyring(_) = self
            && let Ok(entry) = keyring::Entry::new(KEYRING_SERVICE, account)
        {
            let _ = entry.delete_credential();
        }
    }
}

/// A counter's standing with its platform: the client, this device, and the tokens.
#[derive(Debug)]
pub struct Session {
    pub client: Client,
    pub device: Uuid,
    pub tokens: TokenStore,
    /// The user who logged in online last: calls made for the counter rather than for a named
    /// user (insurance) use their token.
    current: Mutex<Option<String>>,
    /// The secret the platform gave this device at registration ([`crate::device_secret`]):
    /// every online login proves the device with it.
    device_secret: Option<String>,
}

/// How a login went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginMode {
    Online,
    /// The platform could not be reached: logged in against the local cache.
    Offline(String),
}

impl Session {
    pub fn new(client: Client, device: Uuid, tokens: TokenStore) -> Session {
        Session { client, device, tokens, current: Mutex::new(None), device_secret: None }
    }

    /// The device's secret, for a login made on this device's behalf (a supervisor's approval).
    pub fn device_secret(&self) -> Option<String> {
        self.device_secret.clone()
    }

    /// The session with the device's secret to prove it at login.
    pub fn proven(mut self, secret: Option<String>) -> Session {
        self.device_secret = secret;
        self
    }

    /// The token of the user who logged in online last, while they are logged in.
    pub fn current_token(&self) -> Option<String> {
        let username = self.current.lock().ok()?.clone()?;
        self.token(&username)
    }

    fn account(&self, username: &str) -> String {
        format!("{}:{}", self.device, username)
    }

    pub fn token(&self, username: &str) -> Option<String> {
        self.tokens.get(&self.account(username))
    }

    /// Logs in online when the platform answers, offline otherwise; the platform's refusal of a
    /// wrong password is final (no offline retry of a password the platform refused).
    pub async fn log_in(&self, app: &App, request: &LoginRequest) -> Result<(Operator, LoginMode), AppError> {
        let online = wire::api::LoginRequest {
            username: request.username.trim().to_owned(),
            password: request.password.clone(),
            device_id: Some(self.device),
            device_secret: self.device_secret.clone(),
        };
        let mode = match self.client.log_in(&online).await {
            Ok(answer) => {
                let mut conn = app.store().conn().await?;
                let record = users::UserRecord {
                    username: answer.username.clone(),
                    display_name: answer.display_name.clone(),
                    role: answer.role.clone(),
                    // The platform sends the hash to a registered device's login only (this one).
                    password_hash: answer.password_hash.clone().unwrap_or_default(),
                    receipt_prefix: answer.receipt_prefix.clone(),
                };
                users::upsert(&mut conn, &record).await?;
                // The platform's contracts decide how long a refund may go back by its route.
                if let Some(windows) = answer.refund_windows.as_deref()
                    && domain::account::refund_windows::RefundWindows::parse(windows).is_ok()
                {
                    store::settings::set(&mut conn, store::settings::REFUND_WINDOWS, windows).await?;
                }
                drop(conn);
                if !self.tokens.set(&self.account(&answer.username), &answer.token) {
                    tracing::warn!("keyring refused the token; sync will ask for a new login");
                }
                if let Ok(mut current) = self.current.lock() {
                    *current = Some(answer.username.clone());
                }
                LoginMode::Online
            }
            Err(e) if e.is_unreachable() => LoginMode::Offline(e.to_string()),
            Err(ClientError::Refused { body, .. }) => {
                return Err(AppError::LoginFailed {
                    code: if body.code == wire::codes::LOGIN_THROTTLED { "LOGIN_LOCKED" } else { "LOGIN_FAILED" },
                    message: body.message,
                });
            }
            Err(e) => LoginMode::Offline(e.to_string()),
        };
        let operator = app.log_in(request).await?;
        Ok((operator, mode))
    }

    /// Logs `username` out of the platform: its token is revoked there (when the platform answers;
    /// unreachable, refused or already expired, the counter forgets it all the same) and removed
    /// from the keyring and memory. Whether the platform revoked it.
    pub async fn log_out(&self, username: &str) -> bool {
        let account = self.account(username);
        if let Ok(mut current) = self.current.lock()
            && current.as_deref() == Some(username)
        {
            *current = None;
        }
        let Some(token) = self.tokens.get(&account) else { return false };
        self.tokens.forget(&account);
        match self.client.log_out(&token).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(code = e.code(), "the platform did not revoke the token: {e}");
                false
            }
        }
    }

    /// Makes sure the cashier holds at least `low` unused numbers per series on this device.
    pub async fn top_up_ranges(&self, app: &App, username: &str, low: i64, block: i64) -> Result<(), ClientError> {
        let Some(token) = self.token(username) else { return Ok(()) };
        for series in [Series::Deposit, Series::Settlement] {
            let mut conn = app.store().conn().await?;
            let left = receipts::numbers_left(&mut conn, username, series).await?;
            drop(conn);
            if left.is_some_and(|n| n >= low) {
                continue;
            }
            let request = RangeRequest { device_id: self.device, series: series.code().to_owned(), count: block };
            let range = self.client.allocate_range(&token, &request).await?;
            let mut conn = app.store().conn().await?;
            receipts::add_range(
                &mut conn,
                username,
                series,
                range.first_seq,
                range.last_seq,
                &range.prefix,
                app.clock().now(),
            )
            .await?;
        }
        Ok(())
    }
}

/// Registers this database's counter with the platform (an administrator's credentials),
/// remembers the device id in the local settings and keeps the device's secret
/// ([`crate::device_secret`], beside `db`).
pub async fn register_device(
    app: &App,
    db: &std::path::Path,
    client: &Client,
    admin: (&str, &str),
    name: &str,
    place: &str,
    wards: Vec<String>,
) -> Result<Uuid, ClientError> {
    let login = client
        .log_in(&wire::api::LoginRequest {
            username: admin.0.to_owned(),
            password: admin.1.to_owned(),
            device_id: None,
            device_secret: None,
        })
        .await?;
    let device = client
        .register_device(&login.token, &RegisterDevice { name: name.to_owned(), place: place.to_owned(), wards })
        .await?;
    crate::device_secret::save(db, device.device_id, &device.device_secret)
        .map_err(|e| ClientError::SecretNotKept(e.to_string()))?;
    let mut conn = app.store().conn().await?;
    settings::set(&mut conn, DEVICE_ID, &device.device_id.to_string()).await?;
    Ok(device.device_id)
}

/// The device id this database was registered under, if any.
pub async fn device_of(app: &App) -> Result<Option<Uuid>, AppError> {
    let mut conn = app.store().conn().await?;
    Ok(settings::get(&mut conn, DEVICE_ID).await?.and_then(|d| Uuid::parse_str(&d).ok()))
}
