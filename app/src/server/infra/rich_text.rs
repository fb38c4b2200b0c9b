//! Rich text written by users (offers' descriptions): Markdown, rendered to HTML, then cleaned by
//! an allow-list. The cleaned HTML is what is stored and shown; nothing else a user writes is
//! ever inserted as markup.

use pulldown_cmark::{html, Options, Parser};
use std::collections::HashSet;

/// The HTML of `markdown`, with only paragraphs, emphasis, lists, small headings, quotes and
/// links (http, https, mailto; opened without the page's referrer, marked as user content).
/// Raw HTML typed in the text is escaped or dropped, never kept.
pub fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::new();
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    let tags: HashSet<&str> = [
        "p",
        "br",
        "strong",
        "em",
        "del",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h3",
        "h4",
        "a",
        "code",
    ]
    .into_iter()
    .collect();
    ammonia::Builder::default()
        .tags(tags)
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&raw)
        .to_string()
}

/// The words of `markdown` without its marks (excerpts in lists).
pub fn plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // Words of two blocks or lines must not run together; inline marks add nothing.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::{plain, render};

    #[test]
    fn plain_text_drops_the_marks() {
        assert_eq!(
            plain("Pain **bio**.\n\n- miche\n- baguette"),
            "Pain bio. miche baguette"
        );
        assert_eq!(plain("<b>gras</b> [lien](https://x.fr)"), "gras lien");
    }

    #[test]
    fn markdown_becomes_simple_html() {
        let html = render("Pain **bio** au *levain*.\n\n- baguette\n- miche");
        assert!(html.contains("<strong>bio</strong>"), "{html}");
        assert!(html.contains("<em>levain</em>"));
        assert!(html.contains("<ul>") && html.contains("<li>miche</li>"));
    }

    #[test]
    fn scripts_and_handlers_never_survive() {
        for payload in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[clic](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<p onclick=\"alert(1)\">texte</p>",
            "<svg onload=alert(1)>",
            "</textarea><script>alert(1)</script>",
        ] {
            let html = render(payload);
            for bad in [
                "<script",
                "onerror",
                "javascript:",
                "<iframe",
                "onclick",
                "<svg",
                "onload",
                "<img",
                "</textarea",
            ] {
                assert!(!html.contains(bad), "{payload} gave {html}");
            }
        }
    }

    #[test]
    fn links_are_kept_but_marked_as_user_content() {
        let html = render("[notre site](https://exemple.fr)");
        assert!(html.contains("href=\"https://exemple.fr\""), "{html}");
        assert!(
            html.contains("rel=\"nofollow ugc noopener noreferrer\""),
            "{html}"
        );
    }
}
