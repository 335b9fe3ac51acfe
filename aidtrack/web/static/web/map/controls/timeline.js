// The date range and the "as of" slider, with a day-by-day replay and buttons for the moments in the data.

import { gettext } from "../../i18n.js";
import { el, formatDay } from "../dom.js";
import { addDays, daysBetween, isDay } from "../dates.js";

const REPLAY_MS = 700;

export class Timeline {
  constructor(root, { onChange }) {
    this.from = root.querySelector("#date-from");
    this.to = root.querySelector("#date-to");
    this.slider = root.querySelector("#as-of");
    this.label = root.querySelector("#as-of-label");
    this.play = root.querySelector("#play");
    this.moments = root.querySelector("#moments");
    this.onChange = onChange;
    this.timer = null;
    this.slider.addEventListener("input", () => this.onChange({ asOf: addDays(this.from.value, Number(this.slider.value)) }));
    for (const input of [this.from, this.to]) {
      input.addEventListener("change", () => {
        if (!isDay(this.from.value) || !isDay(this.to.value)) return;
        let [from, to] = [this.from.value, this.to.value];
        if (from > to) [from, to] = [to, from];
        const asOf = addDays(from, Math.min(Number(this.slider.value), daysBetween(from, to)));
        this.onChange({ from, to, asOf: asOf > to ? to : asOf });
      });
    }
    this.play.addEventListener("click", () => (this.timer ? this.stop() : this.start()));
  }

  show(state) {
    this.state = state;
    this.from.value = state.from;
    this.to.value = state.to;
    this.slider.max = String(daysBetween(state.from, state.to));
    this.slider.value = String(daysBetween(state.from, state.asOf));
    this.slider.setAttribute("aria-valuetext", formatDay(state.asOf));
    this.label.textContent = formatDay(state.asOf);
  }

  setMoments(moments) {
    this.moments.replaceChildren(
      ...moments.map(({ day, label }) =>
        el("button", { type: "button", class: "moment", onclick: () => this.onChange({ asOf: day, ...this.widen(day) }) },
          el("time", { datetime: day }, formatDay(day)), " ", label),
      ),
    );
  }

  widen(day) {
    const out = {};
    if (day < this.state.from) out.from = day;
    if (day > this.state.to) out.to = day;
    return out;
  }

  start() {
    if (this.state.asOf >= this.state.to) this.onChange({ asOf: this.state.from });
    this.play.setAttribute("aria-pressed", "true");
    this.play.textContent = `❚❚ ${gettext("Pause")}`;
    this.timer = setInterval(() => {
      if (this.state.asOf >= this.state.to) return this.stop();
      this.onChange({ asOf: addDays(this.state.asOf, 1) });
    }, REPLAY_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.play.setAttribute("aria-pressed", "false");
    this.play.textContent = `▶ ${gettext("Play")}`;
  }
}
