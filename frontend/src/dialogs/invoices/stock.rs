//! 票据领用: the operator's pre-numbered paper of one kind — the ranges received, the next
//! number, how many are left and how many were written off — and the range form: 领用登记 (a
//! range overlapping any received at this counter is refused) and 核销 with a reason (lost or
//! damaged numbers; a used one is refused).

use contract::ApiError;
use contract::invoice::{StockRequest, StockView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::keep_focus;
use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;

/// The kinds of paper, with the code the app takes.
const KINDS: [(&str, &str); 2] = [("invoice", "票据纸（换开纸质票据）"), ("receipt", "收据纸（预交金收据）")];

/// A number typed into the range form, or the refusal naming its field.
fn number<T: std::str::FromStr>(text: &str, field: &str, label: &str) -> Result<T, ApiError> {
    text.trim().parse().map_err(|_| {
        ApiError::new("PAPER_RANGE_INVALID", format!("{label}应为不带前缀的整数：“{}”", text.trim())).on_field(field)
    })
}

/// The range form as typed.
struct Typed {
    kind: String,
    prefix: String,
    from: String,
    to: String,
    width: String,
}

impl Typed {
    /// The request, or the refusal naming the field that is not a number.
    fn request(&self, reason: Option<String>) -> Result<StockRequest, ApiError> {
        Ok(StockRequest {
            kind: self.kind.clone(),
            prefix: self.prefix.trim().to_owned(),
            from: number(&self.from, "from", "起始号")?,
            to: number(&self.to, "to", "终止号")?,
            width: number(&self.width, "width", "号码位数")?,
            reason,
        })
    }
}

#[component]
pub fn StockStep() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let kind = RwSignal::new(KINDS[0].0.to_owned());
    let stock: RwSignal<Option<StockView>> = RwSignal::new(None);
    let prefix = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let width = RwSignal::new("8".to_owned());
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    Effect::new(move |_| {
        let kind = kind.get();
        spawn_local(async move {
            match ipc::paper_stock(&kind).await {
                Ok(found) => stock.set(Some(found)),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    // (write-off?, request): one action for both, so neither runs while the other does.
    let changing = Action::new_local(move |asked: &(bool, StockRequest)| {
        let (write_off, request) = asked.clone();
        async move {
            let answer =
                if write_off { ipc::write_off_stock(&request).await } else { ipc::receive_stock(&request).await };
            match answer {
                Ok(view) => {
                    error.set(None);
                    let range = format!(
                        "{}{:0width$}–{}{:0width$}",
                        request.prefix.trim(),
                        request.from,
                        request.prefix.trim(),
                        request.to,
                        width = request.width
                    );
                    let text = if write_off {
                        reason.set(String::new());
                        format!(
                            "已核销{} {range}（{} 张）",
                            view.kind_label,
                            request.to.saturating_sub(request.from) + 1
                        )
                    } else {
                        format!("已领用{} {range}，下一张 {}", view.kind_label, view.next.clone().unwrap_or_default())
                    };
                    desk.say(text, Level::Done);
                    from.set(String::new());
                    to.set(String::new());
                    stock.set(Some(view));
                    keep_focus("stock-prefix");
                }
                Err(e) => {
                    error.set(Some(e));
                    keep_focus(if write_off { "stock-reason" } else { "stock-prefix" });
                }
            }
        }
    });
    let pending = changing.pending();
    let send = move |write_off: bool| {
        if pending.get_untracked() {
            return;
        }
        let typed = Typed {
            kind: kind.get_untracked(),
            prefix: prefix.get_untracked(),
            from: from.get_untracked(),
            to: to.get_untracked(),
            width: width.get_untracked(),
        };
        match typed.request(write_off.then(|| reason.get_untracked())) {
            Ok(request) => {
                changing.dispatch_local((write_off, request));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <div class="paper-stock" id="paper-stock">
            <div class="stock-kind">
                <label for="stock-kind">"票据种类"</label>
                <select id="stock-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    {KINDS.into_iter().map(|(code, label)| view! {
                        <option value=code selected=move || kind.with(|k| k == code)>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="item-summary" id="stock-view">
                {move || stock.get().map(|s| view! {
                    <div>{format!("{}（本人领用）", s.kind_label)}</div>
                    <div>"已领用号段：" <span id="stock-ranges">{if s.ranges.is_empty() { "未领用".to_owned() } else { s.ranges.join("、") }}</span></div>
                    <div class="figures-line">
                        <span>"下一张 " <b id="stock-next">{s.next.clone().unwrap_or_else(|| "无".to_owned())}</b></span>
                        <span>"剩余 " <b id="stock-left">{s.left}</b> " 张"</span>
                        <span>"已核销 " <b id="stock-written-off">{s.written_off}</b> " 张"</span>
                    </div>
                })}
            </div>
            <div class="pane-title">"号段（前缀 + 起止号，号码按位数补零）"</div>
            <div class="stock-range">
                <label for="stock-prefix">"前缀"</label>
                <input id="stock-prefix" type="text" autocomplete="off" data-autofocus="1" bind:value=prefix/>
                <label for="stock-from">"起始号"</label>
                <input id="stock-from" type="text" inputmode="numeric" autocomplete="off" bind:value=from/>
                <label for="stock-to">"终止号"</label>
                <input id="stock-to" type="text" inputmode="numeric" autocomplete="off" bind:value=to/>
                <label for="stock-width">"号码位数"</label>
                <input id="stock-width" type="text" inputmode="numeric" autocomplete="off" bind:value=width/>
            </div>
            <div class="dialog-actions">
                <button class="primary" id="stock-receive" disabled=move || pending.get() on:click=move |_| send(false)>
                    "领用登记"
                </button>
            </div>
            <label for="stock-reason">"核销原因（遗失、损毁等；核销上面的号段）"</label>
            <input id="stock-reason" type="text" autocomplete="off" bind:value=reason/>
            <div class="dialog-actions">
                <button class="primary risk" id="stock-write-off" disabled=move || pending.get() on:click=move |_| send(true)>
                    "核销"
                </button>
            </div>
            <DialogError error=error/>
        </div>
    }
}
