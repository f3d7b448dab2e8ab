/*
 * matmul-kernel: the one file an experiment may edit.
 *
 * C = A * B for n x n single-precision matrices, row-major:
 *     a[i*n + k], b[k*n + j], c[i*n + j]   (0 <= i, j, k < n)
 *
 * The harness calls matmul() with fresh random A and B (values in [-1, 1)) and with C filled
 * with NaN, so every element of C must be written. a, b and c do not overlap and are 64-byte
 * aligned; a and b must not be written. Built with the benchmark's compiler flags
 * (opt_level, march) and -DBLOCK=<block>.
 *
 * Rules: define exactly one global symbol, matmul (make helpers and tables `static`); no
 * constructors, no system calls (files, printing, threads, clocks, sleeping); malloc/free are fine.
 *
 * This baseline is deliberately naive: BLOCK x BLOCK tiles, but inside a tile the innermost
 * loop walks down a column of B (stride n floats), which is cache-hostile and cannot be
 * vectorised. Better loop orders, blocking for the caches, packing, register tiling,
 * unrolling and SIMD are all open.
 */
#ifndef BLOCK
#define BLOCK 64
#endif

static int min_int(int x, int y)
{
    return x < y ? x : y;
}

void matmul(int n, const float *restrict a, const float *restrict b, float *restrict c)
{
    for (int i = 0; i < n * n; i++) {
        c[i] = 0.0f;
    }
    for (int ii = 0; ii < n; ii += BLOCK) {
        int i_end = min_int(ii + BLOCK, n);
        for (int jj = 0; jj < n; jj += BLOCK) {
            int j_end = min_int(jj + BLOCK, n);
            for (int kk = 0; kk < n; kk += BLOCK) {
                int k_end = min_int(kk + BLOCK, n);
                for (int i = ii; i < i_end; i++) {
                    for (int j = jj; j < j_end; j++) {
                        float sum = c[i * n + j];
                        for (int k = kk; k < k_end; k++) {
                            sum += a[i * n + k] * b[k * n + j];
                        }
                        c[i * n + j] = sum;
                    }
                }
            }
        }
    }
}
