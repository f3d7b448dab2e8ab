/*
 * matmul-kernel worker -- NOT editable by experiments.
 *
 *   worker N        (started only by the checker, harness.c; fds 3, 4 and 5 set up by it)
 *
 * The one program the agent's kernel.o is linked into (statically: no dynamic loader, no file
 * is opened at start-up). Everything in this process is untrusted: the checker (a separate
 * program built from harness.c alone) draws the inputs, times every call and checks every
 * result; this process only computes. Before exec the checker confined it with a seccomp filter
 * that allows start-up and memory only (no files, no output, no processes, no clocks); main()
 * adds a second, stricter filter before the first call, so matmul() may only compute and manage
 * memory. Its stdin, stdout and stderr are /dev/null.
 *
 *   fd 3: commands from the checker ('g' = go, anything else = quit)
 *   fd 4: replies to the checker (an int 0 once confined, then 'd' per call; 'S' + int on a
 *         forbidden system call)
 *   fd 5: the shared matrices A, B, C (a memfd of 3 page-rounded regions)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* The kernel under test (kernel.c). */
void matmul(int n, const float *restrict a, const float *restrict b, float *restrict c);

#if defined(__x86_64__)
#define WORKER_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define WORKER_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "worker.c: seccomp filter written for x86_64 and aarch64 only"
#endif

enum { CMD_FD = 3, DONE_FD = 4, MATRIX_FD = 5 };

static void on_sigsys(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    unsigned char message[1 + sizeof(int)];
    int nr = info->si_syscall;
    message[0] = 'S';
    memcpy(message + 1, &nr, sizeof nr);
    ssize_t ignored = write(DONE_FD, message, sizeof message);
    (void)ignored;
    _exit(112);
}

/* What matmul() may do: read commands, report, manage memory, exit. */
static int install_compute_filter(void)
{
    struct sock_filter filter[64];
    unsigned len = 0;
#define EMIT(s) (filter[len++] = (struct sock_filter)s)
#define ALLOW_NR(nr)                                                        \
    do {                                                                    \
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)(nr), 0, 1));    \
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));                 \
    } while (0)
#define ALLOW_NR_FD(nr, fd)                                                                         \
    do {                                                                                            \
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)(nr), 0, 4));                            \
        EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)offsetof(struct seccomp_data, args[0]))); \
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)(fd), 0, 1));                            \
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));                                         \
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));                                          \
    } while (0)

    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)offsetof(struct seccomp_data, arch)));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, WORKER_AUDIT_ARCH, 1, 0));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)offsetof(struct seccomp_data, nr)));
    ALLOW_NR(__NR_brk);
    ALLOW_NR(__NR_mmap);
    ALLOW_NR(__NR_munmap);
    ALLOW_NR(__NR_mremap);
    ALLOW_NR(__NR_madvise);
    ALLOW_NR(__NR_mprotect);
    ALLOW_NR(__NR_getrandom);
    ALLOW_NR(__NR_rt_sigreturn);
    ALLOW_NR(__NR_exit);
    ALLOW_NR(__NR_exit_group);
    /* The fd checks come last: they overwrite the accumulator. */
    ALLOW_NR_FD(__NR_read, CMD_FD);
    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)offsetof(struct seccomp_data, nr)));
    ALLOW_NR_FD(__NR_write, DONE_FD);
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
#undef EMIT
#undef ALLOW_NR
#undef ALLOW_NR_FD

    struct sock_fprog program = {.len = (unsigned short)len, .filter = filter};
    return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program);
}

/* [guard][A][guard][B][guard][C][guard], A, B and C shared with the checker: a stray access just past a matrix faults. */
static int map_matrices(size_t elems, float **a, float **b, float **c)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t region = (elems * sizeof(float) + page - 1) / page * page;
    size_t total = 4 * page + 3 * region;
    unsigned char *base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        return -1;
    }
    float **slots[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        unsigned char *at = base + page + (size_t)i * (region + page);
        void *mapped = mmap(at, region, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, MATRIX_FD, (off_t)((size_t)i * region));
        if (mapped == MAP_FAILED) {
            return -1;
        }
        *slots[i] = (float *)mapped;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        return 2;
    }
    int n = atoi(argv[1]);
    if (n < 1 || n > 4096) {
        return 2;
    }
    float *a, *b, *c;
    int status = 0;
    if (map_matrices((size_t)n * (size_t)n, &a, &b, &c) != 0) {
        status = errno ? errno : EINVAL;
    }

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigsys;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    if (status == 0 && sigaction(SIGSYS, &action, NULL) != 0) {
        status = errno;
    }

    /* Touch malloc once so its first-use setup happens before the stricter filter. */
    free(malloc(1 << 20));

    /* First message: 0 once confined, else the errno of the failure. */
    if (status == 0 && install_compute_filter() != 0) {
        status = errno;
    }
    if (write(DONE_FD, &status, sizeof status) != (ssize_t)sizeof status || status != 0) {
        _exit(113);
    }

    for (;;) {
        char command;
        ssize_t got = read(CMD_FD, &command, 1);
        if (got != 1 || command != 'g') {
            _exit(0);
        }
        matmul(n, a, b, c);
        char done = 'd';
        if (write(DONE_FD, &done, 1) != 1) {
            _exit(0);
        }
    }
}
