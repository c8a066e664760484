/**
 * A catalog chart (a plain Vega spec with inline data) as an SVG string,
 * rendered by the Vega library itself in Node: a headless View with the
 * `none` renderer and `toSVG()`. No browser, no canvas, no I/O: the loader
 * refuses every URL, so a spec that asks for remote data fails here instead
 * of reaching out from a Lambda function or, worse, from a mail client.
 */
import * as vega from 'vega';
import { FlowLogError } from '../errors.js';

/** A chart that Vega could not parse or render, or that asked for external data. */
export class ChartRenderError extends FlowLogError {}

/** An SVG and what Vega warned about while drawing it. */
export interface RenderedChart {
  readonly svg: string;
  readonly warnings: readonly string[];
}

// Every load (data URL, image, font) is refused: charts carry their data inline.
const NO_IO_LOADER = {
  ...vega.loader(),
  load: (uri: string): Promise<string> => Promise.reject(new ChartRenderError(`a weekly-report chart may not load "${uri}": its data must be inline`)),
  sanitize: (uri: string): Promise<{ href: string }> => Promise.reject(new ChartRenderError(`a weekly-report chart may not load "${uri}": its data must be inline`)),
};

/**
 * Renders a Vega spec to SVG.
 * @throws ChartRenderError when Vega fails (bad spec, external data)
 */
export async function renderChartSvg(spec: Record<string, unknown>): Promise<RenderedChart> {
  const warnings: string[] = [];
  const errors: string[] = [];
  const logger = vega.logger(vega.Warn);
  const into =
    (list: string[]) =>
    (...args: readonly unknown[]): typeof logger => {
      list.push(args.map(String).join(' '));
      return logger;
    };
  logger.warn = into(warnings);
  // Vega logs some failures (a refused load) instead of throwing: they fail the chart here.
  logger.error = into(errors);
  const data = Array.isArray(spec.data) ? (spec.data as unknown[]) : [];
  const remote = data.find((d) => typeof d === 'object' && d !== null && 'url' in d);
  if (remote) throw new ChartRenderError(`a weekly-report chart may not load data (${JSON.stringify(remote)}): its data must be inline`);
  let view: vega.View | undefined;
  try {
    view = new vega.View(vega.parse(spec as vega.Spec), { renderer: 'none', logger, loader: NO_IO_LOADER as unknown as vega.Loader });
    const svg = await view.toSVG();
    if (errors.length > 0) throw new ChartRenderError(`Vega could not render the chart: ${errors.join('; ')}`);
    return { svg, warnings };
  } catch (cause) {
    if (cause instanceof ChartRenderError) throw cause;
    throw new ChartRenderError(`Vega could not render the chart: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  } finally {
    view?.finalize();
  }
}
