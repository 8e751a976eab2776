/**
 * The default theme, plus `<SectionPages />`: a list of the pages of the current page's
 * sidebar group, for a section's index page (docs/tutorial/index.md), so that the list of
 * chapters is never written by hand.
 */
import DefaultTheme from "vitepress/theme";
import type { Theme } from "vitepress";
import { SectionPages } from "./section-pages.mjs";

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component("SectionPages", SectionPages);
  },
};

export default theme;
