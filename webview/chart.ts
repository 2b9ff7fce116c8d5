import { LitElement, html } from 'lit';
import type uPlot from 'uplot';
import { compactNumber, money } from '../src/shared/format.ts';

export interface ChartSeries {
  label: string;
  color: string;
  /** Draw as bars (counts per bucket) rather than a line. */
  bars?: boolean;
  /** Second y axis (e.g. dollars next to tokens). */
  right?: boolean;
  /** Its values are dollars. */
  dollars?: boolean;
}

/**
 * uPlot itself, from `uplot.js` beside this bundle (under the same `?v=` build hash on :3300, so it is
 * cached as the bundle is): asked for once, when the first chart is about to draw.
 */
let UPlot: typeof uPlot | null = null;
let uplotLoad: Promise<unknown> | null = null;
/** Sets `UPlot`; a load that failed is tried again by the next chart to draw. */
function loadUplot(): Promise<unknown> {
  uplotLoad ??= (import(new URL(`./uplot.js${new URL(import.meta.url).search}`, import.meta.url).href) as Promise<{ default: typeof uPlot }>).then(
    (m) => (UPlot = m.default),
    (err: unknown) => {
      uplotLoad = null;
      throw err;
    },
  );
  return uplotLoad;
}

const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** A y range from zero to a little over the highest value (1 when all are zero). */
function zeroBased(_u: uPlot, _min: number, max: number): [number, number] {
  return [0, max > 0 ? max * 1.08 : 1];
}

/** A uPlot chart that follows its container's width; `data[0]` is the x axis (seconds). */
export class ClpChart extends LitElement {
  static override properties = {
    data: { attribute: false },
    series: { attribute: false },
    height: { type: Number },
    days: { type: Boolean },
    fromZero: { type: Boolean, attribute: 'from-zero' },
    xRange: { attribute: false },
  };
  declare data: number[][];
  declare series: ChartSeries[];
  declare height: number;
  declare days: boolean;
  /** The y axes start at zero (bars must: a bar's height is its value). */
  declare fromZero: boolean;
  /** The x axis spans exactly this (seconds), whatever the data. */
  declare xRange: [number, number] | null;
  private plot: uPlot | null = null;
  private resize: ResizeObserver | null = null;

  constructor() {
    super();
    this.data = [[]];
    this.series = [];
    this.height = 180;
    this.days = false;
    this.fromZero = true;
    this.xRange = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override render() {
    return html`<div class="chart-box"></div>`;
  }

  override updated(changed: Map<string, unknown>): void {
    if (!this.plot) return this.buildAfterPaint();
    if (changed.has('series') || changed.has('xRange')) this.build();
    else this.plot.setData(this.data as uPlot.AlignedData);
    this.expose();
  }

  private buildPending = false;

  /**
   * The first drawing waits for the page's first paint: measuring the box and drawing the canvas in
   * the same frame held back the tables and numbers beside the chart (the Usage page's first rows
   * painted ~60 ms later on a month of history). It uses the data as it is by then.
   */
  private buildAfterPaint(): void {
    if (this.buildPending) return;
    this.buildPending = true;
    const ready = loadUplot();
    requestAnimationFrame(() =>
      setTimeout(() => {
        ready.then(
          () => {
            this.buildPending = false;
            if (!this.isConnected) return;
            this.build();
            this.expose();
          },
          (err: unknown) => {
            this.buildPending = false;
            console.error('CLP: the chart library (uplot.js) did not load', err);
          },
        );
      }),
    );
  }

  /** The axes' ranges as uPlot settled them, on the element: what a test (or a curious user) can read. */
  private expose(): void {
    const sc = this.plot?.scales;
    if (!sc) return;
    this.dataset.xMin = String(sc.x?.min ?? '');
    this.dataset.xMax = String(sc.x?.max ?? '');
    this.dataset.yMin = String(sc.y?.min ?? '');
    this.dataset.plotHeight = String(Math.round(this.plot!.bbox.height / devicePixelRatio));
  }

  private build(): void {
    if (!UPlot) return;
    this.plot?.destroy();
    const box = this.querySelector('.chart-box') as HTMLElement;
    const bars = UPlot.paths.bars?.({ size: [0.7, 40] });
    const fg = getComputedStyle(this).getPropertyValue('--fg').trim() || '#888';
    const grid = getComputedStyle(this).getPropertyValue('--border').trim() || 'rgba(128,128,128,0.2)';
    // Values as the page writes counts: 566.4k, not 566,368 cut off at the edge.
    const axis = (scale: string, side = 3, dollars = false): uPlot.Axis => ({
      scale,
      side,
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid },
      values: (_u, v) => v.map((n) => (dollars ? money(n) : Number.isInteger(n) ? compactNumber(n) : n.toFixed(n < 1 ? 3 : 1))),
      size: 56,
    });
    this.plot = new UPlot(
      {
        width: Math.max(200, box.clientWidth),
        height: this.height,
        // The page writes its own legend, with names and values that need no hovering.
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        hooks: { setScale: [() => this.expose()], draw: [() => this.expose()] },
        scales: {
          x: { time: true, ...(this.xRange ? { range: () => this.xRange! } : {}) },
          y: this.fromZero ? { range: zeroBased } : { auto: true },
          r: this.fromZero ? { range: zeroBased } : { auto: true },
        },
        axes: [
          {
            stroke: fg,
            size: 50,
            grid: { stroke: grid, width: 1 },
            ...(this.days ? { values: (_u: uPlot, v: number[]) => v.map((s) => dayLabel.format(s * 1000)), space: 60 } : {}),
          },
          axis('y'),
          ...(this.series.some((s) => s.right)
            ? [
                axis(
                  'r',
                  1,
                  this.series.some((s) => s.right && s.dollars),
                ),
              ]
            : []),
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

  /**
   * uPlot paints with the colours it was built with: a theme change (the system's dark mode, or
   * VS Code's theme, which swaps the body's class and the variables) builds it again.
   */
  private readonly rebuild = () => {
    if (this.plot) this.build();
  };
  private scheme: MediaQueryList | null = null;
  private theme: MutationObserver | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.scheme = window.matchMedia('(prefers-color-scheme: dark)');
    this.scheme.addEventListener('change', this.rebuild);
    this.theme = new MutationObserver(this.rebuild);
    this.theme.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.scheme?.removeEventListener('change', this.rebuild);
    this.theme?.disconnect();
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }
}
customElements.define('clp-chart', ClpChart);
