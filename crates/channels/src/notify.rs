//! Payment notifications (支付结果通知): a payment made in the hospital's app or at a kiosk is
//! announced by the channel to the merchant's notify URL, signed, and announced again until
//! the merchant answers that it took it. The shapes are the services' own: WeChat Pay's XML
//! (`return_code`, `result_code`, `out_trade_no`, `transaction_id`, `total_fee` in fen,
//! `attach`, `time_end`, `sign` = HMAC-SHA256 over the sorted `k=v` pairs and `&key=KEY`,
//! upper-case hex) answered with `<xml><return_code>SUCCESS</return_code>…`, and Alipay's form
//! (`trade_status=TRADE_SUCCESS`, `out_trade_no`, `trade_no`, `total_amount` in yuan,
//! `passback_params`, `gmt_payment`, `sign`) answered with `success`. The sandbox signs
//! Alipay's form with the merchant key too (HMAC-SHA256, base64; `sign_type=HMAC-SHA256`); a
//! real Alipay adapter verifies RSA2 with Alipay's public key in [`read`] instead.

use std::collections::BTreeMap;

use base64::Engine;
use chrono::NaiveDateTime;
use domain::{Money, Tender};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;

/// A payment a channel announced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub tender: Tender,
    /// The merchant's order number (the app's or kiosk's).
    pub order_no: String,
    /// 微信订单号 / 支付宝交易号.
    pub transaction_id: String,
    pub amount: Money,
    /// The admission's case number, carried by the order (`attach` / `passback_params`).
    pub case_no: String,
    pub paid_at: NaiveDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum NotifyError {
    #[error("通知签名不正确")]
    BadSignature,
    #[error("通知格式不正确：{0}")]
    Malformed(String),
    #[error("通知的交易未成功（{0}）")]
    NotPaid(String),
}

impl NotifyError {
    pub fn code(&self) -> &'static str {
        match self {
            NotifyError::BadSignature => "NOTIFY_SIGNATURE_INVALID",
            NotifyError::Malformed(_) => "NOTIFY_MALFORMED",
            NotifyError::NotPaid(_) => "NOTIFY_NOT_PAID",
        }
    }
}

fn mac(key: &str, text: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(text.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The signed text: the pairs sorted by name, empty values and the signature left out.
fn signed_text(fields: &BTreeMap<String, String>, skip: &[&str]) -> String {
    fields
        .iter()
        .filter(|(k, v)| !v.is_empty() && !skip.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn wechat_sign(fields: &BTreeMap<String, String>, key: &str) -> String {
    let text = format!("{}&key={key}", signed_text(fields, &["sign"]));
    mac(key, &text).iter().map(|b| format!("{b:02X}")).collect()
}

fn alipay_sign(fields: &BTreeMap<String, String>, key: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(mac(key, &signed_text(fields, &["sign", "sign_type"])))
}

/// Compares in constant time.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The body the channel posts for `n`, signed with the merchant `key`; the content type.
pub fn body(n: &Notification, key: &str, nonce: &str) -> (&'static str, String) {
    let mut fields = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        fields.insert(k.to_owned(), v);
    };
    match n.tender {
        Tender::Alipay => {
            put("notify_time", n.paid_at.format("%Y-%m-%d %H:%M:%S").to_string());
            put("notify_type", "trade_status_sync".into());
            put("notify_id", nonce.to_owned());
            put("app_id", "2021000000000001".into());
            put("charset", "utf-8".into());
            put("version", "1.0".into());
            put("sign_type", "HMAC-SHA256".into());
            put("trade_no", n.transaction_id.clone());
            put("out_trade_no", n.order_no.clone());
            put("trade_status", "TRADE_SUCCESS".into());
            put("total_amount", n.amount.to_string());
            put("passback_params", n.case_no.clone());
            put("gmt_payment", n.paid_at.format("%Y-%m-%d %H:%M:%S").to_string());
            let sign = alipay_sign(&fields, key);
            fields.insert("sign".into(), sign);
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.extend_pairs(fields.iter());
            ("application/x-www-form-urlencoded", form.finish())
        }
        _ => {
            put("return_code", "SUCCESS".into());
            put("appid", "wx2421b1c4370ec43b".into());
            put("mch_id", "1900000109".into());
            put("nonce_str", nonce.to_owned());
            put("sign_type", "HMAC-SHA256".into());
            put("result_code", "SUCCESS".into());
            put("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into());
            put("trade_type", "APP".into());
            put("bank_type", "CMB_CREDIT".into());
            put("fee_type", "CNY".into());
            put("total_fee", n.amount.fen().to_string());
            put("cash_fee", n.amount.fen().to_string());
            put("transaction_id", n.transaction_id.clone());
            put("out_trade_no", n.order_no.clone());
            put("attach", n.case_no.clone());
            put("time_end", n.paid_at.format("%Y%m%d%H%M%S").to_string());
            let sign = wechat_sign(&fields, key);
            fields.insert("sign".into(), sign);
            let mut xml = String::from("<xml>");
            for (k, v) in &fields {
                xml.push_str(&format!("<{k}><![CDATA[{v}]]></{k}>"));
            }
            xml.push_str("</xml>");
            ("text/xml", xml)
        }
    }
}

/// The flat `<xml><name>value</name>…</xml>` of a WeChat notification.
fn xml_fields(body: &[u8]) -> Result<BTreeMap<String, String>, NotifyError> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(body).map_err(|_| NotifyError::Malformed("不是 UTF-8".into()))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut fields = BTreeMap::new();
    let mut open: Option<String> = None;
    loop {
        match reader.read_event().map_err(|e| NotifyError::Malformed(e.to_string()))? {
            Event::Start(tag) => {
                let name = tag.name().as_ref().to_owned();
                open = (name != "xml").then_some(name);
            }
            Event::Text(t) => {
                if let Some(name) = &open {
                    let raw = t.into_inner();
                    let value = quick_xml::escape::unescape(&raw).map_err(|e| NotifyError::Malformed(e.to_string()))?;
                    fields.entry(name.clone()).or_insert_with(String::new).push_str(value.trim());
                }
            }
            Event::CData(t) => {
                if let Some(name) = &open {
                    fields.entry(name.clone()).or_insert_with(String::new).push_str(&t.into_inner());
                }
            }
            Event::End(_) => open = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(fields)
}

fn field<'a>(fields: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, NotifyError> {
    fields
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| NotifyError::Malformed(format!("缺少 {name}")))
}

/// Reads a notification `tender`'s channel posted, after checking its signature with `key`.
pub fn read(tender: Tender, body: &[u8], key: &str) -> Result<Notification, NotifyError> {
    match tender {
        Tender::Alipay => {
            let fields: BTreeMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
            if !same(field(&fields, "sign")?, &alipay_sign(&fields, key)) {
                return Err(NotifyError::BadSignature);
            }
            let status = field(&fields, "trade_status")?;
            if status != "TRADE_SUCCESS" && status != "TRADE_FINISHED" {
                return Err(NotifyError::NotPaid(status.to_owned()));
            }
            let amount = Money::parse(field(&fields, "total_amount")?)
                .map_err(|e| NotifyError::Malformed(format!("total_amount：{e}")))?;
            let paid_at = NaiveDateTime::parse_from_str(field(&fields, "gmt_payment")?, "%Y-%m-%d %H:%M:%S")
                .map_err(|e| NotifyError::Malformed(format!("gmt_payment：{e}")))?;
            Ok(Notification {
                tender,
                order_no: field(&fields, "out_trade_no")?.to_owned(),
                transaction_id: field(&fields, "trade_no")?.to_owned(),
                amount,
                case_no: field(&fields, "passback_params")?.to_owned(),
                paid_at,
            })
        }
        _ => {
            let fields = xml_fields(body)?;
            if !same(field(&fields, "sign")?, &wechat_sign(&fields, key)) {
                return Err(NotifyError::BadSignature);
            }
            let result = field(&fields, "result_code")?;
            if field(&fields, "return_code")? != "SUCCESS" || result != "SUCCESS" {
                return Err(NotifyError::NotPaid(result.to_owned()));
            }
            let fen: i64 = field(&fields, "total_fee")?
                .parse()
                .map_err(|_| NotifyError::Malformed("total_fee 不是整数".into()))?;
            let amount = Money::from_fen(fen).map_err(|e| NotifyError::Malformed(format!("total_fee：{e}")))?;
            let paid_at = NaiveDateTime::parse_from_str(field(&fields, "time_end")?, "%Y%m%d%H%M%S")
                .map_err(|e| NotifyError::Malformed(format!("time_end：{e}")))?;
            Ok(Notification {
                tender,
                order_no: field(&fields, "out_trade_no")?.to_owned(),
                transaction_id: field(&fields, "transaction_id")?.to_owned(),
                amount,
                case_no: field(&fields, "attach")?.to_owned(),
                paid_at,
            })
        }
    }
}

/// What the merchant answers: taken (the channel stops announcing) or not (it announces again).
pub fn answer(tender: Tender, taken: bool, message: &str) -> (&'static str, String) {
    match (tender, taken) {
        (Tender::Alipay, true) => ("text/plain", "success".into()),
        (Tender::Alipay, false) => ("text/plain", "failure".into()),
        (_, true) => (
            "text/xml",
            "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>".into(),
        ),
        (_, false) => (
            "text/xml",
            format!(
                "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[{message}]]></return_msg></xml>"
            ),
        ),
    }
}

/// Whether the merchant's answer says it took the notification.
pub fn taken(tender: Tender, answer: &str) -> bool {
    match tender {
        Tender::Alipay => answer.trim() == "success",
        _ => xml_fields(answer.as_bytes()).is_ok_and(|f| f.get("return_code").is_some_and(|c| c == "SUCCESS")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paid(tender: Tender) -> Notification {
        Notification {
            tender,
            order_no: "M20261203000001".into(),
            transaction_id: "4200000000000000000000000001".into(),
            amount: Money::parse("300.00").unwrap(),
            case_no: "2026880001".into(),
            paid_at: NaiveDateTime::parse_from_str("2026-12-03 09:45:00", "%Y-%m-%d %H:%M:%S").unwrap(),
        }
    }

    #[test]
    fn a_signed_notification_reads_back_and_any_change_breaks_its_signature() {
        for tender in [Tender::WeChat, Tender::Alipay] {
            let (_, text) = body(&paid(tender), "key-1", "n1");
            assert_eq!(read(tender, text.as_bytes(), "key-1"), Ok(paid(tender)), "{text}");
            assert_eq!(read(tender, text.as_bytes(), "key-2"), Err(NotifyError::BadSignature));
            let raised = match tender {
                Tender::Alipay => text.replace("total_amount=300.00", "total_amount=3000.00"),
                _ => text.replace("<total_fee><![CDATA[30000]]>", "<total_fee><![CDATA[300000]]>"),
            };
            assert_ne!(raised, text);
            assert_eq!(read(tender, raised.as_bytes(), "key-1"), Err(NotifyError::BadSignature));
            assert!(matches!(read(tender, b"<xml><a>", "key-1"), Err(NotifyError::Malformed(_))));
        }
    }

    #[test]
    fn the_answers_say_taken_or_not_in_each_channels_words() {
        for tender in [Tender::WeChat, Tender::Alipay] {
            assert!(taken(tender, &answer(tender, true, "").1));
            assert!(!taken(tender, &answer(tender, false, "入账失败").1));
        }
    }
}
