import { LitElement, html } from 'lit';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  color: string;
  /** Draw as bars (counts per bucket) rather than a line. */
  bars?: boolean;
  /** Second y axis (e.g. dollars next to tokens). */
  right?: boolean;
}

/** A uPlot chart that follows its container's width; `data[0]` is the x axis (seconds). */
export class ClpChart extends LitElement {
  static override properties = { data: { attribute: false }, series: { attribute: false }, height: { type: Number }, days: { type: Boolean } };
  declare data: number[][];
  declare series: ChartSeries[];
  declare height: number;
  declare days: boolean;
  private plot: uPlot | null = null;
  private resize: ResizeObserver | null = null;

  constructor() {
    super();
    this.data = [[]];
    this.series = [];
    this.height = 180;
    this.days = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override render() {
    return html`<div class="chart-box"></div>`;
  }

  override updated(changed: Map<string, unknown>): void {
    if (!this.plot || changed.has('series')) this.build();
    else this.plot.setData(this.data as uPlot.AlignedData);
  }

  private build(): void {
    this.plot?.destroy();
    const box = this.querySelector('.chart-box') as HTMLElement;
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const fg = getComputedStyle(this).getPropertyValue('--fg').trim() || '#888';
    const grid = getComputedStyle(this).getPropertyValue('--border').trim() || 'rgba(128,128,128,0.2)';
    const axis = (scale: string, side?: number): uPlot.Axis => ({ scale, side, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } });
    this.plot = new uPlot(
      {
        width: Math.max(200, box.clientWidth),
        height: this.height,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { auto: true }, r: { auto: true } },
        axes: [
          { stroke: fg, grid: { stroke: grid, width: 1 }, ...(this.days ? { values: (_u, v) => v.map((s) => new Date(s * 1000).toLocaleDateString()) } : {}) },
          axis('y'),
          ...(this.series.some((s) => s.right) ? [axis('r', 1)] : []),
        ],
        series: [
          {},
          ...this.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: s.bars ? `${s.color}88` : undefined,
            width: s.bars ? 0 : 2,
            scale: s.right ? 'r' : 'y',
            ...(s.bars && bars ? { paths: bars, points: { show: false } } : {}),
          })),
        ],
      },
      this.data as uPlot.AlignedData,
      box,
    );
    this.resize?.disconnect();
    this.resize = new ResizeObserver(() => this.plot?.setSize({ width: Math.max(200, box.clientWidth), height: this.height }));
    this.resize.observe(box);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }
}
customElements.define('clp-chart', ClpChart);
