//! The desktop shell: opens the local store, registers the commands and shows the window.
//! Startup problems (locked, corrupt or newer database) are shown in the window, never as a
//! panic.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod blood_commands;
mod commands;
mod day_end_commands;
mod invoice_commands;
mod options;
mod recon_commands;
mod shell;

fn main() {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let options = match options::Options::from_env_and_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let shell = tauri::async_runtime::block_on(shell::Shell::start(options));
    let result = tauri::Builder::default()
        .manage(shell)
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
            commands::worklists,
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
            recon_commands::recon_download_statement,
            recon_commands::recon_download_report,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(error) = result {
        eprintln!("无法启动窗口：{error}");
        std::process::exit(1);
    }
}
