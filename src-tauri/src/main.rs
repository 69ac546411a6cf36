//! The desktop shell: opens the local store, registers the commands and shows the window.
//! Startup problems (locked, corrupt or newer database) are shown in the window, never as a
//! panic.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod blood_commands;
mod commands;
mod day_end_commands;
mod exports;
mod invoice_commands;
mod one_instance;
mod options;
mod recon_commands;
mod settings_commands;
mod shell;
mod support_commands;
mod web_view;

/// Logs to stderr and to `logs/cashier.YYYY-MM-DD.log` in the data folder (a file a day, the
/// newest 30 kept; `RUST_LOG` sets the level, `info` by default). The guard flushes at exit.
fn start_logging(data_dir: &std::path::Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
    };
    // The folder first: the appender prunes old files from it at once.
    let _ = std::fs::create_dir_all(data_dir.join("logs"));
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("cashier")
        .filename_suffix("log")
        .max_log_files(30)
        .build(data_dir.join("logs"));
    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(filter());
    match file {
        Ok(file) => {
            let (writer, guard) = tracing_appender::non_blocking(file);
            let to_file = tracing_subscriber::fmt::layer().with_ansi(false).with_writer(writer).with_filter(filter());
            tracing_subscriber::registry().with(stderr).with(to_file).init();
            Some(guard)
        }
        Err(e) => {
            tracing_subscriber::registry().with(stderr).init();
            tracing::warn!(error = %e, "no log file: logging to stderr only");
            None
        }
    }
}

fn main() {
    let options = match options::Options::from_env_and_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let _logs = start_logging(&options.data_dir);
    let (_lock, listener) = match one_instance::claim(&options.data_dir) {
        Ok(one_instance::Instance::First { _lock, listener }) => (Some(_lock), listener),
        Ok(one_instance::Instance::Second) => {
            eprintln!("住院收费已在运行（数据目录 {}）：已切换到已打开的窗口", options.data_dir.display());
            std::process::exit(0);
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not check for another window on this data folder");
            (None, None)
        }
    };
    let shell = tauri::async_runtime::block_on(shell::Shell::start(options));
    let result = tauri::Builder::default()
        // The window opens where and as large as it was last closed.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(move |app| {
            if let Some(window) = tauri::Manager::get_webview_window(app, "main") {
                web_view::lighten(&window);
            }
            if let Some(listener) = listener {
                one_instance::answer(listener, app.handle().clone());
            }
            Ok(())
        })
        .manage(shell)
        .manage(exports::Exports::default())
        .invoke_handler(tauri::generate_handler![
            commands::startup_status,
            commands::log_in,
            commands::log_out,
            commands::link_status,
            commands::current_session,
            commands::find_patients,
            commands::account,
            commands::print_statement,
            commands::operation_key,
            commands::take_deposit,
            commands::reverse_deposit,
            commands::void_receipt,
            commands::print_deposit_receipt,
            commands::trial,
            commands::settle,
            commands::print_settlement,
            commands::refund_status,
            commands::refund_otherwise,
            commands::pending,
            support_commands::about,
            support_commands::export_diagnostics,
            support_commands::back_up_now,
            settings_commands::counter_settings,
            settings_commands::save_print_settings,
            settings_commands::save_platform_settings,
            settings_commands::print_test_page,
            settings_commands::register_counter,
            settings_commands::restart_app,
            settings_commands::window_painted,
            commands::worklists,
            commands::my_day,
            commands::resolve_pending,
            commands::recall,
            commands::audit_gate,
            commands::decide_audit,
            commands::decide_fee,
            blood_commands::blood_registrations,
            blood_commands::blood_waiting,
            blood_commands::blood_entitlement,
            blood_commands::register_blood,
            blood_commands::review_blood,
            blood_commands::blood_pages,
            blood_commands::print_pledge,
            blood_commands::print_blood_form,
            blood_commands::capture_setup,
            blood_commands::save_capture_settings,
            blood_commands::capture_page,
            blood_commands::rotate_page,
            invoice_commands::invoices,
            invoice_commands::print_invoice,
            invoice_commands::print_paper,
            invoice_commands::void_paper,
            invoice_commands::receive_stock,
            invoice_commands::write_off_stock,
            invoice_commands::paper_stock,
            invoice_commands::kiosk_invoices,
            invoice_commands::finish_invoices,
            day_end_commands::preview_close,
            day_end_commands::close_day,
            day_end_commands::cancel_close,
            day_end_commands::my_closes,
            day_end_commands::print_close,
            day_end_commands::waiting_closes,
            day_end_commands::hand_in,
            day_end_commands::print_hand_in,
            day_end_commands::daily_report,
            day_end_commands::monthly_report,
            day_end_commands::print_day_end,
            day_end_commands::export_day_end,
            recon_commands::recon_batches,
            recon_commands::recon_run,
            recon_commands::recon_items,
            recon_commands::recon_assign_cause,
            recon_commands::recon_resolve,
            recon_commands::recon_decide,
            recon_commands::recon_export,
            exports::export_progress,
            exports::cancel_export,
            recon_commands::recon_download_statement,
            recon_commands::recon_download_report,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("无法启动窗口：{error}");
        std::process::exit(1);
    }
}
