// People besieged over time for the map's dates: a chart drawn by the server (an SVG image) and a link to the
// access report, whose table gives the same numbers.

export class PeopleChart {
  constructor(section, { chartUrl, reportUrl }) {
    this.image = section.querySelector("img");
    this.link = section.querySelector("a");
    this.chartUrl = chartUrl;
    this.reportUrl = reportUrl;
    this.shown = "";
  }

  show(state) {
    const query = new URLSearchParams({ from: state.from, to: state.to }).toString();
    if (query === this.shown) return;
    this.shown = query;
    this.image.src = `${this.chartUrl}?${query}`;
    this.link.href = `${this.reportUrl}?${query}#people`;
  }
}
