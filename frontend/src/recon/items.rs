//! The day's discrepancies: the filters (channel, class, kind, cause, state; empty = 全部) and
//! the list, one row per entry with what can be done with it — assign a cause, resolve it
//! 以平台为准 or 以渠道为准, have a supervisor decide a requested correction.

use contract::Yuan;
use contract::recon::{
    BATCH_CHANNELS, ITEM_CLASSES, ITEM_KINDS, ITEM_STATES, ItemFilter, ReconItem, all_causes, needs_handling,
    side_label,
};
use leptos::prelude::*;

use super::{Basis, Review, ReviewDialog};

type Field = fn(&mut ItemFilter) -> &mut Option<String>;

fn pairs(table: &[(&str, &str)]) -> Vec<(String, String)> {
    table.iter().map(|(code, label)| ((*code).to_owned(), (*label).to_owned())).collect()
}

#[component]
pub fn Filters(review: Review) -> impl IntoView {
    view! {
        <div class="recon-filters">
            <FilterSelect review=review id="filter-channel" label="渠道" options=pairs(&BATCH_CHANNELS) field=|f| &mut f.channel/>
            <FilterSelect review=review id="filter-class" label="类别" options=pairs(&ITEM_CLASSES) field=|f| &mut f.class/>
            <FilterSelect review=review id="filter-kind" label="类型" options=pairs(&ITEM_KINDS) field=|f| &mut f.kind/>
            <FilterSelect review=review id="filter-cause" label="原因" options=all_causes() field=|f| &mut f.cause/>
            <FilterSelect review=review id="filter-state" label="状态" options=pairs(&ITEM_STATES) field=|f| &mut f.state/>
        </div>
    }
}

/// One filter: `全部` (empty) or a code; a change reloads the list.
#[component]
fn FilterSelect(
    review: Review,
    id: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    field: Field,
) -> impl IntoView {
    let current = move || {
        let mut filter = review.filter.get();
        field(&mut filter).clone().unwrap_or_default()
    };
    let pick = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        review.refine(move |f| *field(f) = (!value.is_empty()).then_some(value));
    };
    view! {
        <label class="filter">
            <span class="muted">{label}</span>
            <select id=id on:change=pick>
                <option value="" prop:selected=move || current().is_empty()>"全部"</option>
                {options.into_iter().map(|(code, text)| {
                    let mine = code.clone();
                    view! { <option value=code prop:selected=move || current() == mine>{text}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

fn money(amount: Option<Yuan>) -> String {
    amount.map(Yuan::display).unwrap_or_default()
}

#[component]
pub fn ItemTable(review: Review) -> impl IntoView {
    view! {
        <div class="scroll recon-items">
            <table class="grid" id="recon-items">
                <thead>
                    <tr>
                        <th>"渠道"</th><th>"类别"</th><th>"方向"</th><th>"类型"</th>
                        <th>"平台订单号"</th><th>"第三方单号"</th><th>"退款单号"</th>
                        <th class="num">"平台金额"</th><th class="num">"渠道金额"</th><th class="num">"差额"</th>
                        <th>"长短款"</th><th>"时间"</th><th>"原因"</th><th>"状态"</th>
                        <th>"处理说明"</th><th>"处理人"</th><th>"审批人"</th><th>"操作"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let items = review.items.get();
                        if items.is_empty() && !review.loading.get() {
                            return view! {
                                <tr class="empty"><td colspan="18" class="muted">"没有符合条件的差异"</td></tr>
                            }
                            .into_any();
                        }
                        items.into_iter().map(|item| view! { <ItemRow review=review item=item/> }).collect_view().into_any()
                    }}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ItemRow(review: Review, item: ReconItem) -> impl IntoView {
    let state = item.state.code.clone();
    let row_class = format!("item-{state}");
    let difference_class = match item.difference {
        Some(d) if !d.money().is_zero() => "num risk",
        _ => "num",
    };
    let stored = StoredValue::new(item.clone());
    let open =
        move |dialog: fn(ReconItem) -> ReviewDialog| move |_| review.dialog.set(Some(dialog(stored.get_value())));
    let handling = needs_handling(&state);
    let awaiting = state == "awaiting_approval";
    let state_label = item.state.label.clone();
    view! {
        <tr data-id=item.id.clone() data-state=state.clone() class=row_class>
            <td>{item.channel.label.clone()}</td>
            <td>{item.class.label.clone()}</td>
            <td>{side_label(&item.side, &item.channel.code)}</td>
            <td>{item.kind.label.clone()}</td>
            <td class="mono">{item.order_no.clone()}</td>
            <td class="mono">{item.third_party_no.clone()}</td>
            <td class="mono">{item.refund_no.clone()}</td>
            <td class="num">{money(item.platform_amount)}</td>
            <td class="num">{money(item.counterpart_amount)}</td>
            <td class=difference_class>{money(item.difference)}</td>
            <td>{item.direction.clone().unwrap_or_default()}</td>
            <td>{item.at.clone()}</td>
            <td class="cause">{item.cause.label.clone()}</td>
            <td><span class=format!("badge item-state state-{state}")>{item.state.label.clone()}</span></td>
            <td class="wrap reason">{item.reason.clone().unwrap_or_default()}</td>
            <td>{item.resolved_by.clone().unwrap_or_default()}</td>
            <td>{item.approved_by.clone().unwrap_or_default()}</td>
            <td class="actions">
                <button class="link assign-cause" on:click=open(ReviewDialog::Cause)>"原因"</button>
                {if handling {
                    view! {
                        <button class="link resolve-platform" on:click=open(|i| ReviewDialog::Resolve(i, Basis::Platform))>
                            "以平台为准"
                        </button>
                        <button class="link resolve-channel" on:click=open(|i| ReviewDialog::Resolve(i, Basis::Channel))>
                            "以渠道为准"
                        </button>
                    }
                    .into_any()
                } else {
                    view! { <span class="resolved-state muted">{state_label}</span> }.into_any()
                }}
                {awaiting.then(|| view! { <button class="link decide" on:click=open(ReviewDialog::Decide)>"审批"</button> })}
            </td>
        </tr>
    }
}
