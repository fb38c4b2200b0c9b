//! The submit button of a destructive action (delete, withdraw, renounce), with its confirmation.
//! Without JavaScript the person ticks a box that the server requires. Once hydrated the box is
//! replaced by the same value, hidden, and the button opens a modal dialog that says what will be
//! lost: Cancel (focused first, like Escape) or the action again. The dialog is the browser's
//! `<dialog>` opened with `showModal()`: the rest of the page is inert while it is open and focus
//! comes back to the button when it closes (see docs/decisions.md, "Confirmation dialogs").

use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn ConfirmSubmit(
    /// The prefix of the elements' ids.
    #[prop(into)]
    id: String,
    /// The confirmation's submitted name and value, which the server requires.
    #[prop(into)]
    name: String,
    value: &'static str,
    /// The box's label without JavaScript ("I confirm the deletion").
    #[prop(into)]
    check_label: String,
    /// The action's button, in the form and in the dialog.
    #[prop(into)]
    button: String,
    /// The dialog's question and what the action loses.
    #[prop(into)]
    question: String,
    #[prop(into)] consequence: String,
    /// The confirmation's error from the server, if any.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let (check_id, err_id, title_id, body_id) = (
        format!("{id}-confirm"),
        format!("{id}-confirm-error"),
        format!("{id}-dialog-title"),
        format!("{id}-dialog-body"),
    );
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let name_hidden = name.clone();
    let (labelled_by, described_by) = (title_id.clone(), body_id.clone());
    let err_for_box = err_id.clone();
    view! {
        {move || if live.get() {
            view! { <input type="hidden" name=name_hidden.clone() value=value /> }.into_any()
        } else {
            let err_id = err_for_box.clone();
            view! {
                <div class="field field--check confirm__box" class:field--error=move || message.get().is_some()>
                    <input type="checkbox" id=check_id.clone() name=name.clone() value=value
                        aria-describedby=move || message.get().map(|_| err_id.clone()) />
                    <label for=check_id.clone()>{check_label.clone()}</label>
                </div>
            }.into_any()
        }}
        {move || message.get().map(|m| view! { <p class="field__error" id=err_id.clone() role="alert">{m}</p> })}
        <div>
            <button
                type=move || if live.get() { "button" } else { "submit" }
                class="button button--danger"
                aria-haspopup=move || live.get().then_some("dialog")
                on:click=move |ev| {
                    if live.get_untracked() {
                        ev.prevent_default();
                        if let Some(d) = dialog.get_untracked() {
                            let _ = d.show_modal();
                        }
                    }
                }
            >{button.clone()}</button>
        </div>
        <dialog node_ref=dialog class="confirm" aria-labelledby=labelled_by aria-describedby=described_by>
            <h2 id=title_id>{question}</h2>
            <p id=body_id>{consequence}</p>
            <div class="confirm__actions">
                <button type="button" class="button" autofocus=true on:click=move |_| close()>{t("confirm.cancel")}</button>
                <button type="submit" class="button button--danger" on:click=move |_| close()>{button}</button>
            </div>
        </dialog>
    }
}
