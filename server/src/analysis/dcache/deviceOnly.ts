/**
 * A page whose only consumer is a device: the function hands it (or the scatterlist it came from)
 * to the streaming DMA API towards the device. On a non-coherent CPU dma_map_*() and
 * dma_sync_*_for_device() write the kernel alias's dirty lines back themselves
 * (Documentation/core-api/dma-api-howto.rst, "DMA Direction"), and a page the driver builds a
 * command or a trailer in has no user mapping for flush_dcache_page() to serve.
 */
import { normKey } from '../core/events';
import { exprKey } from '../../parsing/nodeText';
import type { FunctionFacts } from '../core/facts';

const TO_DEVICE =
  /^(?:dma_map_(?:sg|sgtable|page|single)\w*|dma_sync_(?:sg|single|sgtable)\w*_for_device|ib_dma_map_\w+)$/;
const DIRECTION = /\bDMA_(?:TO_DEVICE|BIDIRECTIONAL)\b/;

/** The names a page key is reached through: `sg_page(sg)` gives `sg`, `pages[0]` gives `pages`. */
function handles(page: string): string[] {
  const inner = /^\w+\((.*)\)$/.exec(page)?.[1];
  const base = (inner ?? page).replace(/\s+/g, '');
  const root = /^&?([A-Za-z_]\w*)/.exec(base)?.[1];
  return [...new Set([base, ...(root ? [root] : [])])];
}

/** The DMA call that hands `page` to the device, when the function has one. */
export function deviceConsumer(page: string, facts: FunctionFacts): string | undefined {
  const names = handles(page);
  for (const e of facts.all) {
    if (e.kind !== 'call' || !TO_DEVICE.test(e.name)) continue;
    if (!e.args.some((a) => DIRECTION.test(a.text))) continue;
    const passed = e.args.some((a) => {
      const key = normKey(exprKey(a)).replace(/^&/, '');
      return names.includes(key) || names.includes(facts.canon(key));
    });
    if (passed) return `${e.name}() at L${e.node.startPosition.row + 1}`;
  }
  return undefined;
}
