/**
 * The crypto API's software walk flushes what it writes: skcipher_walk_done() ends each step with
 * scatterwalk_done(&walk->out, 1, ...) (crypto/skcipher.c:154 (6.1), :152 (6.12)), and
 * scatterwalk_pagedone() calls flush_dcache_page() on every destination page it leaves
 * (include/crypto/scatterwalk.h:72 (6.1, 6.12)). A page set into the destination scatterlist of a
 * request the function runs is flushed by the time the request completes, bytes the caller stored
 * into it before (in-place decryption of data just read) included.
 */
export interface CryptRequest {
  /** The argument of the request setter that is the destination scatterlist. */
  dst: number;
  /** The calls that run the request. */
  runs: RegExp;
  source: string;
}

export const CRYPT_DESTINATION: ReadonlyMap<string, CryptRequest> = new Map([
  [
    'skcipher_request_set_crypt',
    {
      dst: 2,
      runs: /^crypto_skcipher_(?:en|de)crypt$/,
      source: 'include/crypto/skcipher.h:578 (6.1), :921 (6.12)',
    },
  ],
]);
