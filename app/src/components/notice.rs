//! The result of an action, said where the person is looking: a thaw `MessageBar` (its icon and
//! colours say success, warning or information), inside a live region so that a screen reader
//! reads it out when it appears.

use leptos::prelude::*;
use thaw::{MessageBar, MessageBarBody, MessageBarIntent};

/// What a notice says: that it worked, that something needs attention, or plain information.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tone {
    #[default]
    Done,
    Warning,
    Info,
}

#[component]
pub fn Notice(#[prop(optional)] tone: Tone, children: Children) -> impl IntoView {
    let intent = match tone {
        Tone::Done => MessageBarIntent::Success,
        Tone::Warning => MessageBarIntent::Warning,
        Tone::Info => MessageBarIntent::Info,
    };
    view! {
        <div class="notice" role="status">
            <MessageBar intent>
                <MessageBarBody>{children()}</MessageBarBody>
            </MessageBar>
        </div>
    }
}
