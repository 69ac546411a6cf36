//! 工作清单 and the key map through the real desktop app: the cashier presses Alt+W and sees the
//! patients audited and waiting for their discharge settlement, oldest first; Enter opens the
//! oldest on the desk. F1 shows every key of the desk.

use e2e::{Desktop, ENTER, ESCAPE, seeded_data_dir};
use thirtyfour::By;

const ALT: &str = "\u{E00A}";
const NULL: &str = "\u{E000}";
const F1: &str = "\u{E031}";

#[tokio::test]
#[ignore = "needs the built desktop app and a display: run scripts/test.sh"]
async fn the_cashier_opens_the_oldest_waiting_patient_with_one_key() {
    let dir = seeded_data_dir(40).await;
    let desktop = Desktop::start(dir.path()).await;
    desktop.log_in("cashier").await;
    desktop.press(&format!("{ALT}w{NULL}")).await;
    desktop.find_id("to-settle").await;
    let rows = desktop.driver().find_all(By::Css("#to-settle tbody tr")).await.unwrap();
    assert!(!rows.is_empty(), "the demo has patients waiting for their settlement");
    let oldest = rows[0].attr("data-case").await.unwrap().unwrap();
    let since: Vec<String> = {
        let mut out = Vec::new();
        for row in &rows {
            out.push(row.find(By::Css("td:nth-child(6)")).await.unwrap().text().await.unwrap());
        }
        out
    };
    assert!(since.windows(2).all(|w| w[0] <= w[1]), "oldest discharge order first: {since:?}");
    assert!(desktop.driver().find_all(By::Id("to-audit")).await.unwrap().is_empty(), "a cashier does not audit");
    desktop.screenshot("worklist.png").await;
    // The oldest's 打开 has the focus: Enter opens it.
    let started = std::time::Instant::now();
    loop {
        let focused = desktop.driver().active_element().await.unwrap();
        if focused.class_name().await.unwrap().unwrap_or_default().contains("open-work") {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "打开 never got the focus");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    desktop.press(ENTER).await;
    desktop.wait_text("patient-case-no", |t| t == oldest).await;

    desktop.press(F1).await;
    let keys = desktop.find_id("key-map").await.text().await.unwrap();
    assert!(keys.contains("Alt+W") && keys.contains("F9") && keys.contains("出院结算"), "{keys}");
    desktop.screenshot("key-map.png").await;
    desktop.press(ESCAPE).await;
    desktop.quit().await;
}
