//! How the desktop app was asked to run: demo or configured, where its data lives, which
//! printer to use. From command-line flags first, then environment variables.

use std::path::PathBuf;
use std::time::Duration;

use domain::Place;

pub struct Options {
    pub demo: bool,
    pub data_dir: PathBuf,
    pub printer: Option<String>,
    pub open_saved_pdfs: bool,
    /// The place named at start (`--place`, `CASHIER_PLACE`); `None`: the one set in 设置.
    pub place: Option<Place>,
    pub discharge_recall_days: u32,
    /// Sandbox insurance: answer delay and fault (`CASHIER_INSURANCE_DELAY_MS`, `CASHIER_INSURANCE_FAULT`).
    pub insurance_delay: Duration,
    /// Fault injection for crash tests (`CASHIER_PAUSE_BEFORE_COMMIT_MS`).
    pub pause_before_commit: Option<Duration>,
}

const USAGE: &str = "用法：inpatient-cashier [--demo] [--data-dir 目录] [--printer 打印机] [--place 地点]
  --demo          演示模式：首次启动时在数据目录生成演示医院
  --data-dir 目录  本地数据目录（也可用环境变量 CASHIER_DATA_DIR）
  --printer 名称   CUPS 打印机（也可用 CASHIER_PRINTER）；不设置则保存 PDF 并打开
  --place 地点     counter（收费窗口）、ward_station、bedside、kiosk（也可用 CASHIER_PLACE；不设置则用“设置”中的地点，默认收费窗口）";

impl Options {
    pub fn from_env_and_args() -> Result<Options, String> {
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        let mut demo = env("CASHIER_DEMO").is_some_and(|v| v == "1");
        let mut data_dir = env("CASHIER_DATA_DIR").map(PathBuf::from);
        let mut printer = env("CASHIER_PRINTER");
        let mut place = env("CASHIER_PLACE");
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--demo" => demo = true,
                "--data-dir" => data_dir = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
                "--printer" => printer = Some(args.next().ok_or(USAGE)?),
                "--place" => place = Some(args.next().ok_or(USAGE)?),
                "-h" | "--help" => return Err(USAGE.to_owned()),
                // WebDriver and desktop launchers may pass their own flags; ignore what is not ours.
                _ => {}
            }
        }
        let data_dir = match data_dir {
            Some(dir) => dir,
            None => {
                let base = dirs::data_dir().unwrap_or_else(|| PathBuf::from("."));
                base.join("inpatient-cashier").join(if demo { "demo" } else { "counter" })
            }
        };
        let place = match place {
            Some(code) => Some(Place::from_code(&code).ok_or_else(|| format!("未知的结算地点：{code}\n{USAGE}"))?),
            None => None,
        };
        let millis = |key: &str| env(key).and_then(|v| v.parse::<u64>().ok()).map(Duration::from_millis);
        Ok(Options {
            demo,
            data_dir,
            printer,
            open_saved_pdfs: env("CASHIER_NO_OPEN").is_none(),
            place,
            discharge_recall_days: env("CASHIER_DISCHARGE_RECALL_DAYS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(domain::account::recall::DISCHARGE_RECALL_DAYS),
            insurance_delay: millis("CASHIER_INSURANCE_DELAY_MS").unwrap_or(Duration::from_millis(150)),
            pause_before_commit: pause_before_commit(),
        })
    }
}

/// `CASHIER_PAUSE_BEFORE_COMMIT_MS`: fault injection for the crash tests, compiled only into
/// builds with the `fault-injection` feature (scripts/test.sh); a shipped app ignores it.
#[cfg(feature = "fault-injection")]
fn pause_before_commit() -> Option<Duration> {
    std::env::var("CASHIER_PAUSE_BEFORE_COMMIT_MS").ok()?.parse::<u64>().ok().map(Duration::from_millis)
}

#[cfg(not(feature = "fault-injection"))]
fn pause_before_commit() -> Option<Duration> {
    None
}
