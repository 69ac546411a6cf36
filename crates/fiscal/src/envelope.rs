//! The fiscal platform's envelope: a request is `{appid, data, noise, version, sign}` with
//! `data` the base64 of the business parameters' UTF-8 JSON and `sign` the uppercase MD5 of
//! `appid=…&data=…&noise=…&key=…&version=…` (the key is the hospital's secret, never sent);
//! an answer is `{result, message}` with `result` "S0000" on success and `message` base64 JSON.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const VERSION: &str = "1.0";
pub const SUCCESS: &str = "S0000";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub appid: String,
    pub data: String,
    pub noise: String,
    pub version: String,
    pub sign: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub result: String,
    pub message: String,
}

/// The uppercase MD5 signature of an envelope's fields with `key`.
pub fn sign(appid: &str, data: &str, noise: &str, version: &str, key: &str) -> String {
    let text = format!("appid={appid}&data={data}&noise={noise}&key={key}&version={version}");
    hex::encode_upper(Md5::digest(text.as_bytes()))
}

/// `params` sealed for the platform.
pub fn wrap(appid: &str, key: &str, noise: &str, params: &Value) -> Envelope {
    let data = STANDARD.encode(params.to_string());
    let sign = sign(appid, &data, noise, VERSION, key);
    Envelope { appid: appid.to_owned(), data, noise: noise.to_owned(), version: VERSION.to_owned(), sign }
}

/// Why an envelope is not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unwrapped {
    BadSign,
    BadData,
}

/// The parameters of `envelope`, once its signature checks with `key`.
pub fn unwrap(envelope: &Envelope, key: &str) -> Result<Value, Unwrapped> {
    let expected = sign(&envelope.appid, &envelope.data, &envelope.noise, &envelope.version, key);
    if expected != envelope.sign || envelope.version != VERSION {
        return Err(Unwrapped::BadSign);
    }
    decode(&envelope.data).ok_or(Unwrapped::BadData)
}

pub fn encode(value: &Value) -> String {
    STANDARD.encode(value.to_string())
}

pub fn decode(text: &str) -> Option<Value> {
    let bytes = STANDARD.decode(text).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_request_opens_with_its_key_only() {
        let params = serde_json::json!({"busNo": "1", "payer": "张三"});
        let envelope = wrap("HOSP01", "secret", "n1", &params);
        assert_eq!(envelope.sign.len(), 32);
        assert_eq!(envelope.sign, envelope.sign.to_uppercase());
        assert_eq!(unwrap(&envelope, "secret"), Ok(params));
        assert_eq!(unwrap(&envelope, "other"), Err(Unwrapped::BadSign));
        let mut tampered = envelope.clone();
        tampered.data = encode(&serde_json::json!({"busNo": "2"}));
        assert_eq!(unwrap(&tampered, "secret"), Err(Unwrapped::BadSign));
    }

    #[test]
    fn the_signature_is_the_documented_md5() {
        // md5("appid=a&data=b&noise=c&key=d&version=1.0")
        let text = "appid=a&data=b&noise=c&key=d&version=1.0";
        assert_eq!(sign("a", "b", "c", "1.0", "d"), hex::encode_upper(Md5::digest(text.as_bytes())));
        assert_ne!(sign("a", "b", "c", "1.0", "d"), sign("a", "b", "c", "1.0", "e"));
    }
}
