// uPlot, in a file of its own (dist/webview/uplot.js): a third of the page's code that only the charts
// use, so the first paint neither fetches nor compiles it. chart.ts loads it when a chart first draws.
export { default } from 'uplot';
