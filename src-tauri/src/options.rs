//! How the desktop app was asked to run: demo or configured, where its data lives, which
//! printer to use. From command-line flags first, then environment variables.

use std::path::PathBuf;

pub struct Options {
    pub demo: bool,
    pub data_dir: PathBuf,
    pub printer: Option<String>,
    pub open_saved_pdfs: bool,
}

const USAGE: &str = "用法：inpatient-cashier [--demo] [--data-dir 目录] [--printer 打印机]
  --demo          演示模式：首次启动时在数据目录生成演示医院
  --data-dir 目录  本地数据目录（也可用环境变量 CASHIER_DATA_DIR）
  --printer 名称   CUPS 打印机（也可用 CASHIER_PRINTER）；不设置则保存 PDF 并打开";

impl Options {
    pub fn from_env_and_args() -> Result<Options, String> {
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        let mut demo = env("CASHIER_DEMO").is_some_and(|v| v == "1");
        let mut data_dir = env("CASHIER_DATA_DIR").map(PathBuf::from);
        let mut printer = env("CASHIER_PRINTER");
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--demo" => demo = true,
                "--data-dir" => data_dir = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
                "--printer" => printer = Some(args.next().ok_or(USAGE)?),
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
        Ok(Options { demo, data_dir, printer, open_saved_pdfs: env("CASHIER_NO_OPEN").is_none() })
    }
}
