//! The business parameters and answers of each method, in the vendor's field names. The
//! adapter writes the parameters and reads the answers; the sandbox reads the parameters and
//! writes the answers — one definition for both sides. Amounts are decimal strings ("123.45"),
//! times `yyyyMMddHHmmssSSS`.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

pub const ISSUE: &str = "invEBillHospitalized";
pub const QUERY: &str = "getEBillByBusNo";
pub const WRITE_OFF: &str = "writeOffEBill";
pub const PRINT_PAPER: &str = "turnPaper";
pub const VOID_PAPER: &str = "invalidPaper";
pub const DAY_LIST: &str = "getBillListByDate";

const TIME: &str = "%Y%m%d%H%M%S%3f";

pub fn time(at: NaiveDateTime) -> String {
    at.format(TIME).to_string()
}

pub fn parse_time(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, TIME).ok()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PayChannelDetail {
    pub pay_channel_code: String,
    pub pay_channel_value: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChargeDetail {
    pub charge_code: String,
    pub charge_name: String,
    pub amt: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssueParams {
    pub bus_no: String,
    /// 02: inpatient.
    pub bus_type: String,
    pub payer: String,
    pub id_card_no: String,
    pub case_number: String,
    pub settlement_no: String,
    pub in_hospital_date: String,
    pub out_hospital_date: String,
    pub bus_date_time: String,
    pub place_code: String,
    pub payee: String,
    pub author: String,
    pub total_amt: String,
    pub fund_pay: String,
    pub account_pay: String,
    pub own_pay: String,
    pub prepay_amt: String,
    pub pay_channel_detail: Vec<PayChannelDetail>,
    pub charge_detail: Vec<ChargeDetail>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssueAnswer {
    pub bill_batch_code: String,
    pub bill_no: String,
    pub random: String,
    pub create_time: String,
    #[serde(rename = "billQRCode")]
    pub bill_qr_code: String,
    pub total_amt: String,
    pub sign_value: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BusNoParams {
    pub bus_no: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BillAnswer {
    /// `None`: nothing issued under that business number.
    pub bill: Option<IssueAnswer>,
    /// 1 正常, 2 作废.
    pub state: u8,
    pub is_scarlet: u8,
    pub scarlet: Option<ScarletAnswer>,
    pub paper_bill_no: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WriteOffParams {
    pub bus_no: String,
    pub bill_batch_code: String,
    pub bill_no: String,
    pub reason: String,
    pub operator: String,
    pub bus_date_time: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScarletAnswer {
    pub e_scarlet_bill_batch_code: String,
    pub e_scarlet_bill_no: String,
    pub e_scarlet_random: String,
    pub create_time: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaperParams {
    pub bus_no: String,
    pub paper_bill_no: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VoidPaperParams {
    pub paper_bill_no: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DayParams {
    /// yyyyMMdd.
    pub bill_date: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DayItem {
    pub bus_no: String,
    pub bill_batch_code: String,
    pub bill_no: String,
    /// Negative for a red invoice.
    pub total_amt: String,
    pub create_time: String,
    pub is_scarlet: u8,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DayAnswer {
    pub list: Vec<DayItem>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// The vendor's result codes for refusals, and ours for them: one table for both sides.
pub const REFUSALS: [(&str, &str); 7] = [
    ("E1001", "FISCAL_BAD_SIGN"),
    ("E1002", "FISCAL_BAD_REQUEST"),
    ("E2001", "FISCAL_AMOUNTS"),
    ("E3001", "FISCAL_DUPLICATE"),
    ("E3002", "FISCAL_NOT_FOUND"),
    ("E3003", "FISCAL_PAPER_VALID"),
    ("E3004", "FISCAL_PAPER"),
];

/// Our code for the vendor's result code.
pub fn refusal_code(result: &str) -> &'static str {
    REFUSALS.iter().find(|(vendor, _)| *vendor == result).map_or("FISCAL_REFUSED", |(_, ours)| ours)
}

/// The vendor's result code for ours.
pub fn vendor_code(ours: &str) -> &'static str {
    REFUSALS.iter().find(|(_, o)| *o == ours).map_or("E9999", |(vendor, _)| vendor)
}
