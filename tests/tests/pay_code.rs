//! A deposit by WeChat payment code through the real desktop app at a stand-alone counter (the
//! channels' sandbox in-process): F4, the tender turned to 微信, the payer's code scanned into
//! its field; a code whose payer has too little money is refused with the channel's words and
//! nothing is written; a good code is collected, and the receipt's tender keeps the channel's
//! transaction number; reversed by its route, the money goes back through the channel (退款中,
//! then 已退款 on 刷新退款状态).

use std::time::Duration;

use demo::scenario::Scenario;
use e2e::{Desktop, ENTER, ESCAPE, F4, seed_time, seeded_data_dir, store_app};
use thirtyfour::By;

const CASE_NO: &str = "2026990001";

async fn wait_for(desktop: &Desktop, css: &str, accept: impl Fn(&str) -> bool) -> String {
    let started = std::time::Instant::now();
    let mut last = String::new();
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(el) = desktop.driver().find(By::Css(css)).await {
            last = el.text().await.unwrap_or_default();
            if accept(&last) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed what was expected; last: {last}");
}

async fn enter_wechat(desktop: &Desktop, code: &str) {
    desktop.driver().find(By::Css("select.tender-kind option[value='wechat']")).await.unwrap().click().await.unwrap();
    let amount = desktop.driver().find(By::Css(".tender-amount")).await.unwrap();
    amount.clear().await.unwrap();
    amount.send_keys("300").await.unwrap();
    let field = desktop.driver().find(By::Css(".tender-code")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(code).await.unwrap();
    desktop.find_id("deposit-next").await.click().await.unwrap();
    desktop.wait_focus("deposit-confirm").await;
    desktop.press(ENTER).await;
}

#[tokio::test]
#[ignore = "needs the built desktop app and a display: run scripts/test.sh"]
async fn a_deposit_by_wechat_payment_code_through_the_desktop() {
    let dir = seeded_data_dir(20).await;
    let app = store_app(dir.path()).await;
    app::demo_seed::add_admission(&app, &Scenario::audited(CASE_NO, seed_time()).build()).await.unwrap();
    let deposits_before = app.account(CASE_NO).await.unwrap().deposits.len();
    app.store().close().await;

    let desktop = Desktop::start(dir.path()).await;
    desktop.log_in("cashier").await;
    desktop.scan(CASE_NO).await;
    desktop.press(F4).await;
    // Too little money on the payer's side: the channel's refusal, nothing written.
    enter_wechat(&desktop, "134567890123459991").await;
    let said = wait_for(&desktop, "#deposit-dialog .dialog-error", |t| t.contains("余额不足")).await;
    assert!(said.contains("PAYMENT_REFUSED"), "{said}");
    desktop.screenshot("pay-code-refused.png").await;
    // The dialog is back at the entry; the payer shows another code: collected, the receipt printed.
    enter_wechat(&desktop, "134567890123450077").await;
    let receipt_no = desktop.wait_text("deposit-receipt-no", |t| t.starts_with("YJ")).await;
    desktop.screenshot("pay-code-deposit.png").await;
    desktop.press(ESCAPE).await;

    // The patient wants it back: 冲红 by the original route; WeChat takes the refund (退款中)
    // and has given it back when asked again (已退款).
    let reverse =
        format!("//table[@id='deposits']//tr[td[1][text()='{receipt_no}']]//button[contains(@class,'reverse')]");
    desktop.driver().find(By::XPath(&reverse)).await.unwrap().click().await.unwrap();
    let route = desktop.find_id("reverse-route").await.value().await.unwrap().unwrap_or_default();
    assert_eq!(route, "wechat", "the original route is offered first");
    desktop.find_id("reverse-reason").await.send_keys("患者要求退回").await.unwrap();
    desktop.find_id("reverse-confirm").await.click().await.unwrap();
    desktop.wait_text("notice", |t| t.contains("原路退款已提交")).await;
    wait_for(&desktop, "#refunds .refund-state", |t| t == "退款中").await;
    desktop.find_id("refresh-refunds").await.click().await.unwrap();
    wait_for(&desktop, "#refunds .refund-state", |t| t == "已退款").await;
    desktop.screenshot("refund-by-route.png").await;
    desktop.quit().await;

    let app = store_app(dir.path()).await;
    let account = app.account(CASE_NO).await.unwrap();
    assert_eq!(
        account.deposits.len(),
        deposits_before + 2,
        "one deposit and its reversal, the refused one left nothing"
    );
    assert_eq!(account.refunds.len(), 1);
    assert_eq!(
        (account.refunds[0].amount.to_string().as_str(), account.refunds[0].state.code.as_str()),
        ("300.00", "refunded")
    );
    let taken = account.deposits.iter().find(|d| d.receipt_no == receipt_no).expect("the deposit");
    assert_eq!(taken.tenders[0].tender.code, "wechat");
    let transaction = taken.tenders[0].reference.clone().unwrap_or_default();
    assert!(transaction.starts_with("4200") && transaction.len() == 28, "{transaction}");
    app.store().close().await;
}
