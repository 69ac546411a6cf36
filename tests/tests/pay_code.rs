//! A deposit by WeChat payment code through the real desktop app at a stand-alone counter (the
//! channels' sandbox in-process): F4, the tender turned to 微信, the payer's code scanned into
//! its field; a code whose payer has too little money is refused with the channel's words and
//! nothing is written; a good code is collected, and the receipt's tender keeps the channel's
//! transaction number; reversed by its route, the money goes back through the channel (退款中,
//! then 已退款 on 刷新退款状态). A payer whose account was closed gets 退款失败: the cashier is told
//! to ask a supervisor, who finds it on 待处理, opens the patient from there and pays it by
//! transfer to the patient's account (转账退款), kept masked.

use demo::scenario::Scenario;
use e2e::{Desktop, ENTER, ESCAPE, F4, seed_time, seeded_data_dir, store_app};
use thirtyfour::By;

const CASE_NO: &str = "2026990001";

async fn click(desktop: &Desktop, css: &str) {
    let element = desktop.driver().find(By::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    // The account's panes scroll: as the cashier would, bring it into view first.
    element.scroll_into_view().await.unwrap_or_else(|e| panic!("{css}: {e}"));
    if let Err(e) = element.click().await {
        desktop.screenshot("pay-code-not-clickable.png").await;
        panic!("{css}: {e}");
    }
}

async fn enter_wechat(desktop: &Desktop, code: &str) {
    desktop.driver().find(By::Css("select.tender-kind option[value='wechat']")).await.unwrap().click().await.unwrap();
    let amount = desktop.driver().find(By::Css(".tender-amount")).await.unwrap();
    amount.clear().await.unwrap();
    amount.send_keys("300").await.unwrap();
    let field = desktop.driver().find(By::Css(".tender-code")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(code).await.unwrap();
    desktop.click_id("deposit-next").await;
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
    let said = desktop.wait_css("#deposit-dialog .dialog-error", |t| t.contains("余额不足")).await;
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
    desktop.click_by(By::XPath(&reverse)).await;
    let route = desktop.find_id("reverse-route").await.value().await.unwrap().unwrap_or_default();
    assert_eq!(route, "wechat", "the original route is offered first");
    desktop.find_id("reverse-reason").await.send_keys("患者要求退回").await.unwrap();
    desktop.click_id("reverse-confirm").await;
    desktop.wait_text("notice", |t| t.contains("原路退款已提交")).await;
    desktop.wait_css("#refunds .refund-state", |t| t == "退款中").await;
    desktop.click_id("refresh-refunds").await;
    desktop.wait_css("#refunds .refund-state", |t| t == "已退款").await;
    desktop.screenshot("refund-by-route.png").await;

    // The next payer's account was closed: the refund fails, and only a supervisor may pay it
    // another way.
    desktop.press(F4).await;
    enter_wechat(&desktop, "134567890123459994").await;
    let closed_no = desktop.wait_text("deposit-receipt-no", |t| t.starts_with("YJ") && t != receipt_no).await;
    desktop.press(ESCAPE).await;
    let reverse =
        format!("//table[@id='deposits']//tr[td[1][text()='{closed_no}']]//button[contains(@class,'reverse')]");
    desktop.click_by(By::XPath(&reverse)).await;
    desktop.find_id("reverse-reason").await.send_keys("患者要求退回").await.unwrap();
    desktop.click_id("reverse-confirm").await;
    desktop.wait_text("notice", |t| t.contains("原路退款已提交")).await;
    desktop.click_id("refresh-refunds").await;
    desktop.wait_text("notice", |t| t.contains("原路退款失败")).await;
    let said = desktop.wait_css("#refunds tr.refund-failed", |t| t.contains("请主管改退")).await;
    assert!(said.contains("退款失败"), "{said}");
    click(&desktop, "#log-out").await;
    desktop.log_in("supervisor").await;
    // The supervisor finds it on 待处理 and opens the patient from there.
    click(&desktop, "#pending-open").await;
    let listed = desktop.wait_css("#pending-refunds tbody", |t| t.contains(CASE_NO)).await;
    assert!(listed.contains("卡已注销") && listed.contains("¥300.00"), "{listed}");
    desktop.screenshot("pending-refunds.png").await;
    click(&desktop, "#pending-refunds button.open-pending").await;
    desktop.wait_text("patient-case-no", |t| t == CASE_NO).await;
    click(&desktop, "#refunds tr.refund-failed button.pay-otherwise").await;
    desktop.find_id("otherwise-way").await;
    click(&desktop, "#otherwise-way option[value='transfer']").await;
    desktop.find_id("otherwise-bank").await.send_keys("中国工商银行").await.unwrap();
    desktop.find_id("otherwise-holder").await.send_keys("张三").await.unwrap();
    desktop.find_id("otherwise-account").await.send_keys("6222 0212 3456 7890 123").await.unwrap();
    desktop.find_id("otherwise-reason").await.send_keys("微信账户已注销").await.unwrap();
    desktop.screenshot("refund-by-transfer.png").await;
    desktop.click_id("otherwise-confirm").await;
    let said = desktop.wait_text("notice", |t| t.contains("已登记转账退款")).await;
    assert!(said.contains("6222***********0123"), "{said}");
    desktop
        .wait_css("#refunds tr.refund-failed", |t| t.contains("已转账退款至 中国工商银行 张三 6222***********0123"))
        .await;
    desktop.screenshot("refund-transferred.png").await;
    desktop.quit().await;

    let app = store_app(dir.path()).await;
    let account = app.account(CASE_NO).await.unwrap();
    assert_eq!(
        account.deposits.len(),
        deposits_before + 6,
        "two deposits and their reversals, the failed refund's money returned and transferred; the refused one left nothing"
    );
    let states: Vec<_> = account
        .refunds
        .iter()
        .map(|r| (r.amount.to_string(), r.state.code.clone(), r.paid_otherwise.clone()))
        .collect();
    assert_eq!((states[0].0.as_str(), states[0].1.as_str()), ("300.00", "refunded"), "{states:?}");
    let paid = states[1].2.clone().expect("the failed refund paid otherwise");
    assert_eq!((states[1].1.as_str(), paid.tender.code.as_str()), ("failed", "transfer"), "{states:?}");
    let taken = account.deposits.iter().find(|d| d.receipt_no == receipt_no).expect("the deposit");
    assert_eq!(taken.tenders[0].tender.code, "wechat");
    let transaction = taken.tenders[0].reference.clone().unwrap_or_default();
    assert!(transaction.starts_with("4200") && transaction.len() == 28, "{transaction}");
    app.store().close().await;
}
