//! Shows the desk's open dialog, if any.

use leptos::prelude::*;

use crate::desk::{Desk, Dialog};
use crate::dialogs::audit::AuditDialog;
use crate::dialogs::blood::BloodDialog;
use crate::dialogs::counter_settings::CounterSettingsDialog;
use crate::dialogs::day_end::DayEndDialog;
use crate::dialogs::deposit::DepositDialog;
use crate::dialogs::invoices::InvoicesDialog;
use crate::dialogs::key_help::KeyHelpDialog;
use crate::dialogs::pending::PendingDialog;
use crate::dialogs::recall::RecallDialog;
use crate::dialogs::refund_otherwise::RefundOtherwiseDialog;
use crate::dialogs::reversal::{ReverseDialog, VoidReceiptDialog};
use crate::dialogs::settle::SettleDialog;
use crate::dialogs::worklist::WorklistDialog;

#[component]
pub fn DialogSwitch() -> impl IntoView {
    let desk = expect_context::<Desk>();
    move || {
        desk.dialog.get().map(|dialog| match dialog {
            Dialog::Deposit => view! { <DepositDialog/> }.into_any(),
            Dialog::Settle(kind) => view! { <SettleDialog kind=kind/> }.into_any(),
            Dialog::Recall => view! { <RecallDialog/> }.into_any(),
            Dialog::Audit => view! { <AuditDialog/> }.into_any(),
            Dialog::Blood => view! { <BloodDialog/> }.into_any(),
            Dialog::Invoices => view! { <InvoicesDialog/> }.into_any(),
            Dialog::DayEnd => view! { <DayEndDialog/> }.into_any(),
            Dialog::Reverse(deposit) => view! { <ReverseDialog deposit=deposit/> }.into_any(),
            Dialog::RefundOtherwise(refund) => view! { <RefundOtherwiseDialog refund=refund/> }.into_any(),
            Dialog::Pending => view! { <PendingDialog/> }.into_any(),
            Dialog::Worklist => view! { <WorklistDialog/> }.into_any(),
            Dialog::Keys => view! { <KeyHelpDialog/> }.into_any(),
            Dialog::Settings => view! { <CounterSettingsDialog/> }.into_any(),
            Dialog::VoidReceipt(deposit) => view! { <VoidReceiptDialog deposit=deposit/> }.into_any(),
        })
    }
}
