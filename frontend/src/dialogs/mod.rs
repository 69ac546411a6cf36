//! Dialogs of the cashier's desk, and the frame they share: a modal that Enter walks through
//! field by field and Esc closes.

pub mod audit;
pub mod blood;
pub mod counter_settings;
pub mod day_end;
pub mod deposit;
pub mod invoices;
pub mod key_help;
pub mod pending;
pub mod recall;
pub mod refund_otherwise;
pub mod refused;
pub mod reversal;
pub mod settle;
pub mod tenders;
pub mod worklist;

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::desk::Desk;

/// A modal frame. Enter moves to the next field; on a button, Enter presses it.
#[component]
pub fn Modal(
    id: &'static str,
    title: String,
    /// Changes when the dialog moves to another step: focus goes to its first field again.
    #[prop(optional, into)]
    step: Option<Signal<u32>>,
    /// What Esc does; closes the desk's dialog when not given.
    #[prop(optional, into)]
    on_close: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let frame: NodeRef<Div> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(step) = step {
            step.track();
        }
        if let Some(div) = frame.get() {
            // After the step's view is in the document; a field the operator already moved to
            // keeps the keyboard (a scan or typing under way is never split between two fields).
            let before = document().active_element();
            leptos::prelude::request_animation_frame(move || {
                if !moved_to_a_field(before.as_ref(), &div) {
                    focus_first(&div);
                }
            });
        }
    });
    view! {
        <div class="overlay">
            <div
                class="modal"
                id=id
                tabindex="-1"
                node_ref=frame
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        ev.prevent_default();
                        ev.stop_propagation();
                        match on_close {
                            Some(close) => close.run(()),
                            None => desk.close(),
                        }
                    } else if ev.key() == "Enter" {
                        let on_button = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlButtonElement>().ok()).is_some();
                        if !on_button {
                            ev.prevent_default();
                            if let Some(div) = frame.get_untracked() {
                                focus_next(&div);
                            }
                        }
                    }
                }
            >
                <div class="modal-title">{title} <span class="muted">"（Esc 关闭）"</span></div>
                {children()}
            </div>
        </div>
    }
}

/// Keeps the keyboard inside `dialog` once a step's content has changed (a call finished, a list
/// emptied by a decision): `id` if it is there, else, when the focus fell out, the active tab.
/// A field the operator moved to meanwhile keeps the focus: typing already under way is never
/// split between two fields.
pub fn keep_focus_within(dialog: &'static str, id: &'static str) {
    let before = document().active_element();
    request_animation_frame(move || {
        let document = document();
        let Ok(Some(frame)) = document.query_selector(dialog) else { return };
        if moved_to_a_field(before.as_ref(), &frame) {
            return;
        }
        let active = document.active_element();
        let inside = active.is_some_and(|el| frame.contains(Some(&el)));
        let target = match (document.get_element_by_id(id), inside) {
            (Some(el), _) => Some(el),
            (None, true) => None,
            (None, false) => document.query_selector(&format!("{dialog} .tabs button.active")).ok().flatten(),
        };
        if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
}

/// Whether the focus is now on a field inside `frame` other than `before`: the operator moved
/// there after the dialog changed, and the dialog must not take the keyboard back.
fn moved_to_a_field(before: Option<&web_sys::Element>, frame: &web_sys::Element) -> bool {
    document().active_element().is_some_and(|el| {
        before != Some(&el)
            && matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            && frame.contains(Some(&el))
    })
}

fn focusables(div: &web_sys::HtmlDivElement) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = div.query_selector_all(
        "input:not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled]):not([readonly]), \
         button.primary:not([disabled])",
    ) else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect()
}

/// Focuses what the step marked with `data-autofocus` (a confirm button), else the first field.
pub fn focus_first(div: &web_sys::HtmlDivElement) {
    if let Ok(Some(marked)) = div.query_selector("[data-autofocus]:not([disabled])")
        && let Ok(marked) = marked.dyn_into::<web_sys::HtmlElement>()
    {
        let _ = marked.focus();
        return;
    }
    match focusables(div).first() {
        Some(first) => {
            let _ = first.focus();
        }
        // A dialog only to read (every field locked): the frame itself, so Esc still closes it.
        None => {
            let _ = div.focus();
        }
    }
}

fn focus_next(div: &web_sys::HtmlDivElement) {
    let items = focusables(div);
    let active = leptos::prelude::document().active_element();
    let position =
        items.iter().position(|el| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>()));
    let next = position.map_or(0, |p| p + 1);
    if let Some(el) = items.get(next).or(items.last()) {
        let _ = el.focus();
    }
}

/// A dialog's current step, and a count of its moves that the [`Modal`] watches to focus the
/// new step's first field.
pub struct Steps<S: Send + Sync + 'static> {
    pub current: RwSignal<S>,
    moves: RwSignal<u32>,
}

impl<S: Send + Sync + 'static> Clone for Steps<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Send + Sync + 'static> Copy for Steps<S> {}

impl<S: Clone + Send + Sync + 'static> Steps<S> {
    pub fn new(first: S) -> Steps<S> {
        Steps { current: RwSignal::new(first), moves: RwSignal::new(0) }
    }

    pub fn go(&self, next: S) {
        self.current.set(next);
        self.moves.update(|n| *n += 1);
    }

    /// For the [`Modal`]'s `step`.
    pub fn moves(&self) -> Signal<u32> {
        let moves = self.moves;
        Signal::derive(move || moves.get())
    }
}

/// A field error or refusal shown inside a dialog, with its code small beside it.
#[component]
pub fn DialogError(error: RwSignal<Option<contract::ApiError>>) -> impl IntoView {
    view! {
        <div class="field-error dialog-error" role="alert">
            {move || error.get().map(|e| view! { {e.message} <span class="code">{e.code}</span> })}
        </div>
    }
}

/// While a tabbed dialog (`#dialog_id`) is open, the keys pressed with the focus outside it: a
/// button disabled while its call runs drops the focus to the page, and the dialog must still
/// answer Esc (closes) and its own keys (`on_keys`). A key the dialog already handled is not
/// handled twice. The listener goes with the dialog.
pub fn keys_outside(dialog_id: &'static str, desk: Desk, on_keys: impl Fn(&web_sys::KeyboardEvent) + 'static) {
    let selector = format!("#{dialog_id}");
    let outside = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.default_prevented() {
            return;
        }
        // The frame itself holding the focus (a step with nothing to type) counts as outside:
        // its parts' key handlers sit below it and never see the key.
        let inside = document()
            .active_element()
            .is_some_and(|el| el.id() != dialog_id && el.closest(&selector).ok().flatten().is_some());
        if inside {
            return;
        }
        if ev.key() == "Escape" {
            ev.prevent_default();
            desk.close();
        } else {
            on_keys(&ev);
        }
    });
    on_cleanup(move || outside.remove());
}
