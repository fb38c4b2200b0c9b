//! thaw's theme, made of the site's own design tokens (style/main.css `:root`), and the list of
//! thaw component styles the stylesheet carries. How thaw's CSS reaches the page without
//! JavaScript and without 'unsafe-inline': docs/decisions.md ("thaw's styles").

use std::collections::HashMap;

/// The `data-thaw-id` of the one ConfigProvider (fixed: a random id would differ between the
/// server's HTML and the client's hydration).
pub const THEME_ID: &str = "passerelle";

/// The ids of the thaw styles built into the stylesheet (style/thaw-components.txt).
pub fn built_in_styles() -> impl Iterator<Item = &'static str> {
    include_str!("../../style/thaw-components.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .chain(std::iter::once(THEME_ID))
}

/// thaw's light theme on the site's tokens: the brand ramp `--brand-10` (darkest) to
/// `--brand-160` (lightest), the site's font, text colour and line height — so a thaw
/// component and a hand-made one share one palette, and changing a token changes both.
pub fn theme() -> thaw::Theme {
    let vars: Vec<(i32, String)> = (1..=16)
        .map(|i| (i * 10, format!("var(--brand-{})", i * 10)))
        .collect();
    let palette: HashMap<i32, &str> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut theme = thaw::Theme::custom_light(&palette);
    theme.common.set_font_family_base("var(--font)".into());
    theme.common.set_font_size_base_300("1rem".into());
    theme.common.set_line_height_base_300("1.5".into());
    theme
        .common
        .set_border_radius_medium("var(--radius)".into());
    theme
        .color
        .set_color_neutral_foreground_1("var(--ink)".into());
    theme
        .color
        .set_color_neutral_foreground_2("var(--muted)".into());
    theme.color.set_color_neutral_stroke_1("var(--line)".into());
    theme
}

/// The theme's CSS variables exactly as thaw's ConfigProvider writes them in the browser; the
/// site build appends them to the stylesheet (`passerelle theme-css`).
pub fn theme_css() -> String {
    let theme = theme();
    let mut vars = String::new();
    theme.common.write_css_vars(&mut vars);
    theme.color.write_css_vars(&mut vars);
    format!(".thaw-config-provider[data-thaw-id=\"{THEME_ID}\"]{{{vars}}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_uses_the_sites_tokens() {
        let css = theme_css();
        assert!(css.starts_with(".thaw-config-provider[data-thaw-id=\"passerelle\"]{"));
        assert!(css.contains("--colorBrandBackground: var(--brand-80);"));
        assert!(css.contains("--fontFamilyBase: var(--font);"));
        assert!(css.contains("--colorNeutralForeground1: var(--ink);"));
    }

    #[test]
    fn every_built_in_style_is_listed_once() {
        let ids: Vec<_> = built_in_styles().collect();
        assert!(ids.contains(&"config-provider") && ids.contains(&THEME_ID));
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }
}
