//! The adapter against the sandbox, through the real envelope: issuing, sealing, querying,
//! reversing, paper copies, the day's list, refusals, and lost answers never making two
//! invoices.

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use domain::invoice::{InvoiceAmounts, PayChannel};
use domain::{FeeCategory, Money, Tender};
use uuid::Uuid;

use super::*;

/// A fresh business number for each settlement of a test.
fn next() -> u128 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    u128::from(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

fn m(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(10, 15, 0).unwrap()
}

fn request(bus_no: Uuid) -> InvoiceRequest {
    InvoiceRequest {
        bus_no,
        settlement_no: "JS0100000001".into(),
        payer: "张三".into(),
        resident_id: "11010519491231002X".into(),
        case_no: "88000001".into(),
        admitted_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        discharged_on: Some(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
        at: at(),
        place: "住院收费处".into(),
        hospital: "示范人民医院".into(),
        cashier: "王丽".into(),
        amounts: InvoiceAmounts {
            total: m("1000.00"),
            charges: vec![(FeeCategory::Bed, m("400.00")), (FeeCategory::Laboratory, m("600.00"))],
            channels: vec![
                (PayChannel::InsuranceFund, m("700.00")),
                (PayChannel::Deposit, m("200.00")),
                (PayChannel::Tender(Tender::Cash), m("100.00")),
            ],
            insurance_fund: m("700.00"),
            personal_account: Money::ZERO,
            self_paid: m("300.00"),
            deposits_used: m("200.00"),
        },
    }
}

fn sandbox(fault: SandboxFault) -> Arc<SandboxFiscal> {
    Arc::new(SandboxFiscal::demo(Duration::ZERO)).tap(|s| s.set_fault(fault))
}

trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&Self)) -> Self {
        f(&self);
        self
    }
}
impl<T> Tap for T {}

#[tokio::test]
async fn an_invoice_is_issued_sealed_reversed_and_listed() {
    let sandbox = sandbox(SandboxFault::None);
    let fiscal = sandbox.adapter();
    let key = Uuid::from_u128(next());
    let issued = issue_once(&fiscal, &request(key)).await.unwrap();
    assert_eq!((issued.number.as_str(), issued.total), ("0000000001", m("1000.00")));
    assert!(seal::verify(&sandbox.verifying_key(), &issued));
    let mut forged = issued.clone();
    forged.total = m("10.00");
    assert!(!seal::verify(&sandbox.verifying_key(), &forged), "an altered invoice fails its seal");
    // Asking again for the same settlement gives the same invoice, not a second one.
    assert_eq!(issue_once(&fiscal, &request(key)).await.unwrap(), issued);
    assert_eq!(sandbox.issued().len(), 1);

    // A paper copy blocks the reversal until it is voided.
    fiscal.print_paper(key, "P00000001").await.unwrap();
    let write_off = WriteOff {
        bus_no: key,
        code: issued.code.clone(),
        number: issued.number.clone(),
        reason: "结算错误".into(),
        operator: "王丽".into(),
        at: at(),
    };
    let refused = fiscal.write_off(&write_off).await.unwrap_err();
    assert_eq!(refused.code(), "FISCAL_PAPER_VALID", "{refused}");
    assert!(refused.to_string().contains("P00000001"));
    let other = fiscal.print_paper(key, "P00000002").await.unwrap_err();
    assert_eq!(other.code(), "FISCAL_PAPER");
    fiscal.void_paper("P00000001", "打印错位").await.unwrap();
    let reused = fiscal.print_paper(key, "P00000001").await.unwrap_err();
    assert_eq!(reused.code(), "FISCAL_PAPER", "a voided paper number is never used again");
    let red = write_off_once(&fiscal, &write_off).await.unwrap();
    assert_eq!(write_off_once(&fiscal, &write_off).await.unwrap(), red, "a repeat answers the same red invoice");
    let state = fiscal.query(key).await.unwrap().unwrap();
    assert_eq!((state.scarlet, state.paper), (Some(red), None));

    let day = fiscal.day_list(at().date()).await.unwrap();
    let amounts: Vec<Money> = day.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, vec![m("1000.00"), m("-1000.00")]);
    assert!(fiscal.day_list(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).await.unwrap().is_empty());
}

#[tokio::test]
async fn refusals_are_named_and_change_nothing() {
    let sandbox = sandbox(SandboxFault::None);
    // Signed with the wrong key.
    let wrong = Bosssoft::new(
        Credentials { appid: DEMO_APPID.into(), key: "not-the-key".into() },
        sandbox.clone(),
        sandbox.verifying_key(),
    );
    assert_eq!(wrong.issue(&request(Uuid::from_u128(next()))).await.unwrap_err().code(), "FISCAL_BAD_SIGN");
    // Channels that do not sum to the total.
    let fiscal = sandbox.adapter();
    let mut uneven = request(Uuid::from_u128(next()));
    uneven.amounts.channels[2].1 = m("99.99");
    let refused = fiscal.issue(&uneven).await.unwrap_err();
    assert_eq!(refused.code(), "FISCAL_AMOUNTS");
    assert!(refused.to_string().contains("支付渠道合计 999.99"), "{refused}");
    // A seal the hospital's key does not verify (someone else's platform).
    let other_key = seal::signing_key("another platform").verifying_key();
    let doubting =
        Bosssoft::new(Credentials { appid: DEMO_APPID.into(), key: DEMO_KEY.into() }, sandbox.clone(), other_key);
    assert_eq!(doubting.issue(&request(Uuid::from_u128(next()))).await.unwrap_err().code(), "FISCAL_BAD_SEAL");
    // Unreachable.
    sandbox.set_fault(SandboxFault::Unavailable);
    assert_eq!(fiscal.issue(&request(Uuid::from_u128(next()))).await.unwrap_err().code(), "FISCAL_UNAVAILABLE");
    // Only the one the doubting adapter asked for was issued (the platform did issue it).
    assert_eq!(sandbox.issued().len(), 1);
}

#[tokio::test]
async fn a_thousand_settlements_with_a_fifth_of_the_answers_lost_get_a_thousand_invoices() {
    let sandbox = sandbox(SandboxFault::LoseAnswers(20));
    let fiscal = sandbox.adapter();
    let keys: Vec<Uuid> = (0..1000).map(|_| Uuid::from_u128(next())).collect();
    let mut numbers = Vec::new();
    for key in &keys {
        numbers.push(issue_once(&fiscal, &request(*key)).await.unwrap().number);
    }
    let issued = sandbox.issued();
    assert_eq!(issued.len(), 1000);
    let mut distinct: Vec<Uuid> = issued.iter().map(|(k, _)| *k).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 1000, "no settlement got two invoices");
    let registered: Vec<String> = keys.iter().map(|k| issued.iter().find(|(b, _)| b == k).unwrap().1.clone()).collect();
    assert_eq!(numbers, registered, "each settlement keeps the invoice the platform holds for it");
}

#[tokio::test]
async fn the_register_on_file_remembers_across_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fiscal.jsonl");
    let credentials = || Credentials { appid: DEMO_APPID.into(), key: DEMO_KEY.into() };
    let key = Uuid::from_u128(next());
    let first = {
        let sandbox = Arc::new(
            SandboxFiscal::open(credentials(), DEMO_SEAL_SECRET, Duration::ZERO, SandboxFault::None, &path).unwrap(),
        );
        let issued = sandbox.adapter().issue(&request(key)).await.unwrap();
        sandbox.adapter().print_paper(key, "P1").await.unwrap();
        issued
    };
    let sandbox = Arc::new(
        SandboxFiscal::open(credentials(), DEMO_SEAL_SECRET, Duration::ZERO, SandboxFault::None, &path).unwrap(),
    );
    let state = sandbox.adapter().query(key).await.unwrap().unwrap();
    assert_eq!((state.issued, state.paper.as_deref()), (first, Some("P1")));
    assert_eq!(sandbox.adapter().issue(&request(key)).await.unwrap_err().code(), "FISCAL_DUPLICATE");
}

#[test]
fn the_fault_switch_reads_its_forms() {
    assert_eq!(SandboxFault::parse("unavailable"), SandboxFault::Unavailable);
    assert_eq!(SandboxFault::parse("lose-answer"), SandboxFault::LoseFirstAnswer);
    assert_eq!(SandboxFault::parse("lose-answer:20"), SandboxFault::LoseAnswers(20));
    assert_eq!(SandboxFault::parse(""), SandboxFault::None);
}

#[tokio::test]
async fn two_processes_share_one_register_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fiscal.jsonl");
    let credentials = || Credentials { appid: DEMO_APPID.into(), key: DEMO_KEY.into() };
    let open = || {
        Arc::new(
            SandboxFiscal::open(credentials(), DEMO_SEAL_SECRET, Duration::ZERO, SandboxFault::None, &path).unwrap(),
        )
    };
    // The platform server issues; its kiosk command, another process, prints a paper copy.
    let (server, kiosk) = (open(), open());
    let key = Uuid::from_u128(next());
    let issued = server.adapter().issue(&request(key)).await.unwrap();
    kiosk.adapter().print_paper(key, "K0001").await.unwrap();
    // The server sees the kiosk's paper copy: no reversal until it is voided, which it can do.
    let write_off = WriteOff {
        bus_no: key,
        code: issued.code.clone(),
        number: issued.number.clone(),
        reason: "召回".into(),
        operator: "王丽".into(),
        at: at(),
    };
    assert_eq!(server.adapter().write_off(&write_off).await.unwrap_err().code(), "FISCAL_PAPER_VALID");
    server.adapter().void_paper("K0001", "患者要求重开").await.unwrap();
    server.adapter().write_off(&write_off).await.unwrap();
    assert_eq!(kiosk.adapter().query(key).await.unwrap().unwrap().paper, None);
    assert_eq!(kiosk.issued().len(), 1, "read back once, not twice");
}
