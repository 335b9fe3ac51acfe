// The layer switches, the choropleth choice and the filters: form controls rendered by the server.

import { gettext } from "../../i18n.js";

const FIELDS = {
  category: "#f-category",
  areaStatus: "#f-area-status",
  convoyStatus: "#f-convoy-status",
  governorate: "#f-governorate",
  organization: "#f-organization",
  choropleth: "#choropleth",
};

export class Filters {
  constructor(root, { onChange, levels }) {
    this.root = root;
    this.inputs = Object.fromEntries(Object.entries(FIELDS).map(([key, selector]) => [key, root.querySelector(selector)]));
    for (const option of this.inputs.choropleth.querySelectorAll("option[data-level]")) {
      if (!levels.has(Number(option.dataset.level))) {
        option.disabled = true;
        option.textContent += ` ${gettext("(no districts loaded)")}`;
      }
    }
    for (const [key, input] of Object.entries(this.inputs)) {
      input.addEventListener("change", () => {
        const value = input.value;
        onChange({ [key]: key === "organization" ? (value ? Number(value) : null) : value });
      });
    }
    this.layerBoxes = [...root.querySelectorAll("input[name=layer]")];
    for (const box of this.layerBoxes) {
      box.addEventListener("change", () =>
        onChange({ layers: new Set(this.layerBoxes.filter((b) => b.checked).map((b) => b.value)) }),
      );
    }
    root.querySelector("#reset").addEventListener("click", () =>
      onChange({ category: "", areaStatus: "", convoyStatus: "", governorate: "", organization: null }),
    );
  }

  show(state) {
    for (const [key, input] of Object.entries(this.inputs)) {
      input.value = state[key] === null ? "" : String(state[key]);
    }
    for (const box of this.layerBoxes) box.checked = state.layers.has(box.value);
  }
}
