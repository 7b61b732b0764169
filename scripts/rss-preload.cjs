// Preloaded by the benchmarks: reports the process's peak resident memory (KiB) on exit.
process.on('exit', () => {
  process.stderr.write(`\nFLUSHGUARD_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
