//! 工作清单 and the key map through the real desktop app: the cashier presses Alt+W and sees the
//! patients audited and waiting for their discharge settlement, oldest first; Enter opens the
//! oldest on the desk. F1 shows every key of the desk and the versions, and exports the
//! diagnostics zip: the logs, versions, settings and outbox — and no patient's name.

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
    // 我的今日操作 below the lists, with the day's net per tender.
    desktop.find_id("my-day").await;
    let totals = desktop.find_id("my-day-totals").await.text().await.unwrap();
    assert!(totals.starts_with("净额：") || totals == "今日尚无收付", "{totals}");
    let rows = desktop.driver().find_all(By::Css("#to-settle tbody tr")).await.unwrap();
    assert!(!rows.is_empty(), "the demo has patients waiting for their settlement");
    let oldest = rows[0].attr("data-case").await.unwrap().unwrap();
    let name = rows[0].find(By::Css("td:nth-child(2)")).await.unwrap().text().await.unwrap();
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
    let about = desktop.find_id("about").await;
    let started = std::time::Instant::now();
    while !about.text().await.unwrap().contains("数据库版本") {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "no versions shown");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    desktop.screenshot("key-map.png").await;
    desktop.click_id("back-up-now").await;
    let backed = desktop.wait_text("notice", |t| t.contains("已备份：")).await;
    assert!(backed.contains("backups") && backed.contains("已校验"), "{backed}");
    desktop.click_id("export-diagnostics").await;
    let said = desktop.wait_text("notice", |t| t.contains("诊断包已导出：")).await;
    desktop.press(ESCAPE).await;
    desktop.quit().await;

    let path = said.split_once("诊断包已导出：").unwrap().1.trim().to_owned();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    for wanted in ["versions.txt", "settings.json", "outbox.json"] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} in {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("logs/cashier")), "the logs: {names:?}");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
        assert!(!text.contains(&name), "{} names the patient {name}", entry.name());
    }
}
