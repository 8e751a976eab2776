import { computed, defineComponent, h } from "vue";
import { useData, withBase, type DefaultTheme } from "vitepress";

function links(items: readonly DefaultTheme.SidebarItem[]): { text: string; link: string }[] {
  return items.flatMap((item) => [
    ...(item.link !== undefined && item.text !== undefined
      ? [{ text: item.text, link: item.link }]
      : []),
    ...links(item.items ?? []),
  ]);
}

/** The pages of the sidebar group whose own page (its `link`) is the current page. */
export const SectionPages = defineComponent({
  name: "SectionPages",
  setup() {
    const { theme, page } = useData<DefaultTheme.Config>();
    const pages = computed(() => {
      const here = `/${page.value.relativePath.replace(/(^|\/)index\.md$/, "$1").replace(/\.md$/, "")}`;
      const sidebar = theme.value.sidebar;
      const groups = Array.isArray(sidebar) ? sidebar : [];
      const group = groups.find((item) => item.link === here);
      return links(group?.items ?? []);
    });
    return () =>
      h(
        "ol",
        { class: "section-pages" },
        pages.value.map((item) => h("li", [h("a", { href: withBase(item.link) }, item.text)])),
      );
  },
});
