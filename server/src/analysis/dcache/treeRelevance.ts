/**
 * A file without any mapping word of its own can still write a page through a callee of the
 * tree (xref/pageWriters.ts): the missing-flush rule's file test asks this when it fails.
 */
import { calledNames, callsTreePageWriter } from '../../xref/pageWriters';
import type { TreeContext } from './summaries';

export function callsTreePageWriterIn(fileText: string, tree: TreeContext): boolean {
  return callsTreePageWriter(calledNames(fileText), tree.tree, tree.file);
}
